import type { Container, ContainerDefinition, Task, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import type { ContainerReport, TaskReport } from './task-contract.js';
import type { TaskRecord } from './task-record.js';
import { ecsArn, type Scope } from '../arn.js';

/** ECS task facts that are not a task's own: ids, sizes, the lastStatus the control plane shows. */
export const taskArn = (scope: Scope, cluster: string, id: string) => ecsArn(scope, `task/${cluster}/${id}`);

/** Fargate's platform version, resolved as ECS resolves LATEST. */
export const FARGATE_PLATFORM_VERSION = '1.4.0';

/** One port a task asks the host for, named by container so the agent can publish it. */
export interface TaskPortDemand {
  containerName: string;
  containerPort?: number;
  hostPort?: number;
  protocol: 'tcp' | 'udp';
}

/**
 * What a task reserves: task-level cpu/memory when set (overrides first), else the sum over its
 * containers of `cpu` and of `memoryReservation` (or `memory`), as ECS accounts it.
 */
export function computeTaskSize(definition: TaskDefinition, overrides: TaskOverride): { cpu: number; memory: number } {
  const containers = effectiveContainers(definition, overrides);
  const cpu = overrides.cpu ?? definition.cpu;
  const memory = overrides.memory ?? definition.memory;
  return {
    cpu: cpu !== undefined ? Number(cpu) : containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0),
    memory: memory !== undefined ? Number(memory) : containers.reduce((sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0), 0),
  };
}

/** Host ports a task needs: none in awsvpc or none mode (the task has its own interface, or no network). */
export function computePortDemand(definition: TaskDefinition): TaskPortDemand[] {
  if (definition.networkMode === 'awsvpc' || definition.networkMode === 'none') return [];
  return (definition.containerDefinitions ?? []).flatMap((c) => (c.portMappings ?? [])
    .filter((p) => p.containerPort !== undefined)
    .map((p) => ({
      containerName: c.name!,
      containerPort: p.containerPort!,
      // host mode publishes on the container port itself.
      ...(definition.networkMode === 'host' ? { hostPort: p.containerPort! } : p.hostPort ? { hostPort: p.hostPort } : {}),
      protocol: p.protocol === 'udp' ? 'udp' as const : 'tcp' as const,
    })));
}

/** One container definition with its containerOverrides applied (what the agent will run). */
export function applyContainerOverrides(def: ContainerDefinition, overrides: TaskOverride | undefined): ContainerDefinition {
  const o = overrides?.containerOverrides?.find((x) => x.name === def.name);
  if (!o) return def;
  const names = new Set((o.environment ?? []).map((e) => e.name));
  return {
    ...def,
    ...(o.command ? { command: o.command } : {}),
    ...(o.environment ? { environment: [...(def.environment ?? []).filter((e) => !names.has(e.name)), ...o.environment] } : {}),
    ...(o.environmentFiles ? { environmentFiles: [...(def.environmentFiles ?? []), ...o.environmentFiles] } : {}),
    ...(o.cpu !== undefined ? { cpu: o.cpu } : {}),
    ...(o.memory !== undefined ? { memory: o.memory } : {}),
    ...(o.memoryReservation !== undefined ? { memoryReservation: o.memoryReservation } : {}),
  };
}

/** The container definitions with containerOverrides applied. */
export function effectiveContainers(definition: TaskDefinition, overrides: TaskOverride): ContainerDefinition[] {
  return (definition.containerDefinitions ?? []).map((c) => applyContainerOverrides(c, overrides));
}

/** The containers a new task shows before its agent reports: all PENDING. */
export function initialContainers(definition: TaskDefinition, overrides: TaskOverride): ContainerReport[] {
  return effectiveContainers(definition, overrides).map((c) => ({
    name: c.name!, image: c.image!, lastStatus: 'PENDING', networkBindings: [], healthStatus: 'UNKNOWN',
  }));
}

/**
 * The lastStatus the API shows, from the agent's report and what the control plane wants: the agent
 * knows PENDING, RUNNING and STOPPED; a task told to stop that still runs is STOPPING, as on ECS.
 */
export function deriveLastStatus(report: Pick<TaskReport, 'lastStatus'>, desiredStatus: 'RUNNING' | 'STOPPED', drainUntil?: number): string {
  if (report.lastStatus === 'STOPPED') return 'STOPPED';
  // Draining from its load balancers before it is told to stop (ECS's DEACTIVATING).
  if (desiredStatus === 'STOPPED' && drainUntil !== undefined && report.lastStatus === 'RUNNING') return 'DEACTIVATING';
  if (desiredStatus === 'STOPPED') return 'STOPPING';
  return report.lastStatus;
}

/** The Task shape ECS returns. */
export function presentTask(scope: Scope, record: TaskRecord, clusterArn: string, containerInstanceArn: string | undefined, tags?: Task['tags']): Task {
  const arn = taskArn(scope, record.cluster, record.id);
  const at = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
  const containers: Container[] = record.containers.map((c) => ({
    containerArn: ecsArn(scope, `container/${record.cluster}/${record.id}/${c.name}`),
    taskArn: arn,
    name: c.name,
    image: c.image,
    ...(c.imageDigest ? { imageDigest: c.imageDigest } : {}),
    ...(c.runtimeId ? { runtimeId: c.runtimeId } : {}),
    lastStatus: c.lastStatus,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    networkBindings: c.networkBindings,
    networkInterfaces: [],
    healthStatus: c.healthStatus,
    cpu: '0',
  }));
  const task: Task = {
    attachments: record.attachments,
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    ...(record.availabilityZone ? { availabilityZone: record.availabilityZone } : {}),
    ...(record.capacityProviderName ? { capacityProviderName: record.capacityProviderName } : {}),
    clusterArn,
    connectivity: 'CONNECTED',
    connectivityAt: at(record.createdAt),
    ...(containerInstanceArn ? { containerInstanceArn } : {}),
    containers,
    ...(record.cpu ? { cpu: record.cpu } : {}),
    createdAt: at(record.createdAt),
    desiredStatus: record.desiredStatus,
    enableExecuteCommand: false,
    ...(record.executionStoppedAt !== undefined ? { executionStoppedAt: at(record.executionStoppedAt) } : {}),
    group: record.group,
    healthStatus: record.healthStatus,
    lastStatus: record.lastStatus,
    launchType: record.launchType,
    ...(record.memory ? { memory: record.memory } : {}),
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...record.overrides },
    ...(record.platformVersion ? { platformVersion: record.platformVersion, platformFamily: 'Linux' } : {}),
    ...(record.pullStartedAt !== undefined ? { pullStartedAt: at(record.pullStartedAt) } : {}),
    ...(record.pullStoppedAt !== undefined ? { pullStoppedAt: at(record.pullStoppedAt) } : {}),
    ...(record.startedAt !== undefined ? { startedAt: at(record.startedAt) } : {}),
    ...(record.startedBy ? { startedBy: record.startedBy } : {}),
    ...(record.stopCode ? { stopCode: record.stopCode as Task['stopCode'] } : {}),
    ...(record.stoppedAt !== undefined ? { stoppedAt: at(record.stoppedAt) } : {}),
    ...(record.stoppedReason ? { stoppedReason: record.stoppedReason } : {}),
    ...(record.stoppingAt !== undefined ? { stoppingAt: at(record.stoppingAt) } : {}),
    tags: tags ?? [],
    taskArn: arn,
    taskDefinitionArn: record.taskDefinitionArn,
    version: record.version,
  };
  return task;
}
