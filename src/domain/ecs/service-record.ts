import type {
  CapacityProviderStrategyItem, DeploymentConfiguration, LoadBalancer, NetworkConfiguration, PlacementConstraint,
  PlacementStrategy, ServiceRegistry,
} from '@aws-sdk/client-ecs';

export type SchedulingStrategy = 'REPLICA' | 'DAEMON';
export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';
export type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';
export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** What a deployment runs: the parts of a service that a new deployment (and revision) snapshots. */
export interface DeploymentTarget {
  taskDefinition: string;
  launchType: LaunchType;
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  platformVersion?: string;
  networkConfiguration?: NetworkConfiguration;
  loadBalancers: LoadBalancer[];
  serviceRegistries: ServiceRegistry[];
}

/** One of `services[].deployments[]`: PRIMARY (newest), or ACTIVE while it still has tasks. */
export interface DeploymentRecord extends DeploymentTarget {
  /** `ecs-svc/` and 19 digits; tasks it starts carry it as startedBy. */
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  /** The id in its ServiceDeployment ARN (ListServiceDeployments & co.). */
  serviceDeploymentId: string;
  /** The service revision this deployment rolls out (service-revision ARN's last part). */
  revisionId: string;
  desiredCount: number;
  /** Circuit-breaker failures; reset by a healthy task when resetOnHealthyTask. */
  failedTasks: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  /** True once any of its tasks has reached RUNNING (circuit breaker stage 2). */
  anyTaskRan: boolean;
  /** Its tasks counted healthy at the last pass; a rise resets failedTasks (resetOnHealthyTask). */
  healthyTasks?: number;
  /** Set on a deployment the circuit breaker started: the serviceDeploymentId of the one that failed. */
  rollbackOf?: string;
  createdAt: number;
  updatedAt: number;
}

export interface ServiceEventRecord {
  id: string;
  createdAt: number;
  message: string;
}

/** Launch backoff for tasks that stop before RUNNING (ECS service throttle logic). */
export interface LaunchThrottle {
  /** Tasks in a row that stopped without reaching RUNNING. */
  startFailures: number;
  /** No launches before this time (epoch ms); 0 when not throttled. */
  notBefore: number;
}

/** A service as Berth keeps it; counts come from its tasks when presented. */
export interface ServiceRecord extends DeploymentTarget {
  region: string;
  cluster: string;
  name: string;
  status: ServiceStatus;
  schedulingStrategy: SchedulingStrategy;
  desiredCount: number;
  deploymentConfiguration: DeploymentConfiguration & { maximumPercent: number; minimumHealthyPercent: number };
  placementConstraints: PlacementConstraint[];
  placementStrategy: PlacementStrategy[];
  healthCheckGracePeriodSeconds?: number;
  propagateTags: 'TASK_DEFINITION' | 'SERVICE' | 'NONE';
  enableECSManagedTags: boolean;
  enableExecuteCommand: boolean;
  availabilityZoneRebalancing: 'ENABLED' | 'DISABLED';
  roleArn?: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** PRIMARY first, then ACTIVE ones newest first; fully replaced deployments leave the list. */
  deployments: DeploymentRecord[];
  /** Newest first, at most MAX_SERVICE_EVENTS. */
  events: ServiceEventRecord[];
  throttle: LaunchThrottle;
  /** The last deployment that COMPLETED: what the circuit breaker rolls back to. */
  lastCompleted?: { deploymentId: string; target: DeploymentTarget };
  /** Whether the service was at steady state at the last pass. */
  steady: boolean;
  /** When it last said "has reached a steady state." (ECS repeats it every 6 hours). */
  steadyEventAt?: number;
  version: number;
}

export const MAX_SERVICE_EVENTS = 100;

/** Adds an event (newest first), keeping the latest MAX_SERVICE_EVENTS. */
export function addServiceEvent(service: ServiceRecord, id: string, message: string, now: number): void {
  service.events.unshift({ id, createdAt: now, message });
  if (service.events.length > MAX_SERVICE_EVENTS) service.events.length = MAX_SERVICE_EVENTS;
}

/** The group a service's tasks carry, which ListTasks' serviceName filters on. */
export const serviceGroup = (name: string) => `service:${name}`;

/** A service's key in the controller's queue: region, cluster and name (none may hold a '/'). */
export const serviceKey = (region: string, cluster: string, name: string) => `${region}/${cluster}/${name}`;

/** The service a task group belongs to, if it is a service's. */
export const serviceOfGroup = (group: string): string | undefined => group.startsWith('service:') ? group.slice('service:'.length) : undefined;

/** A service's name from a name or an ARN (`…:service/<cluster>/<name>` or the old `…:service/<name>`). */
export const serviceNameOf = (ref: string): string => ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
