/**
 * How a service's deployments move, pure: a stopped task counts towards the circuit breaker and
 * the launch throttle; healthy tasks reset them; the breaker fails a deployment and may roll back;
 * replaced deployments leave the list; the primary completes and the service reaches a steady state
 * (reference/semantics.md §2.5–§2.8). Each function changes the record it is given and says what
 * happened through `say` (events[] texts), so the controller only reads, calls and writes.
 */
import { countsHealthy, type PlanTask } from './service-plan.js';
import {
  circuitBreakerThreshold, type DeploymentIds, launchBackoffMs, newDeployment, rolloutReasons, schedulerStopReasons, serviceMessages,
  THROTTLE_AFTER_FAILURES,
} from '../domain/ecs/service-deployment.js';
import type { DeploymentRecord, DeploymentTarget, ServiceRecord } from '../domain/ecs/service-record.js';
import type { TaskRecord } from '../domain/ecs/task-record.js';

export type Say = (message: string) => void;

/** ECS repeats "has reached a steady state." this often while nothing changes. */
export const STEADY_STATE_REPEAT_MS = 6 * 60 * 60_000;

/**
 * A task of the service has stopped. Unless the scheduler (scale-in, replacement, draining) or a
 * user stopped it, it is a failure of its deployment; one that never reached RUNNING also slows
 * further launches (throttle), and one that did resets that.
 */
export function accountTaskStop(service: ServiceRecord, task: TaskRecord, now: number, say: Say): void {
  const reachedRunning = task.startedAt !== undefined;
  const expected = task.stopCode === 'UserInitiated'
    || (task.stopCode === 'ServiceSchedulerInitiated' && task.stoppedReason !== schedulerStopReasons.unhealthy);
  const deployment = service.deployments.find((d) => d.id === task.startedBy);
  if (deployment && reachedRunning) deployment.anyTaskRan = true;
  if (expected) return;
  if (deployment?.rolloutState === 'IN_PROGRESS') {
    deployment.failedTasks += 1;
    deployment.updatedAt = now;
  }
  if (reachedRunning) {
    service.throttle = { startFailures: 0, notBefore: 0 };
    return;
  }
  const failures = service.throttle.startFailures + 1;
  service.throttle = { startFailures: failures, notBefore: now + launchBackoffMs(failures) };
  if (failures === THROTTLE_AFTER_FAILURES) say(serviceMessages.throttled(service.name));
}

/** Healthy tasks: a deployment whose count of them grew resets its failures (resetOnHealthyTask). */
export function noteHealthyTasks(service: ServiceRecord, tasks: readonly PlanTask[], now: number): void {
  const reset = (service.deploymentConfiguration.deploymentCircuitBreaker as { resetOnHealthyTask?: boolean } | undefined)?.resetOnHealthyTask !== false;
  for (const deployment of service.deployments) {
    const healthy = tasks.filter((t) => t.deploymentId === deployment.id && countsHealthy(t, now)).length;
    if (healthy > 0) deployment.anyTaskRan = true;
    if (reset && healthy > (deployment.healthyTasks ?? 0) && deployment.failedTasks > 0 && deployment.rolloutState === 'IN_PROGRESS') {
      deployment.failedTasks = 0;
      deployment.updatedAt = now;
    }
    deployment.healthyTasks = healthy;
  }
}

/**
 * Fails the primary deployment once its failures reach the breaker's threshold; with `rollback`,
 * starts a new primary deployment back to the last one that completed.
 */
export function tripCircuitBreaker(service: ServiceRecord, now: number, ids: DeploymentIds, say: Say): { failed?: DeploymentRecord; rollback?: DeploymentRecord } {
  const primary = service.deployments[0];
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  if (!primary || !breaker?.enable || primary.rolloutState !== 'IN_PROGRESS') return {};
  if (primary.failedTasks < circuitBreakerThreshold(service.deploymentConfiguration, service.desiredCount)) return {};
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = rolloutReasons.failed;
  primary.updatedAt = now;
  say(serviceMessages.deploymentFailed(service.name, primary.id));
  if (!breaker.rollback || !canRollBack(service)) return { failed: primary };
  return { failed: primary, rollback: rollBack(service, now, ids, say) };
}

/** Whether there is a completed deployment, other than the primary, to go back to. */
export const canRollBack = (service: ServiceRecord): boolean =>
  service.lastCompleted !== undefined && service.lastCompleted.deploymentId !== service.deployments[0]?.id;

/** A new primary deployment back to the last completed one; the current primary is replaced. */
export function rollBack(service: ServiceRecord, now: number, ids: DeploymentIds, say: Say): DeploymentRecord {
  const primary = service.deployments[0]!;
  const back = service.lastCompleted!;
  say(serviceMessages.rollingBack(service.name, back.deploymentId));
  const rollback = newDeployment(ids, back.target, service.desiredCount, now, { failed: primary.serviceDeploymentId, to: back.deploymentId });
  primary.status = 'ACTIVE';
  Object.assign(service, back.target);
  service.deployments.unshift(rollback);
  service.throttle = { startFailures: 0, notBefore: 0 };
  return rollback;
}

/**
 * After a pass: replaced deployments without tasks leave the list, the primary completes once its
 * desired count of tasks counts healthy with nothing else left, and the service says when it
 * reaches a steady state. Returns the deployment if it has just completed (for its history).
 */
export function settleDeployments(service: ServiceRecord, tasks: readonly PlanTask[], desiredCount: number, now: number, say: Say): DeploymentRecord[] {
  const changed: DeploymentRecord[] = [];
  const occupying = (id: string) => tasks.filter((t) => t.deploymentId === id && t.lastStatus !== 'STOPPED');
  const [primary, ...older] = service.deployments;
  if (!primary) return changed;
  const remaining = older.filter((d) => occupying(d.id).length > 0);
  for (const d of remaining) d.desiredCount = occupying(d.id).filter((t) => t.desiredStatus === 'RUNNING').length;
  service.deployments = [primary, ...remaining];
  primary.desiredCount = desiredCount;
  const live = tasks.filter((t) => t.deploymentId === primary.id && t.desiredStatus === 'RUNNING');
  const settled = remaining.length === 0 && live.length === desiredCount && live.every((t) => countsHealthy(t, now))
    && tasks.every((t) => t.lastStatus === 'STOPPED' || t.desiredStatus === 'RUNNING');
  if (settled && primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = rolloutReasons.completed(primary.id);
    primary.updatedAt = now;
    service.lastCompleted = { deploymentId: primary.id, target: targetOf(primary) };
    say(serviceMessages.deploymentCompleted(service.name, primary.id));
    changed.push(primary);
  }
  const steady = settled && primary.rolloutState === 'COMPLETED';
  if (steady && (!service.steady || now - (service.steadyEventAt ?? 0) >= STEADY_STATE_REPEAT_MS)) {
    say(serviceMessages.steadyState(service.name));
    service.steadyEventAt = now;
  }
  service.steady = steady;
  return changed;
}

/** What a deployment runs, without its progress. */
export function targetOf(d: DeploymentRecord | ServiceRecord): DeploymentTarget {
  const { taskDefinition, launchType, capacityProviderStrategy, platformVersion, networkConfiguration, loadBalancers, serviceRegistries } = d;
  return {
    taskDefinition, launchType, capacityProviderStrategy, loadBalancers, serviceRegistries,
    ...(platformVersion ? { platformVersion } : {}),
    ...(networkConfiguration ? { networkConfiguration } : {}),
  };
}
