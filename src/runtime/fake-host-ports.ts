/**
 * Host-port allocation for the fake runtime, as the engine does it: `hostPort` 0 takes the
 * lowest free port from 32768 up; a fixed port another container holds fails the start.
 */
import type { BoundPort, PortBinding } from './container-runtime.js';
import { ContainerStartError } from './runtime-errors.js';

const FIRST_DYNAMIC_PORT = 32768;

/** Binds `bindings` for `containerId` given the ports `inUse` by running containers. */
export function allocateHostPorts(containerId: string, bindings: readonly PortBinding[], inUse: readonly BoundPort[]): BoundPort[] {
  const taken = new Set(inUse.map((p) => `${p.protocol}/${p.hostPort}`));
  const bound: BoundPort[] = [];
  for (const b of bindings) {
    let hostPort = b.hostPort;
    if (hostPort === 0) {
      hostPort = FIRST_DYNAMIC_PORT;
      while (taken.has(`${b.protocol}/${hostPort}`)) hostPort++;
    } else if (taken.has(`${b.protocol}/${hostPort}`)) {
      throw new ContainerStartError(containerId, `Bind for ${b.hostIp || '0.0.0.0'}:${hostPort} failed: port is already allocated`);
    }
    taken.add(`${b.protocol}/${hostPort}`);
    bound.push({ ...b, hostIp: b.hostIp || '0.0.0.0', hostPort });
  }
  return bound;
}
