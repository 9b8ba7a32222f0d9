import type { Deployment, Service, Tag } from '@aws-sdk/client-ecs';
import { clusterArn, type Scope, serviceArn } from '../arn.js';
import { FARGATE_PLATFORM_VERSION } from './task.js';
import type { DeploymentRecord, ServiceRecord } from './service-record.js';

/** What presenting needs of a service's live tasks. */
export interface ServiceTaskView {
  startedBy: string;
  lastStatus: string;
  desiredStatus: string;
}

const PENDING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/** runningCount / pendingCount as ECS reports them: tasks RUNNING, or on their way, that are meant to run. */
function counts(tasks: readonly ServiceTaskView[], deploymentId?: string) {
  let running = 0;
  let pending = 0;
  for (const t of tasks) {
    if (t.desiredStatus !== 'RUNNING' || (deploymentId !== undefined && t.startedBy !== deploymentId)) continue;
    if (t.lastStatus === 'RUNNING') running += 1;
    else if (PENDING.has(t.lastStatus)) pending += 1;
  }
  return { runningCount: running, pendingCount: pending };
}

export const serviceLinkedRoleArn = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`;

function presentDeployment(d: DeploymentRecord, tasks: readonly ServiceTaskView[]): Deployment {
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    ...counts(tasks, d.id),
    failedTasks: d.failedTasks,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    ...(d.capacityProviderStrategy.length ? { capacityProviderStrategy: d.capacityProviderStrategy } : { launchType: d.launchType }),
    ...(d.launchType === 'FARGATE' ? { platformVersion: FARGATE_PLATFORM_VERSION, platformFamily: 'Linux' } : {}),
    ...(d.networkConfiguration ? { networkConfiguration: d.networkConfiguration } : {}),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

/** A service as DescribeServices shows it. */
export function presentService(scope: Scope, s: ServiceRecord, tasks: readonly ServiceTaskView[], tags?: Tag[]): Service {
  return {
    serviceArn: serviceArn(scope, s.cluster, s.name),
    serviceName: s.name,
    clusterArn: clusterArn(scope, s.cluster),
    loadBalancers: s.loadBalancers,
    serviceRegistries: s.serviceRegistries,
    status: s.status,
    desiredCount: s.desiredCount,
    ...counts(tasks),
    ...(s.capacityProviderStrategy.length ? { capacityProviderStrategy: s.capacityProviderStrategy } : { launchType: s.launchType }),
    ...(s.launchType === 'FARGATE' ? { platformVersion: s.platformVersion ?? 'LATEST', platformFamily: 'Linux' } : {}),
    taskDefinition: s.taskDefinition,
    deploymentConfiguration: s.deploymentConfiguration,
    deployments: s.deployments.map((d) => presentDeployment(d, tasks)),
    roleArn: s.roleArn ?? serviceLinkedRoleArn(scope.accountId),
    events: s.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(s.createdAt),
    placementConstraints: s.placementConstraints,
    placementStrategy: s.placementStrategy,
    ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration } : {}),
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds ?? 0,
    schedulingStrategy: s.schedulingStrategy,
    deploymentController: { type: 'ECS' },
    ...(tags ? { tags } : {}),
    createdBy: s.createdBy,
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags,
    enableExecuteCommand: s.enableExecuteCommand,
    availabilityZoneRebalancing: s.availabilityZoneRebalancing,
  };
}
