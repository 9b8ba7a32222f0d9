import type { Scope } from '../domain/arn.js';
import type { ServiceRecord } from '../domain/ecs/service-record.js';
import { computePlacements } from '../scheduler/placement.js';
import { parseTaskDefinitionRef } from '../services/ecs/task-definition-service.js';
import { snapshotInstances } from '../services/ecs/task-placement-snapshot.js';
import type { ContainerInstanceRecord } from '../store/container-instance-store.js';
import type { Stores } from '../store/stores.js';

/**
 * The instances a DAEMON service runs on: ACTIVE ones meeting the task definition's and the
 * service's placement constraints and required attributes. Resources are not asked here (a
 * daemon's task that does not fit shows as a placement failure when it is started).
 */
export async function computeDaemonEligibility(stores: Stores, scope: Scope, service: ServiceRecord, instances: readonly ContainerInstanceRecord[], now: number): Promise<Set<string>> {
  const primary = service.deployments[0]!;
  const ref = parseTaskDefinitionRef(scope, primary.taskDefinition);
  const definition = ref?.revision === undefined ? undefined : await stores.taskDefinitions.get(service.region, ref.family, ref.revision);
  const active = instances.filter((i) => i.status === 'ACTIVE');
  const snapshots = await snapshotInstances(stores, scope, active, now);
  const eligible = new Set<string>();
  snapshots.forEach((snapshot, i) => {
    // A quiet agent keeps its daemon task: stopping it would only churn when the agent returns.
    const plan = computePlacements([{ ...snapshot, agentConnected: true }], {
      demand: { cpu: 0, memory: 0, portMappings: [], requiresAttributes: (definition?.requiresAttributes ?? []).map((a) => a.name!), group: `service:${service.name}` },
      count: 1,
      constraints: [...(definition?.placementConstraints ?? []), ...service.placementConstraints],
      strategy: [],
    }, () => 0.5);
    if (plan.placements.length === 1) eligible.add(active[i]!.id);
  });
  return eligible;
}
