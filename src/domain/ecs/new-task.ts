import type { TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { computeTaskSize, FARGATE_PLATFORM_VERSION, initialContainers, type TaskPortDemand } from './task.js';
import type { TaskRecord } from './task-record.js';

export interface NewTaskInput {
  region: string;
  cluster: string;
  id: string;
  definition: TaskDefinition;
  overrides: TaskOverride;
  launchType: 'EC2' | 'FARGATE' | 'EXTERNAL';
  capacityProviderName?: string;
  group: string;
  startedBy: string;
  /** The task's host-port demand; `hostPorts[i]` is what placement gave `ports[i]`. */
  ports: TaskPortDemand[];
  hostPorts: readonly { hostPort: number; protocol: 'tcp' | 'udp' }[];
  instanceId: string;
  availabilityZone?: string | undefined;
  now: number;
}

/**
 * A task as placement just made it: desired RUNNING, PROVISIONING (awsvpc, where ECS attaches the
 * interface first) or PENDING, its containers PENDING, and what it reserves on its instance.
 */
export function computeNewTask(input: NewTaskInput): TaskRecord {
  const { definition, overrides, ports } = input;
  const size = computeTaskSize(definition, overrides);
  const hostPorts = input.hostPorts.map((bound, i) => ({
    containerName: ports[i]!.containerName, containerPort: ports[i]!.containerPort ?? 0, hostPort: bound.hostPort, protocol: bound.protocol,
  }));
  // Static host ports are reserved (PORTS); dynamic ones are only held while the task lives.
  const pick = (protocol: 'tcp' | 'udp', fixed: boolean) =>
    hostPorts.filter((p, i) => p.protocol === protocol && (ports[i]!.hostPort !== undefined) === fixed).map((p) => p.hostPort);
  const cpu = overrides.cpu ?? definition.cpu;
  const memory = overrides.memory ?? definition.memory;
  return {
    region: input.region,
    cluster: input.cluster,
    id: input.id,
    containerInstanceId: input.instanceId,
    taskDefinitionArn: definition.taskDefinitionArn!,
    family: definition.family!,
    revision: definition.revision!,
    lastStatus: definition.networkMode === 'awsvpc' ? 'PROVISIONING' : 'PENDING',
    desiredStatus: 'RUNNING',
    launchType: input.launchType,
    group: input.group,
    startedBy: input.startedBy,
    version: 1,
    createdAt: input.now,
    healthStatus: 'UNKNOWN',
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
    overrides,
    hostPorts,
    reservation: {
      cpu: size.cpu, memory: size.memory,
      ports: pick('tcp', true), portsUdp: pick('udp', true), dynamicPorts: pick('tcp', false), dynamicPortsUdp: pick('udp', false),
    },
    containers: initialContainers(definition, overrides),
    attachments: [],
    ...(input.launchType === 'FARGATE' ? { platformVersion: FARGATE_PLATFORM_VERSION } : {}),
    ...(input.capacityProviderName ? { capacityProviderName: input.capacityProviderName } : {}),
    ...(input.availabilityZone ? { availabilityZone: input.availabilityZone } : {}),
  };
}
