/**
 * HTTP plumbing for the Docker Engine API over undici: where the engine is, the negotiated API
 * version prefix, a deadline on every call, and transport failures turned into runtime errors.
 * It knows nothing about containers; `DockerRuntime` reads statuses and bodies.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { RuntimeTimeoutError, RuntimeUnavailableError, RuntimeUnsupportedError, isRuntimeError } from '../runtime-errors.js';
import { TIMEOUTS } from './timeouts.js';

/** The newest API version whose JSON we have tested against (Debian bookworm's engine speaks it). */
export const MAX_API_VERSION = '1.41';
/** Healthcheck `StartPeriod` arrived in 1.29; nothing older will do. */
export const MIN_API_VERSION = '1.29';

export interface DockerEndpoint {
  /** Origin for request URLs; for a unix socket the host part is ignored. */
  readonly origin: string;
  readonly socketPath?: string;
}

/** `DOCKER_HOST` as the docker CLI reads it: unix:///path, tcp://host:port, or unset (the default socket). */
export function resolveDockerEndpoint(dockerHost: string | undefined = process.env.DOCKER_HOST): DockerEndpoint {
  if (!dockerHost) return { origin: 'http://docker', socketPath: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { origin: 'http://docker', socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('tcp://')) return { origin: `http://${dockerHost.slice('tcp://'.length)}` };
  if (dockerHost.startsWith('http://')) return { origin: dockerHost.replace(/\/+$/, '') };
  throw new RuntimeUnsupportedError(`DOCKER_HOST=${dockerHost} is not supported (use unix:// or tcp:// without TLS)`);
}

/** Compares 'major.minor' API versions numerically ('1.9' < '1.41'). */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * Ours is the highest we know, capped by what the engine speaks; an engine whose minimum is above
 * ours (Docker 29 refuses below 1.44) gets its minimum, since the fields we use did not change.
 */
export function negotiateApiVersion(engineMax: string, engineMin: string | undefined, ourMax = MAX_API_VERSION): string {
  let chosen = compareApiVersions(engineMax, ourMax) < 0 ? engineMax : ourMax;
  if (engineMin && compareApiVersions(engineMin, chosen) > 0) chosen = engineMin;
  if (compareApiVersions(chosen, MIN_API_VERSION) < 0) {
    throw new RuntimeUnsupportedError(`the container engine speaks API ${engineMax}; Berth needs ${MIN_API_VERSION} or later`);
  }
  return chosen;
}

export interface EngineRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Without the version prefix, e.g. '/containers/create'. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON; bytes (a tarball) are sent as they are, with the content-type from `headers`. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Send to the path as is (for `/version`, which negotiation itself needs). */
  readonly unversioned?: boolean;
}

export interface EngineResponse {
  readonly status: number;
  readonly json: unknown;
  /** The engine's `message` for errors, else the body text. */
  readonly message: string;
}

export interface EngineStream {
  readonly status: number;
  readonly body: AsyncIterable<Buffer>;
  /** Ends the stream early and releases the connection and the deadline. */
  close(): void;
}

const TRANSPORT_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_DESTROYED',
]);

/** `promise`, or the signal's reason if it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A deadline plus the caller's signal, and the rule for what an error during the call means. */
class CallScope {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #onCallerAbort = () => this.#controller.abort(this.#caller?.reason);

