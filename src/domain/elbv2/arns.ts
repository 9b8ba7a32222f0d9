import type { Scope } from '../arn.js';

/**
 * ELBv2 ARNs as AWS writes them. A listener's ARN extends its load balancer's, and a rule's its
 * listener's, so each resource's parents can be read off its ARN:
 *   loadbalancer/app/<name>/<id>, listener/app/<lb>/<lbid>/<id>, listener-rule/app/<lb>/<lbid>/<lid>/<id>,
 *   targetgroup/<name>/<id>  (`net/` instead of `app/` for network load balancers).
 */
export type LoadBalancerType = 'application' | 'network';

const PREFIX = 'arn:aws:elasticloadbalancing';
const kindOf = (type: LoadBalancerType) => (type === 'network' ? 'net' : 'app');

export const loadBalancerArn = (scope: Scope, type: LoadBalancerType, name: string, id: string) =>
  `${PREFIX}:${scope.region}:${scope.accountId}:loadbalancer/${kindOf(type)}/${name}/${id}`;

export const targetGroupArn = (scope: Scope, name: string, id: string) =>
  `${PREFIX}:${scope.region}:${scope.accountId}:targetgroup/${name}/${id}`;

export const listenerArn = (loadBalancer: string, id: string) => `${loadBalancer.replace(':loadbalancer/', ':listener/')}/${id}`;

export const ruleArn = (listener: string, id: string) => `${listener.replace(':listener/', ':listener-rule/')}/${id}`;

/** The load balancer's 16-hex id, the last part of its ARN. */
export const idOfArn = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** Which ELBv2 resource an ARN names, if it is one of this scope's; undefined otherwise. */
export function elbResourceType(scope: Scope, arn: string): 'loadbalancer' | 'targetgroup' | 'listener' | 'listener-rule' | undefined {
  const m = /^arn:aws:elasticloadbalancing:([^:]+):(\d{12}):(loadbalancer|targetgroup|listener|listener-rule)\/.+$/.exec(arn);
  if (!m || m[1] !== scope.region || m[2] !== scope.accountId) return undefined;
  return m[3] as 'loadbalancer' | 'targetgroup' | 'listener' | 'listener-rule';
}

/**
 * `<name>-<id>.elb.localhost`: *.localhost resolves to the loopback (RFC 6761), where the data
 * plane binds listeners, so the DNS name a client reads reaches the load balancer.
 */
export const dnsNameOf = (name: string, id: string, scheme: string) =>
  `${scheme === 'internal' ? 'internal-' : ''}${name}-${id}.elb.localhost`;

/** The Route 53 zones AWS uses for us-east-1 load balancers; any fixed value serves alias clients here. */
export const canonicalHostedZoneId = (type: LoadBalancerType) => (type === 'network' ? 'Z26RNL4JYFTOTI' : 'Z35SXDOTRQ7X7K');

/** Berth has one network per region; subnets and VPCs are echoed, not enforced. */
export const DEFAULT_VPC_ID = 'vpc-berth';
export const DEFAULT_SUBNET_ID = 'subnet-berth';
