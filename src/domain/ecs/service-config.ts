/**
 * The settable parts of a service, checked and defaulted as ECS does for CreateService and
 * UpdateService (reference/semantics.md §2.1, §2.3). Pure: the caller resolves the task definition
 * and the launch, and turns the result into a record.
 */
import type { CreateServiceRequest, DeploymentConfiguration, UpdateServiceRequest } from '@aws-sdk/client-ecs';
import { ServiceError } from '../../kit/errors.js';
import { NAME_PATTERN } from './names.js';
import type { SchedulingStrategy, ServiceRecord } from './service-record.js';

const invalid = (message: string) => new ServiceError('InvalidParameterException', message);

export function validateServiceName(name: string | undefined): string {
  if (name === undefined || !NAME_PATTERN.test(name)) {
    throw invalid('Service name must be 1-255 characters: letters, numbers, hyphens and underscores.');
  }
  return name;
}

export function validateSchedulingStrategy(value: string | undefined): SchedulingStrategy {
  if (value === undefined || value === 'REPLICA') return 'REPLICA';
  if (value === 'DAEMON') return 'DAEMON';
  throw invalid(`schedulingStrategy should be one of [REPLICA, DAEMON]`);
}

/** The DAEMON strategy's refusals, in ECS's words. */
export function checkDaemonRequest(input: CreateServiceRequest | UpdateServiceRequest, launchType: string | undefined): void {
  if (input.desiredCount !== undefined) {
    throw invalid('The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again');
  }
  if (input.placementStrategy?.length) {
    throw invalid('The daemon scheduling strategy does not support placement strategies. Remove the placement strategy and try again');
  }
  if (input.capacityProviderStrategy?.length) {
    throw invalid('Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.');
  }
  if (launchType === 'FARGATE') throw invalid('The daemon scheduling strategy is not supported with the FARGATE launch type.');
}

export function validateDesiredCount(value: number | undefined): number {
  const count = value ?? 0;
  if (!Number.isInteger(count) || count < 0) throw invalid('desiredCount must be a non-negative integer.');
  return count;
}

/**
 * deploymentConfiguration with ECS's defaults (REPLICA 100/200, DAEMON 0/100) under `base` and the
 * request on top; the circuit breaker is always shown, disabled unless asked for.
 */
export function resolveDeploymentConfiguration(
  strategy: SchedulingStrategy, requested: DeploymentConfiguration | undefined, base?: ServiceRecord['deploymentConfiguration'],
): ServiceRecord['deploymentConfiguration'] {
  const defaults = strategy === 'DAEMON' ? { minimumHealthyPercent: 0, maximumPercent: 100 } : { minimumHealthyPercent: 100, maximumPercent: 200 };
  const merged = {
    deploymentCircuitBreaker: { enable: false, rollback: false },
    ...defaults,
    ...base,
    ...definedOnly(requested ?? {}),
  };
  if (requested?.deploymentCircuitBreaker) merged.deploymentCircuitBreaker = { enable: false, rollback: false, ...definedOnly(requested.deploymentCircuitBreaker) };
  const { minimumHealthyPercent: min, maximumPercent: max } = merged;
  if (!Number.isInteger(min) || min < 0 || min > 100) throw invalid('minimumHealthyPercent must be between 0 and 100.');
  if (!Number.isInteger(max) || max < 100) throw invalid('maximumPercent must be at least 100.');
  if (strategy === 'DAEMON' && max > 100) {
    throw invalid('The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again');
  }
  if (requested?.strategy !== undefined && requested.strategy !== 'ROLLING') {
    throw new ServiceError('InvalidParameterException', `Deployment strategy ${requested.strategy} is not supported yet; use ROLLING.`);
  }
  return merged;
}

export function validatePropagateTags(value: string | undefined): ServiceRecord['propagateTags'] | undefined {
  if (value === undefined) return undefined;
  if (value === 'TASK_DEFINITION' || value === 'SERVICE' || value === 'NONE') return value;
  throw invalid('propagateTags must be one of [TASK_DEFINITION, SERVICE, NONE]');
}

export function validateDeploymentController(input: CreateServiceRequest): void {
  const type = input.deploymentController?.type;
  if (type !== undefined && type !== 'ECS') {
    throw invalid(`The ${type} deployment controller is not supported by Berth yet; use ECS.`);
  }
}

export function validateGracePeriod(value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 2_147_483_647)) {
    throw invalid('healthCheckGracePeriodSeconds must be between 0 and 2147483647.');
  }
  return value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