  constructor(readonly operation: string, readonly timeoutMs: number | undefined, caller: AbortSignal | undefined, readonly where: string) {
    this.#caller = caller;
    caller?.throwIfAborted();
    caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(() => this.#controller.abort(new RuntimeTimeoutError(operation, timeoutMs)), timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  end(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  /** The caller's abort reason, our timeout, or an unreachable engine; anything else as is. */
  translate(error: unknown): unknown {
    if (this.#controller.signal.aborted) return this.#controller.signal.reason;
    if (isRuntimeError(error)) return error;
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && TRANSPORT_ERROR_CODES.has(code)) {
      return new RuntimeUnavailableError(`cannot reach the container engine at ${this.where} (${this.operation}): ${(error as Error).message}`, error);
    }
    return error;
  }
}

export class DockerClient {
  readonly #endpoint: DockerEndpoint;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #maxApiVersion: string;
  #version: Promise<string> | undefined;

  constructor(options: { endpoint?: DockerEndpoint; dispatcher?: Dispatcher; maxApiVersion?: string } = {}) {
    this.#endpoint = options.endpoint ?? resolveDockerEndpoint();
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher
      ?? new Agent(this.#endpoint.socketPath ? { connect: { socketPath: this.#endpoint.socketPath } } : {});
    this.#maxApiVersion = options.maxApiVersion ?? MAX_API_VERSION;
  }

  get where(): string {
    return this.#endpoint.socketPath ?? this.#endpoint.origin;
  }

  /**
   * The API version for this engine, negotiated once; a failed negotiation is tried again next
   * call. The negotiation itself ignores callers' signals (one caller's abort must not fail the
   * others waiting on it); each caller stops waiting when its own signal aborts.
   */
  apiVersion(signal?: AbortSignal): Promise<string> {
    this.#version ??= this.#negotiate().catch((error: unknown) => {
      this.#version = undefined;
      throw error;
    });
    return signal ? untilAborted(this.#version, signal) : this.#version;
  }

  async #negotiate(): Promise<string> {
    const res = await this.call('version', TIMEOUTS.version, { method: 'GET', path: '/version', unversioned: true });
    const body = res.json as { ApiVersion?: string; MinAPIVersion?: string } | undefined;
    if (res.status !== 200 || typeof body?.ApiVersion !== 'string') {
      throw new RuntimeUnsupportedError(`${this.where} does not answer like a Docker engine (GET /version: ${res.status} ${res.message})`);
    }
    return negotiateApiVersion(body.ApiVersion, body.MinAPIVersion, this.#maxApiVersion);
  }

  /** One request read to its end; any HTTP status resolves (the runtime decides what it means). */
  async call(operation: string, timeoutMs: number, req: EngineRequest): Promise<EngineResponse> {
    const scope = new CallScope(operation, timeoutMs, req.signal, this.where);
    try {
      const res = await this.#send(req, scope.signal);
      const text = await res.body.text();
      let json: unknown;
      if (text && String(res.headers['content-type'] ?? '').includes('json')) json = JSON.parse(text);
      const message = typeof (json as { message?: unknown } | undefined)?.message === 'string' ? (json as { message: string }).message : text.trim();
      return { status: res.statusCode, json, message };
    } catch (error) {
      throw scope.translate(error);
    } finally {
      scope.end();
    }
  }

  /**
   * A streamed response (pull progress, events). `timeoutMs` bounds the whole stream when given,
   * else only the wait for headers. Errors while reading the body are translated as for `call`.
   */
  async stream(operation: string, timeoutMs: number | undefined, req: EngineRequest, connectTimeoutMs = TIMEOUTS.eventsConnect): Promise<EngineStream> {
    const scope = new CallScope(operation, timeoutMs, req.signal, this.where);
    // Without a whole-stream deadline, still bound the wait for the engine to answer at all.
    const connect = new AbortController();
    const connectTimer = timeoutMs === undefined
      ? setTimeout(() => connect.abort(new RuntimeTimeoutError(operation, connectTimeoutMs)), connectTimeoutMs)
      : undefined;
    const signal = AbortSignal.any([scope.signal, connect.signal]);
    let res: Dispatcher.ResponseData;
    try {
      res = await this.#send(req, signal);
    } catch (error) {
      scope.end();
      throw connect.signal.aborted && !scope.signal.aborted ? connect.signal.reason : scope.translate(error);
    } finally {
      clearTimeout(connectTimer);
    }
    const body = res.body;
    async function* read(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of body) yield chunk as Buffer;
      } catch (error) {
        throw scope.translate(error);
      } finally {
        scope.end();
        if (!body.destroyed) body.destroy();
      }
    }
    return {
      status: res.statusCode,
      body: read(),
      close: () => {
        scope.end();
        body.destroy();
      },
    };
  }

  async #send(req: EngineRequest, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const prefix = req.unversioned ? '' : `/v${await this.apiVersion(signal)}`;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.size > 0 ? `?${query}` : '';
    const headers: Record<string, string> = { ...req.headers };
    let body: string | Uint8Array | undefined;
    if (req.body instanceof Uint8Array) {
      body = req.body;
      headers['content-type'] ??= 'application/octet-stream';
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    return request(`${this.#endpoint.origin}${prefix}${req.path}${qs}`, {
      dispatcher: this.#dispatcher,
      method: req.method,
      headers,
      body,
      signal,
      // Our deadlines govern; undici's 300 s defaults would cut a long stop or a quiet event stream.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}
