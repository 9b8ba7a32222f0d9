import { ServiceError } from '../kit/errors.js';
import { compilePlacementConstraints, computeConstraintRejection, type PlacementConstraints } from './constraints.js';
import { computePortDemandPlan, type PortDemandPlan } from './host-ports.js';
import type { InstanceSnapshot, PlacementFailureReason, PlacementRequest, PlacementResult, TaskDemand, TaskPlacement } from './placement-types.js';
import { assignSpreadBuckets, compilePlacementStrategies, recordSpread, selectInstance } from './strategies.js';
import { WorkingInstance } from './working-instance.js';

/**
 * Task placement on EC2/EXTERNAL capacity, pure: (instances, request, random) → plan.
 *
 * For each of `count` tasks, in ECS's order (semantics §4.1): keep the ACTIVE instances whose
 * agent is connected and that have the required attributes, then those with the CPU, memory and
 * ports, then those meeting every constraint; the strategies choose one; the task's resources and
 * ports are taken from that instance before the next task is placed, so one call never
 * over-commits. DRAINING and other non-ACTIVE instances are not considered at all.
 *
 * Placing a task changes only the chosen instance, so feasibility is found once per instance and
 * then again only for the chosen one: a placement costs one pass over the candidates.
 *
 * When a task fits nowhere, placing stops (the next identical task would not fit either) and
 * `failures` gives each ACTIVE instance's first reason, as RunTask reports them.
 *
 * Throws ServiceError (InvalidParameterException) only for malformed constraints or strategies.
 */
export function computePlacements(
  instances: readonly InstanceSnapshot[], request: PlacementRequest, random: () => number,
): PlacementResult {
  const constraints = compilePlacementConstraints(request.constraints);
  const strategies = compilePlacementStrategies(request.strategy);
  if (!Number.isInteger(request.count) || request.count < 0) {
    throw new ServiceError('InvalidParameterException', `count must be a non-negative integer, but was ${request.count}.`);
  }
  const { demand } = request;
  const ports = computePortDemandPlan(demand.portMappings);
  const active = instances.filter((i) => i.status === 'ACTIVE').map((i) => new WorkingInstance(i, demand));
  assignSpreadBuckets(strategies, active);
  const candidates: WorkingInstance[] = [];
  const scratch: WorkingInstance[] = [];
  const refresh = (instance: WorkingInstance) => updateCandidacy(instance, computeRejection(instance, demand, ports, constraints), candidates);
  active.forEach(refresh);

  const placements: TaskPlacement[] = [];
  for (let n = 0; n < request.count; n++) {
    if (candidates.length === 0) {
      return { placements, failures: active.map((i) => ({ arn: i.snapshot.arn, reason: i.rejection as PlacementFailureReason })) };
    }
    const chosen = selectInstance(candidates, strategies, random, scratch);
    placements.push({ instanceArn: chosen.snapshot.arn, hostPorts: chosen.place(demand, ports) });
    recordSpread(chosen);
    // Only the chosen instance changed, so only its candidacy can have changed.
    refresh(chosen);
  }
  return { placements, failures: [] };
}

function computeRejection(
  instance: WorkingInstance, demand: TaskDemand, ports: PortDemandPlan, constraints: PlacementConstraints,
): PlacementFailureReason | undefined {
  return instance.fixedRejection
    ?? instance.computeResourceRejection(demand, ports)
    ?? computeConstraintRejection(instance, constraints);
}

/** Keeps `candidates` equal to the instances without a rejection (swap-remove, O(1)). */
function updateCandidacy(instance: WorkingInstance, rejection: PlacementFailureReason | undefined, candidates: WorkingInstance[]): void {
  instance.rejection = rejection;
  const listed = instance.candidateIndex >= 0;
  if (rejection === undefined && !listed) {
    instance.candidateIndex = candidates.length;
    candidates.push(instance);
  } else if (rejection !== undefined && listed) {
    const last = candidates.pop() as WorkingInstance;
    if (last !== instance) {
      candidates[instance.candidateIndex] = last;
      last.candidateIndex = instance.candidateIndex;
    }
    instance.candidateIndex = -1;
  }
}
