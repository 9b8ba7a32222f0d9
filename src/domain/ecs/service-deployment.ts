/**
 * Service deployments: ids, the circuit breaker's threshold, the launch throttle's backoff, and
 * the texts ECS writes in deployments[] and events[] (reference/semantics.md §2.5–§2.8).
 */
import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import type { DeploymentRecord, DeploymentTarget } from './service-record.js';

/** 19 digits from 8 random bytes given as hex: service revision ids, and deployment ids after `ecs-svc/`. */
export function digitsFrom(hex16: string): string {
  return String(BigInt(`0x${hex16}`) % 9_000_000_000_000_000_000n + 1_000_000_000_000_000_000n);
}


/**
 * Failures that trip the breaker: `thresholdConfiguration` when given (COUNT: its value; the
 * percentages: value% of the desired count, BOUNDED clamped to 3..200); else ECS's default,
 * clamp(ceil(0.5 × desired), 3, 200).
 */
export function circuitBreakerThreshold(config: DeploymentConfiguration, desiredCount: number): number {
  const threshold = (config.deploymentCircuitBreaker as { thresholdConfiguration?: { type?: string; value?: number } } | undefined)?.thresholdConfiguration;
  const value = threshold?.value ?? 50;
  if (threshold?.type === 'COUNT') return Math.max(1, value);
  const raw = Math.ceil((desiredCount * value) / 100);
  return threshold?.type === 'UNBOUNDED_PERCENT' ? Math.max(1, raw) : Math.min(200, Math.max(3, raw));
}

/** Tasks in a row that may fail to start before launches slow down. */
export const THROTTLE_AFTER_FAILURES = 3;
const THROTTLE_BASE_MS = 5_000;
/** ECS: "incrementally increased up to a maximum of 15 minutes". */
export const THROTTLE_MAX_MS = 15 * 60_000;

/** How long to wait before the next launch after `failures` tasks in a row failed to start. */
export function launchBackoffMs(failures: number): number {
  if (failures < THROTTLE_AFTER_FAILURES) return 0;
  return Math.min(THROTTLE_MAX_MS, THROTTLE_BASE_MS * 2 ** (failures - THROTTLE_AFTER_FAILURES));
}

export interface DeploymentIds {
  /** `ecs-svc/…`, what its tasks' startedBy says. */
  deploymentId: string;
  /** The 22-character id of its ServiceDeployment ARN. */
  serviceDeploymentId: string;
  revisionId: string;
}

/** Fresh ids from random hex (16 bytes for the ServiceDeployment, 8 each for the others). */
export function deploymentIdsFrom(hex: (bytes: number) => string): DeploymentIds {
  return {
    deploymentId: `ecs-svc/${digitsFrom(hex(8))}`,
    serviceDeploymentId: Buffer.from(hex(16), 'hex').toString('base64url'),
    revisionId: digitsFrom(hex(8)),
  };
}

/** A new PRIMARY deployment; `rollback` when the circuit breaker starts it to undo `failed`. */
export function newDeployment(ids: DeploymentIds, target: DeploymentTarget, desiredCount: number, now: number, rollback?: { failed: string; to: string }): DeploymentRecord {
  return {
    ...target,
    id: ids.deploymentId,
    serviceDeploymentId: ids.serviceDeploymentId,
    status: 'PRIMARY',
    revisionId: ids.revisionId,
    desiredCount,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: rollback
      ? `ECS deployment circuit breaker: rolling back to deploymentId ${rollback.to}.`
      : `ECS deployment ${ids.deploymentId} in progress.`,
    anyTaskRan: false,
    ...(rollback ? { rollbackOf: rollback.failed } : {}),
    createdAt: now,
    updatedAt: now,
  };
}

/** The texts of services[].events[] (ECS's own wording). */
export const serviceMessages = {
  steadyState: (service: string) => `(service ${service}) has reached a steady state.`,
  started: (service: string, taskIds: readonly string[]) =>
    `(service ${service}) has started ${taskIds.length} tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`,
  stopped: (service: string, taskIds: readonly string[]) =>
    `(service ${service}) has stopped ${taskIds.length} running tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`,
  deploymentCompleted: (service: string, deploymentId: string) => `(service ${service}) (deployment ${deploymentId}) deployment completed.`,
  deploymentFailed: (service: string, deploymentId: string) =>
    `(service ${service}) (deployment ${deploymentId}) deployment failed: tasks failed to start.`,
  rollingBack: (service: string, to: string) => `(service ${service}) rolling back to deployment ${to}.`,
  unableToPlace: (service: string, detail: string) =>
    `(service ${service}) was unable to place a task because no container instance met all of its requirements.${detail}`,
  throttled: (service: string) => `(service ${service}) is unable to consistently start tasks successfully.`,
  blocked: (service: string) =>
    `(service ${service}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.`,
  failedHealthChecks: (service: string, taskId: string) => `(service ${service}) (task ${taskId}) failed container health checks.`,
  registeredTargets: (service: string, n: number, targetGroupArn: string) => `(service ${service}) registered ${n} targets in (target-group ${targetGroupArn})`,
  deregisteredTargets: (service: string, n: number, targetGroupArn: string) => `(service ${service}) deregistered ${n} targets in (target-group ${targetGroupArn})`,
  drainingConnections: (service: string, n: number) => `(service ${service}) has begun draining connections on ${n} tasks.`,
  unhealthyInTargetGroup: (service: string, taskId: string, target: { targetGroupArn: string; port: number }, reason?: string) =>
    `(service ${service}) (task ${taskId}) (port ${target.port}) is unhealthy in (target-group ${target.targetGroupArn}) due to (reason ${reason ?? 'Health checks failed'}).`,
};

/** stoppedReason of the tasks the scheduler stops. */
export const schedulerStopReasons = {
  scaling: (deploymentId: string) => `Scaling activity initiated by (deployment ${deploymentId})`,
  unhealthy: 'Task failed container health checks',
  elbUnhealthy: (targetGroupArn: string) => `Task failed ELB health checks in (target-group ${targetGroupArn})`,
};

export const rolloutReasons = {
  completed: (id: string) => `ECS deployment ${id} completed.`,
  failed: 'ECS deployment circuit breaker: tasks failed to start.',
};
