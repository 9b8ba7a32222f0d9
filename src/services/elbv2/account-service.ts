import type {
  DescribeAccountLimitsInput, DescribeAccountLimitsOutput, DescribeSSLPoliciesInput, DescribeSSLPoliciesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { accountLimits } from '../../domain/elbv2/account-limits.js';
import { notInEnum, sslPolicyNotFound } from '../../domain/elbv2/errors.js';
import { pageOf } from '../../domain/elbv2/paging.js';
import { sslPolicies } from '../../domain/elbv2/ssl-policies.js';

const LOAD_BALANCER_TYPES = ['application', 'network', 'gateway'];

/** Pages a fixed list in its own order: the marker is the position of the last item returned. */
function pageInOrder<T>(items: readonly T[], marker: string | undefined, pageSize: number | undefined): { items: T[]; NextMarker?: string } {
  const keyed = items.map((item, i) => ({ key: String(i).padStart(4, '0'), item }));
  const page = pageOf(keyed, (k) => k.key, marker, pageSize);
  return { items: page.items.map((k) => k.item), ...(page.NextMarker ? { NextMarker: page.NextMarker } : {}) };
}

/** What holds for the whole account rather than one resource: its quotas and the security policies on offer. */
export class Elbv2AccountService {
  async describeAccountLimits(input: DescribeAccountLimitsInput): Promise<DescribeAccountLimitsOutput> {
    const page = pageInOrder(accountLimits(), input.Marker, input.PageSize);
    return { Limits: page.items, ...(page.NextMarker ? { NextMarker: page.NextMarker } : {}) };
  }

  /** Every policy, or the named ones (SSLPolicyNotFound if any is unknown), optionally for one load balancer type. */
  async describeSslPolicies(input: DescribeSSLPoliciesInput): Promise<DescribeSSLPoliciesOutput> {
    const type = input.LoadBalancerType;
    if (type !== undefined && !LOAD_BALANCER_TYPES.includes(type)) throw notInEnum(type, 'loadBalancerType', LOAD_BALANCER_TYPES);
    let policies = sslPolicies();
    if (input.Names?.length) {
      const names = new Set(input.Names);
      for (const name of names) if (!policies.some((p) => p.Name === name)) throw sslPolicyNotFound();
      policies = policies.filter((p) => names.has(p.Name!));
    }
    if (type !== undefined) policies = policies.filter((p) => p.SupportedLoadBalancerTypes!.includes(type));
    const page = pageInOrder(policies, input.Marker, input.PageSize);
    return { SslPolicies: page.items, ...(page.NextMarker ? { NextMarker: page.NextMarker } : {}) };
  }
}
