/**
 * One named timeout per Engine API call (ECS agent `dockerclient/timeout.go`). They bound a call
 * that the engine never answers; they are not expected durations. Generous on purpose: a slow
 * disk or a busy 2-core host makes create/remove take seconds, and a false timeout leaves the
 * agent guessing what happened.
 */
export const TIMEOUTS = {
  /** Version negotiation and `/info`. */
  version: 30_000,
  info: 30_000,
  /** The whole pull, progress stream included. */
  pull: 10 * 60_000,
  inspectImage: 30_000,
  /** A small rootfs tarball (the pause image) sent and unpacked. */
  import: 2 * 60_000,
  create: 2 * 60_000,
  /** Start includes setting up networking and mounts, which can be slow under load. */
  start: 3 * 60_000,
  /** The engine waits the stop timeout itself, then SIGKILLs; 30 s more for the kill to land. */
  stop: (stopTimeoutSeconds: number) => stopTimeoutSeconds * 1000 + 30_000,
  kill: 30_000,
  inspect: 30_000,
  /** Removing a container with a large writable layer is slow on overlay2. */
  remove: 5 * 60_000,
  list: 30_000,
  /** Stats with stream=false waits about a second for a second CPU sample. */
  stats: 30_000,
  /** Until the event stream's headers arrive; the stream itself has no deadline. */
  eventsConnect: 30_000,
  network: 60_000,
} as const;
