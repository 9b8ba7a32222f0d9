import { HostPortLedger, type PortDemandPlan } from './host-ports.js';
import { type HostPortBinding, type InstanceFacts, type InstanceSnapshot, PlacementFailureReason, type TaskDemand } from './placement-types.js';
import type { SpreadBucket } from './strategies.js';

/**
 * One container instance as a plan sees it: the snapshot plus the tasks this plan has put on it.
 * The snapshot is never changed; every change lands in this copy, so placing `count` tasks in one
 * call checks each against what the earlier ones took.
 */
export class WorkingInstance {
  readonly snapshot: InstanceSnapshot;
  cpu: number;
  memory: number;
  /** Query-language facts, with this plan's tasks counted in runningTasksCount and taskGroups. */
  facts: InstanceFacts;
  /** Tasks of the request's group here, for distinctInstance and spread(instanceId). */
  groupCount: number;
  /** Cached memberOf verdict; cleared when a task lands here. */
  memberOf: boolean | undefined;
  readonly ports: HostPortLedger;
  /** AGENT or ATTRIBUTE: reasons placing cannot change, found once. */
  readonly fixedRejection: PlacementFailureReason | undefined;
  /** Why the next task cannot go here (undefined: a candidate); kept current by the planner. */
  rejection: PlacementFailureReason | undefined;
  /** Position in the planner's candidate list, or -1. */
  candidateIndex = -1;
  /** Per strategy index, the spread(attribute) bucket of this instance's value. */
  readonly spreadBuckets: (SpreadBucket | undefined)[] = [];

  constructor(snapshot: InstanceSnapshot, demand: TaskDemand) {
    this.snapshot = snapshot;
    this.cpu = snapshot.remaining.cpu;
    this.memory = snapshot.remaining.memory;
    this.facts = snapshot;
    this.groupCount = countOf(snapshot.taskGroups, demand.group);
    this.ports = new HostPortLedger(snapshot);
    this.fixedRejection = !snapshot.agentConnected
      ? PlacementFailureReason.agent
      : demand.requiresAttributes.every((name) => Object.hasOwn(snapshot.attributes, name)) ? undefined : PlacementFailureReason.attribute;
  }

  /** The first resource the instance lacks, in ECS's order (CPU, memory, ports); undefined if it fits. */
  computeResourceRejection(demand: TaskDemand, ports: PortDemandPlan): PlacementFailureReason | undefined {
    if (this.cpu < demand.cpu) return PlacementFailureReason.cpu;
    if (this.memory < demand.memory) return PlacementFailureReason.memory;
    if (!this.ports.canFit(ports)) return PlacementFailureReason.ports;
    return undefined;
  }

  /** Takes the task's resources and ports; returns its host-port bindings. */
  place(demand: TaskDemand, ports: PortDemandPlan): HostPortBinding[] {
    this.cpu -= demand.cpu;
    this.memory -= demand.memory;
    this.groupCount++;
    const f = this.facts;
    // A fresh object with only the facts (not a spread of the whole snapshot): cheaper per placement.
    this.facts = {
      ec2InstanceId: f.ec2InstanceId,
      agentConnected: f.agentConnected,
      ...(f.agentVersion === undefined ? {} : { agentVersion: f.agentVersion }),
      attributes: f.attributes,
      registeredAt: f.registeredAt,
      runningTasksCount: f.runningTasksCount + 1,
      taskGroups: [...f.taskGroups, demand.group],
    };
    this.memberOf = undefined;
    return this.ports.allocate(ports);
  }
}

function countOf(values: readonly string[], value: string): number {
  let n = 0;
  for (const v of values) if (v === value) n++;
  return n;
}
