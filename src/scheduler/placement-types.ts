/**
 * Inputs and outputs of task placement (reference/semantics.md §4, §6). Plain data with ECS's
 * spellings, so a controller builds a snapshot from the store and the plan goes back as it is.
 */

/** ContainerInstance `status` values (only ACTIVE accepts placements). */
export type ContainerInstanceStatus =
  | 'REGISTERING' | 'REGISTRATION_FAILED' | 'ACTIVE' | 'DRAINING' | 'DEREGISTERING' | 'INACTIVE';

/** What the cluster query language can ask about a container instance. */
export interface InstanceFacts {
  /** `i-…` for EC2, `mi-…` for EXTERNAL instances; the `ec2InstanceId` subject. */
  ec2InstanceId: string;
  agentConnected: boolean;
  /** `versionInfo.agentVersion`, e.g. `1.82.1`. */
  agentVersion?: string;
  /** Attribute name → value; a present key with `undefined` is an attribute without a value. */
  attributes: Readonly<Record<string, string | undefined>>;
  /** Registration time in epoch milliseconds. */
  registeredAt: number;
  runningTasksCount: number;
  /** One entry per task on the instance (its `group`), so duplicates count. */
  taskGroups: readonly string[];
}

/** ECS `remainingResources`: CPU units, MiB, and the reserved host ports (PORTS / PORTS_UDP). */
export interface InstanceResources {
  cpu: number;
  memory: number;
  /** Reserved TCP ports: the agent's defaults plus every static host port of tasks placed here. */
  ports: ReadonlySet<number>;
  portsUdp: ReadonlySet<number>;
}

/** Inclusive host-port range dynamic mappings come from (ECS_DYNAMIC_HOST_PORT_RANGE). */
export interface PortRange {
  start: number;
  end: number;
}

export interface InstanceSnapshot extends InstanceFacts {
  /** Container instance ARN. */
  arn: string;
  status: ContainerInstanceStatus;
  remaining: InstanceResources;
  /**
   * Host ports held by dynamic mappings of tasks already here. ECS leaves these out of PORTS, so
   * the snapshot carries them separately; without them a dynamic port could be handed out twice.
   */
  dynamicPorts?: ReadonlySet<number>;
  dynamicPortsUdp?: ReadonlySet<number>;
  /** Defaults to 49153–65535 (the agent's Linux default). */
  dynamicPortRange?: PortRange;
  /** The dynamic port handed out last; allocation resumes after it so freed ports are not reused at once. */
  lastDynamicHostPort?: number;
}

export type TransportProtocol = 'tcp' | 'udp';

/** One port mapping of the task; `hostPort` 0 or absent asks for a dynamic port (bridge mode). */
export interface PortDemand {
  containerPort?: number;
  hostPort?: number;
  protocol: TransportProtocol;
}

/** What one task needs from an instance. */
export interface TaskDemand {
  /** CPU units: task-level `cpu`, else the sum of the containers' `cpu`. */
  cpu: number;
  /** MiB: task-level `memory`, else the sum of `memoryReservation` (or `memory`) of the containers. */
  memory: number;
  portMappings: readonly PortDemand[];
  /** Attribute names from the task definition's `requiresAttributes`. */
  requiresAttributes: readonly string[];
  /** `service:<name>`, `family:<family>` or a custom group; distinctInstance and spread count by it. */
  group: string;
}

/** As ECS's PlacementConstraint (loose, as callers hand over wire input; compiling validates it). */
export interface PlacementConstraintInput {
  type?: string;
  expression?: string;
}

/** As ECS's PlacementStrategy. */
export interface PlacementStrategyInput {
  type?: string;
  field?: string;
}

export interface PlacementRequest {
  demand: TaskDemand;
  count: number;
  constraints: readonly PlacementConstraintInput[];
  /** Applied in order; an empty list places at random. */
  strategy: readonly PlacementStrategyInput[];
}

/** A host port given to one of the task's port mappings. */
export interface HostPortBinding {
  containerPort?: number;
  hostPort: number;
  protocol: TransportProtocol;
}

export interface TaskPlacement {
  instanceArn: string;
  /** `hostPorts[i]` answers `demand.portMappings[i]`. */
  hostPorts: HostPortBinding[];
}

/** ECS's `Failure.reason` texts for placement. */
export const PlacementFailureReason = {
  cpu: 'RESOURCE:CPU',
  memory: 'RESOURCE:MEMORY',
  ports: 'RESOURCE:PORTS',
  agent: 'AGENT',
  attribute: 'ATTRIBUTE',
  memberOf: 'MemberOf placement constraint unsatisfied.',
  distinctInstance: 'DistinctInstance placement constraint unsatisfied.',
} as const;
export type PlacementFailureReason = (typeof PlacementFailureReason)[keyof typeof PlacementFailureReason];

export interface PlacementFailure {
  /** Container instance ARN. */
  arn: string;
  reason: PlacementFailureReason;
}

/**
 * `placements.length < count` means the rest could not be placed; `failures` then holds one entry
 * per ACTIVE instance with the first reason it was turned down for that task.
 */
export interface PlacementResult {
  placements: TaskPlacement[];
  failures: PlacementFailure[];
}
