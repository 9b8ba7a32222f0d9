/**
 * What the engine says about one container → the runner's view of it: status, ports, health (an
 * awsvpc task's address is its sandbox's, not a container's). Used after a start, on adoption
 * after an agent restart, and on a resync. Pure.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { ContainerState } from '../runtime/container-runtime.js';
import { toWireHealth } from './health.js';
import type { ContainerReport } from '../domain/ecs/task-contract.js';
import { recordExit, type ManagedContainer } from './task-state.js';

export interface ObservationContext {
  readonly definition: TaskDefinition;
  readonly hostIp: string;
}

/** networkBindings as ECS reports them: the bound ports (bridge), the container's own (host). */
export function computeNetworkBindings(c: ManagedContainer, state: ContainerState, ctx: ObservationContext): ContainerReport['networkBindings'] {
  const mode = ctx.definition.networkMode ?? 'bridge';
  if (mode === 'bridge' && !c.def.disableNetworking) {
    return state.ports.map((p) => ({ bindIP: ctx.hostIp, containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol }));
  }
  if (mode === 'host') {
    return (c.def.portMappings ?? []).filter((p) => p.containerPort !== undefined).map((p) => ({
      bindIP: ctx.hostIp, containerPort: p.containerPort!, hostPort: p.containerPort!, protocol: p.protocol === 'udp' ? 'udp' as const : 'tcp' as const,
    }));
  }
  return [];
}

/**
 * Brings `c` up to what `state` shows, forward only: a running container is RUNNING, an exited one
 * STOPPED with its exit code. Returns whether it is now STOPPED having not been before.
 */
export function applyObservation(c: ManagedContainer, state: ContainerState | undefined, ctx: ObservationContext, now: number): boolean {
  if (c.known === 'STOPPED') return false;
  if (!state) {
    recordExit(c, undefined);
    return true;
  }
  if (state.status === 'created') {
    if (c.known === 'NONE' || c.known === 'PULLED') c.known = 'CREATED';
    return false;
  }
  c.startedAt ??= state.startedAt ?? now;
  if (state.running || state.status === 'paused' || state.status === 'restarting') {
    c.known = 'RUNNING';
    c.networkBindings = computeNetworkBindings(c, state, ctx);
    if (c.hasHealthCheck) c.health = toWireHealth(state.health);
    return false;
  }
  recordExit(c, state);
  return true;
}
