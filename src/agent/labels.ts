/**
 * The labels on every container (and network) the agent creates. ECS's own keys let a restarted
 * agent find what it runs (DESIGN.md "The agent and the runtime"); Berth's keys carry what a
 * restart needs beyond them. Pure.
 */

export const ECS_LABELS = {
  cluster: 'com.amazonaws.ecs.cluster',
  taskArn: 'com.amazonaws.ecs.task-arn',
  containerName: 'com.amazonaws.ecs.container-name',
  family: 'com.amazonaws.ecs.task-definition-family',
  version: 'com.amazonaws.ecs.task-definition-version',
} as const;

/** Seconds between SIGTERM and SIGKILL, so a task reaped after a restart is stopped as it was defined. */
export const STOP_TIMEOUT_LABEL = 'berth.stop-timeout';

/** The labels that mark one agent's containers: its cluster plus its identity labels. */
export function computeAgentLabels(cluster: string, identity: Readonly<Record<string, string>>): Record<string, string> {
  return { ...identity, [ECS_LABELS.cluster]: cluster };
}

export interface ContainerLabelInput {
  readonly agentLabels: Readonly<Record<string, string>>;
  readonly taskArn: string;
  readonly family: string;
  readonly revision: number;
  readonly containerName: string;
  readonly stopTimeoutSeconds: number;
  /** The container definition's `dockerLabels`; ours win on a clash. */
  readonly dockerLabels?: Readonly<Record<string, string>>;
  /** The pause container whose namespace it joins (awsvpc). */
  readonly sandboxId?: string;
}

export function computeContainerLabels(input: ContainerLabelInput): Record<string, string> {
  return {
    ...input.dockerLabels,
    ...input.agentLabels,
    [ECS_LABELS.taskArn]: input.taskArn,
    [ECS_LABELS.containerName]: input.containerName,
    [ECS_LABELS.family]: input.family,
    [ECS_LABELS.version]: String(input.revision),
    [STOP_TIMEOUT_LABEL]: String(input.stopTimeoutSeconds),
    ...(input.sandboxId ? { [SANDBOX_LABELS.sandbox]: input.sandboxId } : {}),
  };
}

/** The task id: the last segment of `arn:aws:ecs:region:account:task/cluster/id`. */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}

/** A Docker-safe container name, unique per task and container; a second create of it conflicts. */
export function runtimeContainerName(taskId: string, containerName: string): string {
  return `berth-${taskId}-${containerName}`;
}

/** The per-task Docker network of an awsvpc task. */
export const taskNetworkName = (taskId: string): string => `berth-task-${taskId}`;

/**
 * On an awsvpc sandbox's pause container: its role and the network it holds, so a restarted agent
 * knows it without the task. On a task's containers: the id of the pause container whose network
 * namespace they share (the record of which sandbox a task claimed).
 */
export const SANDBOX_LABELS = { role: 'berth.role', network: 'berth.network', sandbox: 'berth.sandbox' } as const;
export const SANDBOX_ROLE = 'sandbox';

/** The pause container of a task's own sandbox; '.' never occurs in an ECS container name, so no clash. */
export const sandboxContainerName = (taskId: string): string => `berth-${taskId}.pause`;
