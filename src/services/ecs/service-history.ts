import type { ServiceDeployment, ServiceRevision } from '@aws-sdk/client-ecs';
import { clusterArn, ecsArn, type Scope, serviceArn } from '../../domain/arn.js';
import { circuitBreakerThreshold, rolloutReasons } from '../../domain/ecs/service-deployment.js';
import type { DeploymentRecord, ServiceRecord } from '../../domain/ecs/service-record.js';
import type { ServiceKey } from '../../store/service-history-store.js';
import type { Stores } from '../../store/stores.js';

export const serviceRevisionArn = (scope: Scope, service: ServiceRecord, revisionId: string) =>
  ecsArn(scope, `service-revision/${service.cluster}/${service.name}/${revisionId}`);

export const serviceDeploymentArn = (scope: Scope, service: ServiceRecord, serviceDeploymentId: string) =>
  ecsArn(scope, `service-deployment/${service.cluster}/${service.name}/${serviceDeploymentId}`);

const keyOf = (service: ServiceRecord): ServiceKey => ({ region: service.region, cluster: service.cluster, service: service.name });

/**
 * The service-deployment history (ListServiceDeployments & co.): each deployment of
 * `services[].deployments[]` is a ServiceDeployment from one revision to another; a circuit-breaker
 * rollback is a phase of the deployment that failed, as ECS shows it.
 */
export class ServiceHistory {
  constructor(private readonly stores: Stores) {}

  /** A deployment has begun (CreateService, UpdateService, or a rollback). */
  async started(scope: Scope, service: ServiceRecord, deployment: DeploymentRecord): Promise<void> {
    const key = keyOf(service);
    const at = new Date(deployment.createdAt);
    await this.stores.serviceHistory.putRevision(key, deployment.revisionId, revisionOf(scope, service, deployment));
    const target = { arn: serviceRevisionArn(scope, service, deployment.revisionId), requestedTaskCount: deployment.desiredCount, runningTaskCount: 0, pendingTaskCount: 0 };
    if (deployment.rollbackOf) {
      await this.#update(key, deployment.rollbackOf, (d) => ({
        ...d, status: 'ROLLBACK_IN_PROGRESS', updatedAt: at,
        rollback: { reason: rolloutReasons.failed, startedAt: at, serviceRevisionArn: target.arn },
      }));
      return;
    }
    for (const older of service.deployments.slice(1)) {
      await this.#update(key, older.serviceDeploymentId, (d) => (d.status === 'IN_PROGRESS' || d.status === 'PENDING'
        ? { ...d, status: 'STOPPED', statusReason: 'Superseded by a newer service deployment.', stoppedAt: at, updatedAt: at }
        : d));
    }
    const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
    await this.stores.serviceHistory.putDeployment(key, deployment.serviceDeploymentId, {
      serviceDeploymentArn: serviceDeploymentArn(scope, service, deployment.serviceDeploymentId),
      serviceArn: serviceArn(scope, service.cluster, service.name),
      clusterArn: clusterArn(scope, service.cluster),
      createdAt: at,
      startedAt: at,
      updatedAt: at,
      sourceServiceRevisions: service.deployments.slice(1).map((d) => ({
        arn: serviceRevisionArn(scope, service, d.revisionId), requestedTaskCount: d.desiredCount, runningTaskCount: 0, pendingTaskCount: 0,
      })),
      targetServiceRevision: target,
      status: 'IN_PROGRESS',
      deploymentConfiguration: service.deploymentConfiguration,
      deploymentCircuitBreaker: {
        status: breaker?.enable ? 'MONITORING' : 'DISABLED',
        failureCount: 0,
        threshold: circuitBreakerThreshold(service.deploymentConfiguration, service.desiredCount),
      },
    });
  }

  /** A deployment's rollout state changed (COMPLETED or FAILED). */
  async changed(service: ServiceRecord, deployment: DeploymentRecord): Promise<void> {
    const key = keyOf(service);
    const at = new Date(deployment.updatedAt);
    const breaker = (d: ServiceDeployment, status: 'TRIGGERED' | 'MONITORING_COMPLETE') =>
      d.deploymentCircuitBreaker?.status === 'DISABLED' ? d.deploymentCircuitBreaker : { ...d.deploymentCircuitBreaker, status, failureCount: deployment.failedTasks };
    if (deployment.rolloutState === 'COMPLETED') {
      const own = deployment.rollbackOf ?? deployment.serviceDeploymentId;
      await this.#update(key, own, (d) => ({
        ...d, status: deployment.rollbackOf ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL', finishedAt: at, updatedAt: at,
        ...(deployment.rollbackOf ? {} : { deploymentCircuitBreaker: breaker(d, 'MONITORING_COMPLETE') }),
      }));
    } else if (deployment.rolloutState === 'FAILED') {
      await this.#update(key, deployment.rollbackOf ?? deployment.serviceDeploymentId, (d) => ({
        ...d,
        status: deployment.rollbackOf ? 'ROLLBACK_FAILED' : (service.deploymentConfiguration.deploymentCircuitBreaker?.rollback && service.lastCompleted ? 'ROLLBACK_REQUESTED' : 'STOPPED'),
        statusReason: deployment.rolloutStateReason,
        deploymentCircuitBreaker: breaker(d, 'TRIGGERED'),
        updatedAt: at,
      }));
    }
  }

  async #update(key: ServiceKey, id: string, change: (d: ServiceDeployment) => ServiceDeployment): Promise<void> {
    const current = await this.stores.serviceHistory.getDeployment(key, id);
    if (current) await this.stores.serviceHistory.putDeployment(key, id, change(current));
  }
}

function revisionOf(scope: Scope, service: ServiceRecord, deployment: DeploymentRecord): ServiceRevision {
  return {
    serviceRevisionArn: serviceRevisionArn(scope, service, deployment.revisionId),
    serviceArn: serviceArn(scope, service.cluster, service.name),
    clusterArn: clusterArn(scope, service.cluster),
    taskDefinition: deployment.taskDefinition,
    ...(deployment.capacityProviderStrategy.length ? { capacityProviderStrategy: deployment.capacityProviderStrategy } : { launchType: deployment.launchType }),
    ...(deployment.platformVersion ? { platformVersion: deployment.platformVersion } : {}),
    loadBalancers: deployment.loadBalancers,
    serviceRegistries: deployment.serviceRegistries,
    ...(deployment.networkConfiguration ? { networkConfiguration: deployment.networkConfiguration } : {}),
    createdAt: new Date(deployment.createdAt),
  };
}
