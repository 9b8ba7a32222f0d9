import type { Attachment, TaskOverride } from '@aws-sdk/client-ecs';
import type { ContainerReport, HostPortAssignment } from './task-contract.js';

/** What a task holds of an instance while it is not STOPPED (placement subtracts it). */
export interface TaskReservation {
  cpu: number;
  memory: number;
  /** Static host ports (reserved, as ECS counts them) and the dynamic ones placement handed out. */
  ports: number[];
  portsUdp: number[];
  dynamicPorts: number[];
  dynamicPortsUdp: number[];
}

/** A task as Berth keeps it; timestamps are epoch milliseconds. */
export interface TaskRecord {
  region: string;
  cluster: string;
  id: string;
  containerInstanceId: string;
  taskDefinitionArn: string;
  family: string;
  revision: number;
  lastStatus: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType: 'EC2' | 'FARGATE' | 'EXTERNAL';
  group: string;
  startedBy: string;
  version: number;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  /** Task-level size as ECS reports it (strings), from the definition or overrides. */
  cpu?: string;
  memory?: string;
  overrides: TaskOverride;
  hostPorts: HostPortAssignment[];
  reservation: TaskReservation;
  containers: ContainerReport[];
  attachments: Attachment[];
  platformVersion?: string;
  capacityProviderName?: string;
  availabilityZone?: string;
  /** A service task's targets in its service's target groups, once registered. */
  loadBalancerTargets?: LoadBalancerTarget[];
  /**
   * Set while a stopping service task drains from its load balancers (DEACTIVATING): the agent
   * keeps it running until the controller lets it go at this time (epoch ms).
   */
  drainUntil?: number;
}

/** Where a load balancer reaches one container port of a task: an IP (awsvpc) or instance id (bridge, host) and a port. */
export interface LoadBalancerTarget {
  targetGroupArn: string;
  id: string;
  port: number;
}
