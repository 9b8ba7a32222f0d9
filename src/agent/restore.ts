/**
 * After an agent restart (ECS `synchronizeState`): which containers on the engine belong to which
 * task, and the removal of what belongs to no task the control plane still assigns.
 */
import type { ContainerRuntime, ContainerSummary } from '../runtime/container-runtime.js';
import type { AgentLogger } from './agent-logger.js';
import { ECS_LABELS, SANDBOX_LABELS, STOP_TIMEOUT_LABEL, taskIdOf, taskNetworkName } from './labels.js';
import { isSandboxContainer } from './sandbox-spec.js';

export interface FoundContainers {
  /** Our containers by task ARN (newest first, as listed), each task's sandbox among them. */
  readonly byTask: Map<string, ContainerSummary[]>;
  /** Pause containers of spare sandboxes no task's containers name: the warm pool's. */
  readonly spares: ContainerSummary[];
}

/**
 * Groups our containers by task. A sandbox claimed from the warm pool carries no task ARN; the
 * task's containers name it (`berth.sandbox`), so it joins their task here. Containers with
 * neither label are not ours.
 */
export function groupByTask(found: readonly ContainerSummary[]): FoundContainers {
  const byTask = new Map<string, ContainerSummary[]>();
  for (const c of found) {
    const arn = c.labels[ECS_LABELS.taskArn];
    if (arn) byTask.set(arn, [...(byTask.get(arn) ?? []), c]);
  }
  const spares: ContainerSummary[] = [];
  for (const pause of found.filter((c) => isSandboxContainer(c) && !c.labels[ECS_LABELS.taskArn])) {
    const user = found.find((c) => c.labels[SANDBOX_LABELS.sandbox] === pause.id);
    const arn = user?.labels[ECS_LABELS.taskArn];
    if (arn) byTask.get(arn)!.push(pause);
    else spares.push(pause);
  }
  return { byTask, spares };
}

export interface ReapTarget {
  readonly taskArn: string;
  readonly containers: readonly { readonly id: string; readonly stopTimeoutSeconds: number }[];
  /** Pause containers (id or name) and their networks, removed after the containers; what is gone already is fine. */
  readonly sandboxes: readonly { readonly pause?: string; readonly network: string }[];
}

/** The reap target for an orphan task's listed containers, with the stop timeouts they were created with. */
export function computeOrphanTarget(taskArn: string, found: readonly ContainerSummary[], defaultStopTimeoutSeconds: number): ReapTarget {
  const pauses = found.filter(isSandboxContainer);
  return {
    taskArn,
    containers: found.filter((c) => !isSandboxContainer(c)).map((c) => {
      const label = Number(c.labels[STOP_TIMEOUT_LABEL]);
      return { id: c.id, stopTimeoutSeconds: Number.isFinite(label) && label >= 0 ? label : defaultStopTimeoutSeconds };
    }),
    // A task that never got its pause container may still have its network.
    sandboxes: pauses.length > 0
      ? pauses.map((p) => ({ pause: p.id, network: p.labels[SANDBOX_LABELS.network] ?? taskNetworkName(taskIdOf(taskArn)) }))
      : [{ network: taskNetworkName(taskIdOf(taskArn)) }],
  };
}

/** Stops (SIGTERM, then SIGKILL after each stop timeout) and removes a task's containers, then its sandbox. */
export async function reapTask(runtime: ContainerRuntime, target: ReapTarget, signal: AbortSignal, logger: AgentLogger): Promise<void> {
  const warn = (what: string, error: unknown) =>
    logger.warn(`cannot ${what}`, { taskArn: target.taskArn, error: (error as Error).message });
  await Promise.all(target.containers.map(async (c) => {
    try {
      await runtime.stopContainer(c.id, c.stopTimeoutSeconds, { signal });
    } catch (error) {
      if ((error as { code?: string }).code !== 'BERTH_ERR_CONTAINER_NOT_FOUND') warn(`stop container ${c.id}`, error);
    }
    await runtime.removeContainer(c.id, { force: true, signal }).catch((error: unknown) => warn(`remove container ${c.id}`, error));
  }));
  await Promise.all(target.sandboxes.map((s) => removeSandbox(runtime, s, signal, warn)));
}

/** The pause container (SIGKILL: it ignores SIGTERM), then its network. */
export async function removeSandbox(
  runtime: ContainerRuntime, sandbox: { readonly pause?: string; readonly network?: string }, signal: AbortSignal, warn: (what: string, error: unknown) => void,
): Promise<void> {
  if (sandbox.pause) await runtime.removeContainer(sandbox.pause, { force: true, signal }).catch((error: unknown) => warn(`remove pause container ${sandbox.pause}`, error));
  if (sandbox.network) await runtime.removeNetwork(sandbox.network, { signal }).catch((error: unknown) => warn(`remove network ${sandbox.network}`, error));
}
