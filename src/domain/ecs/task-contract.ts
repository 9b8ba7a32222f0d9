import type { Attachment, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';

/**
 * What the control plane and an agent tell each other about tasks (DESIGN.md: one writer per
 * field — the control plane writes `desiredStatus`, the agent's reports write `lastStatus`).
 * Plain data in ECS spellings, so the same contract travels in-process (the agent embedded in
 * `berth up`) or over HTTP (`berth agent --server URL`).
 */

/** A host port placement chose for one container port (bridge dynamic ports, static ones, host mode). */
export interface HostPortAssignment {
  containerName: string;
  containerPort: number;
  hostPort: number;
  protocol: 'tcp' | 'udp';
}

/** Credentials for one registry a task's images come from (Berth's own: `AWS` and an ECR token). */
export interface RegistryCredentials {
  /** The registry's `host:port`, as image references name it. */
  serveraddress: string;
  username: string;
  password: string;
}

/** One task an agent is to run, as the control plane wants it now. */
export interface TaskAssignment {
  taskArn: string;
  clusterArn: string;
  /** Bumped by the control plane on every change of what it wants (e.g. desiredStatus). */
  version: number;
  desiredStatus: 'RUNNING' | 'STOPPED';
  /** The whole registered revision; overrides apply on top of it. */
  taskDefinition: TaskDefinition;
  overrides?: TaskOverride;
  launchType: 'EC2' | 'FARGATE' | 'EXTERNAL';
  hostPorts: HostPortAssignment[];
  /** For images on registries that need them; fresh with every assignment (tokens expire). */
  registryCredentials?: RegistryCredentials[];
  /** Why the control plane wants it stopped (StopTask's reason, a scheduler's reason). */
  stopCode?: 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated' | 'ServiceSchedulerInitiated';
  stoppedReason?: string;
}

export type AgentContainerStatus = 'PENDING' | 'RUNNING' | 'STOPPED';

export interface ContainerReport {
  name: string;
  image: string;
  /** The runtime's container id once created. */
  runtimeId?: string;
  imageDigest?: string;
  lastStatus: AgentContainerStatus;
  exitCode?: number;
  /** ECS's container reason, e.g. `OutOfMemoryError: Container killed due to memory usage`. */
  reason?: string;
  networkBindings: { bindIP: string; containerPort: number; hostPort: number; protocol: 'tcp' | 'udp' }[];
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
}

/**
 * The agent's view of one task, sent whenever it changes. The agent knows only PENDING, RUNNING and
 * STOPPED (as ECS's agent does); the control plane derives the other lastStatus values.
 * Timestamps are epoch milliseconds.
 */
export interface TaskReport {
  taskArn: string;
  lastStatus: AgentContainerStatus;
  containers: ContainerReport[];
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  /** Set by the agent when it stops a task on its own (a failed start, an essential exit). */
  stopCode?: 'TaskFailedToStart' | 'EssentialContainerExited';
  stoppedReason?: string;
  /** awsvpc: the task's network interface (ECS's ElasticNetworkInterface attachment). */
  attachments?: Attachment[];
}
