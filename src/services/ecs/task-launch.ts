import type { CapacityProviderStrategyItem, RunTaskRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import { ServiceError } from '../../kit/errors.js';

export interface Launch {
  launchType: 'EC2' | 'FARGATE' | 'EXTERNAL';
  capacityProviderName?: string;
}

/**
 * Which launch type a RunTask gets: the one asked for; else the capacity provider strategy (the
 * request's, else the cluster's default); else EC2. Then checks the definition can run there.
 */
export function resolveLaunch(input: RunTaskRequest, definition: TaskDefinition, clusterDefault: readonly CapacityProviderStrategyItem[]): Launch {
  if (input.launchType && input.capacityProviderStrategy?.length) {
    throw new ServiceError('InvalidParameterException', 'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
  }
  let launch: Launch;
  if (input.launchType) {
    if (!['EC2', 'FARGATE', 'EXTERNAL'].includes(input.launchType)) throw new ServiceError('InvalidParameterException', `launchType should be one of [EC2, FARGATE, EXTERNAL]`);
    launch = { launchType: input.launchType as Launch['launchType'] };
  } else {
    const strategy = input.capacityProviderStrategy?.length ? input.capacityProviderStrategy : clusterDefault;
    const first = strategy.find((s) => (s.weight ?? 0) > 0 || (s.base ?? 0) > 0) ?? strategy[0];
    launch = first?.capacityProvider === 'FARGATE' || first?.capacityProvider === 'FARGATE_SPOT'
      ? { launchType: 'FARGATE', capacityProviderName: first.capacityProvider }
      : { launchType: 'EC2' };
  }
  if (launch.launchType === 'FARGATE') {
    if (!definition.compatibilities?.includes('FARGATE')) throw new ServiceError('InvalidParameterException', 'Task definition does not support launch_type FARGATE.');
  }
  if (definition.networkMode === 'awsvpc' && !input.networkConfiguration?.awsvpcConfiguration) {
    throw new ServiceError('InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  return launch;
}
