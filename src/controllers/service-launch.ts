import type { PlacementStrategy, RunTaskRequest } from '@aws-sdk/client-ecs';
import { type Scope, serviceArn } from '../domain/arn.js';
import { serviceGroup, type ServiceRecord } from '../domain/ecs/service-record.js';
import type { ValidTag } from '../domain/ecs/tags.js';
import type { Stores } from '../store/stores.js';

/** Without a strategy, ECS spreads a service's tasks across zones, then instances. */
function placementStrategyOf(service: ServiceRecord): PlacementStrategy[] {
  if (service.placementStrategy.length > 0 || service.launchType === 'FARGATE') return service.placementStrategy;
  return [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'instanceId' }];
}

/** The RunTask a service's primary deployment amounts to: its tasks carry the deployment id and the service's group. */
export function serviceLaunchRequest(service: ServiceRecord): RunTaskRequest {
  const primary = service.deployments[0]!;
  return {
    cluster: service.cluster,
    taskDefinition: primary.taskDefinition,
    ...(primary.capacityProviderStrategy.length > 0 ? { capacityProviderStrategy: primary.capacityProviderStrategy } : { launchType: primary.launchType }),
    ...(primary.networkConfiguration ? { networkConfiguration: primary.networkConfiguration } : {}),
    ...(primary.platformVersion ? { platformVersion: primary.platformVersion } : {}),
    placementConstraints: service.placementConstraints,
    placementStrategy: placementStrategyOf(service),
    startedBy: primary.id,
    group: serviceGroup(service.name),
  };
}

/**
 * Tags of a service's new tasks: propagated from the service or the task definition as
 * `propagateTags` says, plus ECS's managed tags with `enableECSManagedTags`.
 */
export async function serviceTaskTags(stores: Stores, scope: Scope, service: ServiceRecord): Promise<ValidTag[]> {
  const tags = new Map<string, string>();
  if (service.propagateTags === 'SERVICE') {
    for (const t of await stores.tags.list(serviceArn(scope, service.cluster, service.name))) tags.set(t.key, t.value);
  } else if (service.propagateTags === 'TASK_DEFINITION') {
    for (const t of await stores.tags.list(service.deployments[0]!.taskDefinition)) tags.set(t.key, t.value);
  }
  if (service.enableECSManagedTags) {
    tags.set('aws:ecs:clusterName', service.cluster);
    tags.set('aws:ecs:serviceName', service.name);
  }
  return [...tags].map(([key, value]) => ({ key, value }));
}
