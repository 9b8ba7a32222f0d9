/**
 * `TaskEngine`: the agent's side of issue 3 ("Tasks that really run"). It holds one `TaskRunner`
 * per task, routes runtime events to them, and reconciles level-triggered against the control
 * plane's assignments: a new task gets a runner, a task told to stop is stopped, a task no longer
 * assigned is stopped and its containers removed. After a restart, `restore()` finds what is
 * already running (by label) so `apply` re-adopts it instead of starting it twice.
 *
 *   const engine = new TaskEngine({ runtime, cluster: 'default', onReport });
 *   await engine.restore();
 *   engine.apply(assignments);   // again whenever they change
 */
import { systemClock, type Clock } from '../kit/clock.js';
import type { ContainerRuntime, ContainerSummary, RuntimeEvent } from '../runtime/container-runtime.js';
import { silentLogger, type AgentLogger } from './agent-logger.js';
import { computeAgentLabels, SANDBOX_LABELS } from './labels.js';
import { pauseImageOnce } from './pause-image.js';
import { SandboxPool } from './sandbox-pool.js';
import { computeOrphanTarget, groupByTask, reapTask, removeSandbox, type ReapTarget } from './restore.js';
import type { RunnerDeps } from './runner-deps.js';
import type { TaskAssignment, TaskReport } from '../domain/ecs/task-contract.js';
import { TaskRunner } from './task-runner.js';
import { createTaskState } from './task-state-builder.js';
import { computeTaskReport } from './task-state.js';

export interface TaskEngineOptions {
  readonly runtime: ContainerRuntime;
  readonly clock?: Clock;
  /** Where bridge ports are published; also the reported bindIP. Default 127.0.0.1. */
  readonly hostIp?: string;
  /** The `com.amazonaws.ecs.cluster` label on every container (the agent's cluster). */
  readonly cluster: string;
  /** More labels that mark this agent's containers (e.g. its instance id, a test run's id). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Called with a task's whole report whenever it changes; must not block. */
  readonly onReport: (report: TaskReport) => void;
  readonly logger?: AgentLogger;
  /** stopTimeout for containers whose definition sets none (ECS: 30 s). */
  readonly defaultStopTimeoutSeconds?: number;
  /** Wait before retrying after a retriable runtime failure or a lost event stream. Default 1 s. */
  readonly retryDelayMs?: number;
  /**
   * Ready awsvpc sandboxes to keep for the next tasks (sandbox-pool.ts); default 0 (none). `berth up`
   * keeps some for its FARGATE capacity (each spare holds one of the engine's address pools).
   */
  readonly warmSandboxes?: number;
}

const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

export class TaskEngine {
  readonly #runtime: ContainerRuntime;
  readonly #logger: AgentLogger;
  readonly #clock: Clock;
  readonly #onReport: (report: TaskReport) => void;
  readonly #agentLabels: Readonly<Record<string, string>>;
  readonly #abort = new AbortController();
  readonly #deps: RunnerDeps;
  readonly #runners = new Map<string, TaskRunner>();
  /** Container id → task ARN, for routing events. */
  readonly #owners = new Map<string, string>();
  /** Tasks finished and cleaned up, or reported STOPPED without ever running here. */
  readonly #done = new Set<string>();
  /** Tasks the control plane dropped while they ran: removed once stopped. */
  readonly #forgotten = new Set<string>();
  readonly #background = new Set<Promise<void>>();
  readonly #pump: Promise<void>;
  readonly #pool: SandboxPool | undefined;
  #latest: readonly TaskAssignment[] | undefined;
  #restoring: Promise<void> | undefined;
  /** Found by `restore()`, waiting for the next `apply` to adopt or reap them. */
  #adoptable: Map<string, ContainerSummary[]> | undefined;

