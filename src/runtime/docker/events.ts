/**
 * `GET /events`: one JSON document per line for as long as the connection lasts. The engine
 * subscribes us before it sends the response headers, so `ready` (headers received) means no
 * later event can be missed.
 */
import type { LabelFilter, RuntimeEvent, RuntimeEventAction, RuntimeEventStream } from '../container-runtime.js';
import { RuntimeApiError, RuntimeUnavailableError } from '../runtime-errors.js';
import type { DockerClient, EngineStream } from './client.js';
import { toHealthStatus } from './engine-state-mapping.js';
import { jsonLines, readText } from './json-lines.js';

export interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

const ACTIONS = new Set<RuntimeEventAction>(['create', 'start', 'kill', 'die', 'oom', 'stop', 'destroy']);

/** A container event we care about, or undefined (exec_*, attach, rename, other object types). */
export function toRuntimeEvent(e: DockerEvent): RuntimeEvent | undefined {
  const containerId = e.Actor?.ID;
  if (e.Type !== 'container' || !containerId || !e.Action) return undefined;
  const time = e.timeNano !== undefined ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000;
  const attributes = e.Actor?.Attributes ?? {};
  // Health changes arrive as "health_status: healthy".
  if (e.Action.startsWith('health_status')) {
    const health = toHealthStatus(e.Action.slice(e.Action.indexOf(':') + 1).trim());
    return health ? { containerId, action: 'health_status', time, health } : undefined;
  }
  const action = e.Action as RuntimeEventAction;
  if (!ACTIONS.has(action)) return undefined;
  const event: { -readonly [K in keyof RuntimeEvent]: RuntimeEvent[K] } = { containerId, action, time };
  if (action === 'die' && attributes.exitCode !== undefined) event.exitCode = Number(attributes.exitCode);
  if (action === 'kill' && attributes.signal !== undefined) event.signal = attributes.signal;
  return event;
}

/** `{ type: ['container'], label: ['k=v', ...] }` as the engine's `filters` parameter wants it. */
export function eventFilters(labelFilter: LabelFilter): string {
  return JSON.stringify({ type: ['container'], label: Object.entries(labelFilter).map(([k, v]) => `${k}=${v}`) });
}

export function dockerEvents(client: DockerClient, labelFilter: LabelFilter, signal: AbortSignal): RuntimeEventStream {
  const opened: Promise<EngineStream> = client
    .stream('events', undefined, { method: 'GET', path: '/events', query: { filters: eventFilters(labelFilter) }, signal })
    .then(async (stream) => {
      if (stream.status === 200) return stream;
      const text = await readText(stream.body).catch(() => '');
      throw new RuntimeApiError('events', stream.status, text.trim());
    });
  const ready = opened.then(() => undefined);
  // Both are also observed by iterating; a caller who does neither must not crash the process.
  ready.catch(() => undefined);

  async function* iterate(): AsyncGenerator<RuntimeEvent> {
    let stream: EngineStream;
    try {
      stream = await opened;
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    try {
      for await (const raw of jsonLines(stream.body)) {
        const event = toRuntimeEvent(raw as DockerEvent);
        if (event) yield event;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    } finally {
      stream.close();
    }
    // The engine went away (restart, shutdown): the agent resubscribes and re-lists.
    if (!signal.aborted) throw new RuntimeUnavailableError('the container engine ended the event stream');
  }

  const events = iterate();
  return { ready, [Symbol.asyncIterator]: () => events };
}

/**
 * Whether the engine recorded an `oom` event for a container since `sinceMs` (its start). Docker
 * 20.10 can lose the race between a container's OOM event and its exit and then report
 * `OOMKilled: false` for a container the kernel killed; its event log still has the `oom`.
 */
export async function hadOomEvent(client: DockerClient, containerId: string, sinceMs: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const query = {
    since: (Math.max(0, sinceMs - 1_000) / 1000).toFixed(3),
    until: (Date.now() / 1000).toFixed(3),
    filters: JSON.stringify({ type: ['container'], container: [containerId], event: ['oom'] }),
  };
  const stream = await client.stream('events', timeoutMs, { method: 'GET', path: '/events', query, ...(signal ? { signal } : {}) });
  if (stream.status !== 200) {
    await readText(stream.body).catch(() => '');
    return false;
  }
  // Read to the end (`until` ends the stream): closing it early errors the body.
  let oom = false;
  for await (const event of jsonLines(stream.body)) oom ||= (event as DockerEvent).Action === 'oom';
  return oom;
}
