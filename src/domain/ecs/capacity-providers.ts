import type { CapacityProvider, CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';
import { capacityProviderArn, type Scope } from '../arn.js';
import { ServiceError } from '../../kit/errors.js';

/** The capacity providers every account has: Berth-managed serverless capacity, as on AWS. */
export const BUILT_IN_CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;

export const isBuiltInCapacityProvider = (name: string): boolean =>
  (BUILT_IN_CAPACITY_PROVIDERS as readonly string[]).includes(name);

export function builtInCapacityProvider(scope: Scope, name: string): CapacityProvider {
  return { capacityProviderArn: capacityProviderArn(scope, name), name, status: 'ACTIVE', tags: [] };
}

/**
 * Checks a capacity provider strategy against the providers a cluster has: each provider known and
 * associated, weights 0–1000, base 0–100000 and on at most one item, and some weight above zero.
 */
export function validateStrategy(strategy: readonly CapacityProviderStrategyItem[], associated: readonly string[]): void {
  if (strategy.length === 0) return;
  if (strategy.length > 20) throw new ServiceError('InvalidParameterException', 'The capacity provider strategy can have at most 20 items.');
  const seen = new Set<string>();
  for (const item of strategy) {
    const name = item.capacityProvider!;
    if (!associated.includes(name)) {
      throw new ServiceError('InvalidParameterException',
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.');
    }
    if (seen.has(name)) throw new ServiceError('InvalidParameterException', `The capacity provider ${name} appears more than once in the strategy.`);
    seen.add(name);
    if (item.weight !== undefined && (!Number.isInteger(item.weight) || item.weight < 0 || item.weight > 1000)) {
      throw new ServiceError('InvalidParameterException', 'The capacity provider strategy weight must be between 0 and 1000.');
    }
    if (item.base !== undefined && (!Number.isInteger(item.base) || item.base < 0 || item.base > 100000)) {
      throw new ServiceError('InvalidParameterException', 'The capacity provider strategy base must be between 0 and 100000.');
    }
  }
  if (strategy.filter((i) => (i.base ?? 0) > 0).length > 1) {
    throw new ServiceError('InvalidParameterException', 'Only one capacity provider in a strategy can have a base defined.');
  }
  if (!strategy.some((i) => (i.weight ?? 0) > 0)) {
    throw new ServiceError('InvalidParameterException',
      'There are no capacity providers with a weight value greater than zero defined in the default capacity provider strategy. At least one capacity provider must have a weight value greater than zero specified. Update the cluster\'s default capacity provider strategy or specify a valid capacity provider strategy and try again.');
  }
}