  constructor(options: TaskEngineOptions) {
    this.#runtime = options.runtime;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#onReport = options.onReport;
    this.#agentLabels = computeAgentLabels(options.cluster, options.labels ?? {});
    let ready!: () => void;
    let failed!: (error: unknown) => void;
    const eventsReady = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    eventsReady.catch(() => undefined);
    const retryDelayMs = options.retryDelayMs ?? 1_000;
    const pauseImage = pauseImageOnce(this.#runtime, this.#abort.signal);
    const warm = options.warmSandboxes ?? 0;
    this.#pool = warm > 0
      ? new SandboxPool({ runtime: this.#runtime, agentLabels: this.#agentLabels, size: warm, pauseImage, logger: this.#logger })
      : undefined;
    this.#deps = {
      runtime: this.#runtime, clock: this.#clock, hostIp: options.hostIp ?? '127.0.0.1', agentLabels: this.#agentLabels,
      defaultStopTimeoutSeconds: options.defaultStopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS, retryDelayMs,
      logger: this.#logger, signal: this.#abort.signal, eventsReady,
      report: (report) => this.#onReport(report),
      claim: (containerId, taskArn) => this.#owners.set(containerId, taskArn),
      pauseImage,
      ...(this.#pool ? { pool: this.#pool } : {}),
    };
    this.#pump = this.#pumpEvents(ready, failed, retryDelayMs);
  }

  /**
   * Finds this agent's containers on the engine, so that the next `apply` re-adopts the tasks
   * still assigned and removes the rest. Call it once on boot, before the first `apply`; an
   * `apply` made meanwhile waits for it.
   */
  async restore(): Promise<void> {
    if (this.#restoring) return this.#restoring;
    this.#restoring = (async () => {
      await this.#deps.eventsReady;
      // Once at startup, so the first awsvpc task does not wait for it; a failure is tried again then.
      await this.#deps.pauseImage().catch((error: unknown) => this.#logger.warn('cannot import the pause image', { error: (error as Error).message }));
      const found = await this.#runtime.listContainers(this.#agentLabels, { signal: this.#abort.signal });
      const { byTask, spares } = groupByTask(found.filter((c) => !this.#owners.has(c.id)));
      for (const arn of this.#runners.keys()) byTask.delete(arn);
      this.#adoptable = byTask;
      if (this.#pool) await this.#pool.adopt(spares);
      else this.#removeSpares(spares);
    })();
    try {
      await this.#restoring;
    } finally {
      this.#restoring = undefined;
      if (this.#latest) this.#reconcile(this.#latest);
    }
  }

  /** What the control plane wants on this agent now: the whole list, every time (level-triggered). */
  apply(assignments: readonly TaskAssignment[]): void {
    this.#latest = assignments;
    if (this.#restoring || this.#abort.signal.aborted) return;
    this.#reconcile(assignments);
  }

  /**
   * Resolves once nothing is in flight: every runner is parked on an empty inbox or finished, and
   * no cleanup runs. For tests on `FakeContainerRuntime`, whose work is all promise callbacks.
   */
  async settled(): Promise<void> {
    for (let turn = 0; turn < 100_000; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.#quiet()) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#quiet()) return;
    }
    throw new Error('TaskEngine did not settle');
  }

  /** Ends every loop and the event subscription; tasks' containers are left as they are (a restart re-adopts them), spare sandboxes removed. */
  async close(): Promise<void> {
    await this.#pool?.close();
    this.#abort.abort();
    await Promise.allSettled([this.#pump, ...[...this.#runners.values()].map((r) => r.done), ...this.#background]);
  }

  #quiet(): boolean {
    return !this.#restoring && this.#background.size === 0 && !this.#pool?.busy && [...this.#runners.values()].every((r) => r.idle);
  }

  #reconcile(assignments: readonly TaskAssignment[]): void {
    const wanted = new Map(assignments.map((a) => [a.taskArn, a]));
    for (const a of wanted.values()) {
      const runner = this.#runners.get(a.taskArn);
      if (runner) {
        if (!runner.finished) runner.send({ kind: 'assignment', assignment: a });
        continue;
      }
      if (this.#done.has(a.taskArn)) continue;
      const adopted = this.#adoptable?.get(a.taskArn) ?? [];
      if (a.desiredStatus === 'RUNNING' || adopted.length > 0) this.#startRunner(a, adopted);
      else this.#reportNeverRan(a);
    }
    for (const [arn, runner] of this.#runners) {
      if (wanted.has(arn)) continue;
      if (runner.finished) this.#reap(runner.reapTarget);
      else if (!this.#forgotten.has(arn)) {
        this.#forgotten.add(arn);
        runner.send({ kind: 'forget' });
      }
    }
    for (const [arn, found] of this.#adoptable ?? []) {
      if (!wanted.has(arn)) this.#reap(computeOrphanTarget(arn, found, this.#deps.defaultStopTimeoutSeconds));
    }
    this.#adoptable = undefined;
  }

  #startRunner(assignment: TaskAssignment, adopted: readonly ContainerSummary[]): void {
    const runner = new TaskRunner(this.#deps, assignment, adopted);
    this.#runners.set(assignment.taskArn, runner);
    void runner.done.then(() => {
      if (this.#forgotten.has(assignment.taskArn) && runner.finished) this.#reap(runner.reapTarget);
    });
  }

  /** A task told to stop that never ran here (e.g. stopped while the agent was away): STOPPED at once. */
  #reportNeverRan(assignment: TaskAssignment): void {
    this.#done.add(assignment.taskArn);
    const task = createTaskState(assignment, this.#deps.defaultStopTimeoutSeconds);
    for (const c of task.containers) c.known = 'STOPPED';
    task.known = 'STOPPED';
    task.stoppedAt = this.#clock.now();
    this.#onReport(computeTaskReport(task));
  }

  /** Spare sandboxes from before a restart that this engine does not keep. */
  #removeSpares(spares: readonly ContainerSummary[]): void {
    const warn = (what: string, error: unknown) => this.#logger.warn(`cannot ${what}`, { error: (error as Error).message });
    for (const s of spares) this.#track(removeSandbox(this.#runtime, { pause: s.id, network: s.labels[SANDBOX_LABELS.network] }, this.#abort.signal, warn));
  }

  #track(work: Promise<void>): void {
    const tracked = work.finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  /** Removes a task's containers and sandbox in the background; the task is done after. */
  #reap(target: ReapTarget): void {
    this.#runners.delete(target.taskArn);
    this.#forgotten.delete(target.taskArn);
    this.#done.add(target.taskArn);
    const work = reapTask(this.#runtime, target, this.#abort.signal, this.#logger).finally(() => {
      for (const c of target.containers) this.#owners.delete(c.id);
      this.#background.delete(work);
    });
    this.#background.add(work);
  }

  #dispatch(event: RuntimeEvent): void {
    const arn = this.#owners.get(event.containerId);
    const runner = arn === undefined ? undefined : this.#runners.get(arn);
    runner?.send({ kind: 'event', event });
  }

  /** One subscription for every container of this agent; resubscribes (and resyncs runners) if it breaks. */
  async #pumpEvents(ready: () => void, failed: (error: unknown) => void, retryDelayMs: number): Promise<void> {
    const signal = this.#abort.signal;
    let first = true;
    while (!signal.aborted) {
      try {
        const stream = this.#runtime.events(this.#agentLabels, signal);
        await stream.ready;
        if (first) ready();
        else for (const runner of this.#runners.values()) runner.send({ kind: 'resync' });
        first = false;
        for await (const event of stream) this.#dispatch(event);
      } catch (error) {
        if (signal.aborted) break;
        if (first) failed(error);
        first = false;
        this.#logger.warn('the runtime event stream broke; resubscribing', { error: (error as Error).message });
      }
      if (signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryDelayMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }
}
