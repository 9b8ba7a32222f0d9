/**
 * Errors of the `ContainerRuntime` port. Callers match on `code` and read `retriable`, never the
 * message or the class (ECS `IsRetriableError()`). The agent turns them into ECS stop reasons:
 * ImageNotFoundError and ImagePullError → CannotPullContainerError, InvalidContainerSpecError →
 * CannotCreateContainerError, ContainerStartError → CannotStartContainerError,
 * RuntimeTimeoutError → DockerTimeoutError.
 */

export type RuntimeErrorCode =
  | 'BERTH_ERR_RUNTIME_UNAVAILABLE'
  | 'BERTH_ERR_RUNTIME_UNSUPPORTED'
  | 'BERTH_ERR_RUNTIME_TIMEOUT'
  | 'BERTH_ERR_RUNTIME_CONFLICT'
  | 'BERTH_ERR_RUNTIME_API'
  | 'BERTH_ERR_IMAGE_NOT_FOUND'
  | 'BERTH_ERR_IMAGE_PULL'
  | 'BERTH_ERR_CONTAINER_NOT_FOUND'
  | 'BERTH_ERR_CONTAINER_SPEC'
  | 'BERTH_ERR_CONTAINER_START'
  | 'BERTH_ERR_NETWORK_NOT_FOUND';

export abstract class RuntimeError extends Error {
  abstract readonly code: RuntimeErrorCode;
  /** Whether the same call may succeed if tried again later. */
  readonly retriable: boolean;

  constructor(message: string, retriable: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.retriable = retriable;
  }
}

export const isRuntimeError = (e: unknown): e is RuntimeError => e instanceof RuntimeError;

/** The engine cannot be reached, or the connection broke mid-call. */
export class RuntimeUnavailableError extends RuntimeError {
  readonly code = 'BERTH_ERR_RUNTIME_UNAVAILABLE';
  constructor(message: string, cause?: unknown) {
    super(message, true, cause);
  }
}

/** The engine answers but is too old (or not an engine we speak to). */
export class RuntimeUnsupportedError extends RuntimeError {
  readonly code = 'BERTH_ERR_RUNTIME_UNSUPPORTED';
  constructor(message: string) {
    super(message, false);
  }
}

/** A call took longer than its named timeout (`TIMEOUTS` of the implementation). */
export class RuntimeTimeoutError extends RuntimeError {
  readonly code = 'BERTH_ERR_RUNTIME_TIMEOUT';
  constructor(readonly operation: string, readonly timeoutMs: number) {
    super(`container runtime call '${operation}' timed out after ${timeoutMs} ms`, true);
  }
}

/** A name already in use, a container still running, a network still in use. */
export class RuntimeConflictError extends RuntimeError {
  readonly code = 'BERTH_ERR_RUNTIME_CONFLICT';
  constructor(message: string) {
    super(message, false);
  }
}

/** Any other engine failure; 5xx answers may pass, 4xx ones will not. */
export class RuntimeApiError extends RuntimeError {
  readonly code = 'BERTH_ERR_RUNTIME_API';
  constructor(readonly operation: string, readonly status: number, engineMessage: string) {
    super(`container runtime call '${operation}' failed (${status}): ${engineMessage}`, status >= 500);
  }
}

/** No registry has this image (or it is absent locally, on create). */
export class ImageNotFoundError extends RuntimeError {
  readonly code = 'BERTH_ERR_IMAGE_NOT_FOUND';
  constructor(readonly image: string, detail?: string) {
    super(detail ? `image ${image} not found: ${detail}` : `image ${image} not found`, false);
  }
}

/** A pull failed for another reason: registry unreachable, denied, broken stream. */
export class ImagePullError extends RuntimeError {
  readonly code = 'BERTH_ERR_IMAGE_PULL';
  constructor(readonly image: string, detail: string, retriable = true) {
    super(`pulling ${image} failed: ${detail}`, retriable);
  }
}

export class ContainerNotFoundError extends RuntimeError {
  readonly code = 'BERTH_ERR_CONTAINER_NOT_FOUND';
  constructor(readonly containerId: string) {
    super(`no such container: ${containerId}`, false);
  }
}

/** The engine refused the spec at create time. */
export class InvalidContainerSpecError extends RuntimeError {
  readonly code = 'BERTH_ERR_CONTAINER_SPEC';
  constructor(readonly containerName: string, detail: string) {
    super(`cannot create container ${containerName}: ${detail}`, false);
  }
}

/** The engine could not start it: a missing executable, a host port already taken, ... */
export class ContainerStartError extends RuntimeError {
  readonly code = 'BERTH_ERR_CONTAINER_START';
  constructor(readonly containerId: string, detail: string) {
    super(`cannot start container ${containerId}: ${detail}`, false);
  }
}

export class NetworkNotFoundError extends RuntimeError {
  readonly code = 'BERTH_ERR_NETWORK_NOT_FOUND';
  constructor(readonly network: string) {
    super(`no such network: ${network}`, false);
  }
}
