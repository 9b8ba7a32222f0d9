import type { Limit } from '@aws-sdk/client-elastic-load-balancing-v2';

/**
 * What DescribeAccountLimits answers for an account with AWS's default quotas, in the order the
 * AWS CLI's own example shows them (awscli/examples/elbv2/describe-account-limits.rst).
 */
const DEFAULT_LIMITS: readonly [string, number][] = [
  ['target-groups', 3000],
  ['targets-per-application-load-balancer', 1000],
  ['listeners-per-application-load-balancer', 50],
  ['rules-per-application-load-balancer', 100],
  ['network-load-balancers', 50],
  ['targets-per-network-load-balancer', 3000],
  ['targets-per-availability-zone-per-network-load-balancer', 500],
  ['listeners-per-network-load-balancer', 50],
  ['condition-values-per-alb-rule', 5],
  ['condition-wildcards-per-alb-rule', 5],
  ['target-groups-per-application-load-balancer', 100],
  ['target-groups-per-action-on-application-load-balancer', 5],
  ['target-groups-per-action-on-network-load-balancer', 1],
  ['certificates-per-application-load-balancer', 25],
  ['certificates-per-network-load-balancer', 25],
  ['targets-per-target-group', 1000],
  ['target-id-registrations-per-application-load-balancer', 1000],
  ['network-load-balancer-enis-per-vpc', 1200],
  ['application-load-balancers', 50],
  ['gateway-load-balancers', 100],
  ['gateway-load-balancers-per-vpc', 100],
  ['geneve-target-groups', 100],
  ['targets-per-availability-zone-per-gateway-load-balancer', 300],
];

/** Every limit, `Max` as a string, as the API shapes it. */
export const accountLimits = (): Limit[] => DEFAULT_LIMITS.map(([Name, max]) => ({ Name, Max: String(max) }));

/** One limit's value by name (for checks elsewhere that enforce the same quota). */
export function limitOf(name: string): number {
  const found = DEFAULT_LIMITS.find(([n]) => n === name);
  if (!found) throw new Error(`no ELBv2 limit named ${name}`);
  return found[1];
}
