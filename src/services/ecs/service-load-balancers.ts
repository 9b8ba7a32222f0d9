import type { LoadBalancer, TaskDefinition } from '@aws-sdk/client-ecs';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';

/** ECS allows at most this many target groups per service. */
const MAX_TARGET_GROUPS = 5;

const invalid = (message: string) => new ServiceError('InvalidParameterException', message);

/**
 * Checks a service's `loadBalancers` as CreateService/UpdateService do: an ELBv2 target group
 * that some load balancer forwards to, of a target type the task's network mode can register
 * (awsvpc: ip), and a container and port of the task definition.
 */
export async function checkServiceLoadBalancers(stores: Stores, definition: TaskDefinition, loadBalancers: readonly LoadBalancer[]): Promise<void> {
  if (loadBalancers.length > MAX_TARGET_GROUPS) throw invalid(`loadBalancers can have at most ${MAX_TARGET_GROUPS} items.`);
  for (const lb of loadBalancers) {
    if (lb.loadBalancerName !== undefined) throw invalid('Classic Load Balancers are not supported; use targetGroupArn with an Application or Network Load Balancer.');
    if (!lb.targetGroupArn) throw invalid('Target Group Arn can not be blank.');
    if (!lb.containerName) throw invalid('Container Name can not be blank.');
    if (lb.containerPort === undefined) throw invalid('Container Port can not be blank.');
    const group = await stores.elbTargetGroups.get(lb.targetGroupArn);
    if (!group || (await stores.elbTargets.usersOf(lb.targetGroupArn)).length === 0) {
      throw invalid(`The target group with targetGroupArn ${lb.targetGroupArn} does not have an associated load balancer.`);
    }
    const networkMode = definition.networkMode ?? 'bridge';
    if (networkMode === 'awsvpc' && group.body.TargetType !== 'ip') {
      throw invalid(`The provided target group ${lb.targetGroupArn} has target type ${group.body.TargetType}, which is incompatible with the awsvpc network mode specified in the task definition.`);
    }
    if (networkMode !== 'awsvpc' && group.body.TargetType !== 'instance') {
      throw invalid(`The provided target group ${lb.targetGroupArn} has target type ${group.body.TargetType}, which is incompatible with the ${networkMode} network mode specified in the task definition.`);
    }
    const container = definition.containerDefinitions?.find((c) => c.name === lb.containerName);
    if (!container) throw invalid(`The container ${lb.containerName} does not exist in the task definition.`);
    if (!container.portMappings?.some((p) => p.containerPort === lb.containerPort)) {
      throw invalid(`The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`);
    }
  }
}
