/**
 * Runtime failures → ECS's reason texts (ECS `ErrorName()`: the name is what users see, then the
 * engine's message). Pure.
 */
import { isRuntimeError } from '../runtime/runtime-errors.js';

export type FailedStep = 'pull' | 'create' | 'start' | 'stop';

const NAMES: Record<FailedStep, string> = {
  pull: 'CannotPullContainerError',
  create: 'CannotCreateContainerError',
  start: 'CannotStartContainerError',
  stop: 'CannotStopContainerError',
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** e.g. `CannotPullContainerError: image 127.0.0.1:5000/app:1 not found: manifest unknown`. */
export function computeFailureReason(step: FailedStep, error: unknown): string {
  if (isRuntimeError(error) && error.code === 'BERTH_ERR_RUNTIME_TIMEOUT') return `DockerTimeoutError: ${error.message}`;
  return `${NAMES[step]}: ${messageOf(error)}`;
}

/** Whether trying the same call later may work (the error's own flag; unknown errors: no). */
export const isRetriable = (error: unknown): boolean => isRuntimeError(error) && error.retriable;
