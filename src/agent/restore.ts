/**
 * After an agent restart (ECS `synchronizeState`): which containers on the engine belong to which
 * task, and the removal of what belongs to no task the control plane still assigns.
 */
import type { ContainerRuntime, ContainerSummary } from '../runtime/container-runtime.js';
import type { AgentLogger } from './agent-logger.js';
import { ECS_LABELS, STOP_TIMEOUT_LABEL, taskIdOf, taskNetworkName } from './labels.js';

/** Our containers by task ARN (newest first, as listed); containers without the label are not ours. */
export function groupByTask(found: readonly ContainerSummary[]): Map<string, ContainerSummary[]> {
  const byTask = new Map<string, ContainerSummary[]>();
  for (const c of found) {
    const arn = c.labels[ECS_LABELS.taskArn];
    if (!arn) continue;
    byTask.set(arn, [...(byTask.get(arn) ?? []), c]);
  }
  return byTask;
}

export interface ReapTarget {
  readonly taskArn: string;
  readonly containers: readonly { readonly id: string; readonly stopTimeoutSeconds: number }[];
  /** The task's own network, if it may have one; removing one that is not there succeeds. */
  readonly network?: string;
}

/** The reap target for an orphan task's listed containers, with the stop timeouts they were created with. */
export function computeOrphanTarget(taskArn: string, found: readonly ContainerSummary[], defaultStopTimeoutSeconds: number): ReapTarget {
  return {
    taskArn,
    containers: found.map((c) => {
      const label = Number(c.labels[STOP_TIMEOUT_LABEL]);
      return { id: c.id, stopTimeoutSeconds: Number.isFinite(label) && label >= 0 ? label : defaultStopTimeoutSeconds };
    }),
    network: taskNetworkName(taskIdOf(taskArn)),
  };
}

/** Stops (SIGTERM, then SIGKILL after each stop timeout) and removes a task's containers, then its network. */
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
  if (target.network) await runtime.removeNetwork(target.network, { signal }).catch((error: unknown) => warn(`remove network ${target.network}`, error));
}
