/**
 * What a task runner knows about its task and containers, and the report it sends from that.
 * Only the runner writes it (one owner, no locks).
 */
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import type { ContainerState } from '../runtime/container-runtime.js';
import type { Dependency, DependencyNode } from './dependency-graph.js';
import { computeTaskHealth, toWireHealth, type WireHealth } from './health.js';
import type { KnownStatus } from './statuses.js';
import { toWireStatus } from './statuses.js';
import type { ContainerReport, TaskAssignment, TaskReport } from '../domain/ecs/task-contract.js';
import { computeEniAttachment } from './task-network.js';

/** ECS's container reason for an OOM kill (agent `dockerapi/errors.go`). */
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

export interface ManagedContainer {
  /** The effective definition (overrides applied). */
  readonly def: ContainerDefinition;
  readonly name: string;
  readonly essential: boolean;
  readonly hasHealthCheck: boolean;
  readonly dependsOn: readonly Dependency[];
  readonly stopTimeoutSeconds: number;
  known: KnownStatus;
  runtimeId?: string;
  startedAt?: number;
  exitCode?: number;
  reason?: string;
  health: WireHealth;
  networkBindings: ContainerReport['networkBindings'];
}

/**
 * An awsvpc task's sandbox: a network plus the pause container attached to it, whose namespace
 * the task's containers join. The task's own (named for it) or a spare claimed from the warm pool.
 */
export interface TaskSandbox {
  network: string;
  /** The pause container's name (to find it again after a create whose answer was lost). */
  pauseName: string;
  networkCreated: boolean;
  pauseId?: string;
  /** The pause container runs and has its address: the task's containers can join it. */
  ready: boolean;
  /** The task's address: the pause container's on the network. */
  ip?: string;
  /** Pause container and network removed, after the task's containers stopped. */
  removed: boolean;
}

export type AgentStopCode = NonNullable<TaskReport['stopCode']>;

export interface TaskState {
  readonly taskArn: string;
  readonly taskId: string;
  readonly definition: TaskDefinition;
  assignment: TaskAssignment;
  known: KnownStatus;
  desired: 'RUNNING' | 'STOPPED';
  readonly containers: ManagedContainer[];
  /** Re-adopted after an agent restart: startedAt comes from the containers, not from now. */
  adopted: boolean;
  sandbox?: TaskSandbox;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: AgentStopCode;
  stoppedReason?: string;
}

export function toDependencyNode(c: ManagedContainer): DependencyNode {
  return {
    name: c.name, known: c.known, started: c.startedAt !== undefined, health: c.health,
    hasHealthCheck: c.hasHealthCheck, dependsOn: c.dependsOn, ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
  };
}

/** Records what the engine says about a container that has stopped: exit code, OOM reason. */
export function recordExit(c: ManagedContainer, state: ContainerState | undefined): void {
  c.known = 'STOPPED';
  c.networkBindings = [];
  if (!state) {
    c.reason ??= 'ContainerVanishedError: the container was removed while the agent managed it';
    return;
  }
  c.exitCode = state.exitCode;
  if (state.oomKilled) c.reason = OOM_REASON;
  if (state.health) c.health = toWireHealth(state.health);
}

function computeContainerReport(c: ManagedContainer): ContainerReport {
  return {
    name: c.name,
    image: c.def.image!,
    ...(c.runtimeId ? { runtimeId: c.runtimeId } : {}),
    lastStatus: toWireStatus(c.known),
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.reason ? { reason: c.reason.slice(0, 1024) } : {}),
    networkBindings: c.networkBindings.map((b) => ({ ...b })),
    healthStatus: c.health,
  };
}

/** The report of the task as the runner knows it now. */
export function computeTaskReport(task: TaskState): TaskReport {
  const net = task.sandbox;
  const ip = net?.ip;
  const attachmentStatus = net?.removed ? 'DELETED' : ip ? 'ATTACHED' : 'PRECREATED';
  return {
    taskArn: task.taskArn,
    lastStatus: toWireStatus(task.known),
    containers: task.containers.map(computeContainerReport),
    healthStatus: computeTaskHealth(task.containers),
    ...(task.pullStartedAt !== undefined ? { pullStartedAt: task.pullStartedAt } : {}),
    ...(task.pullStoppedAt !== undefined ? { pullStoppedAt: task.pullStoppedAt } : {}),
    ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
    ...(task.executionStoppedAt !== undefined ? { executionStoppedAt: task.executionStoppedAt } : {}),
    ...(task.stoppedAt !== undefined ? { stoppedAt: task.stoppedAt } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    ...(net ? { attachments: [computeEniAttachment(task.taskArn, ip, attachmentStatus)] } : {}),
  };
}
