import type { Listener, LoadBalancer, Rule, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from './records.js';

/** The shapes ELBv2 returns, from what Berth keeps. */
export function presentLoadBalancer(r: LoadBalancerRecord): LoadBalancer {
  const b = r.body;
  return {
    LoadBalancerArn: r.arn,
    DNSName: b.DNSName,
    CanonicalHostedZoneId: b.CanonicalHostedZoneId,
    CreatedTime: new Date(r.createdAt),
    LoadBalancerName: r.name,
    Scheme: b.Scheme,
    VpcId: b.VpcId,
    State: b.State,
    Type: r.type,
    AvailabilityZones: b.AvailabilityZones,
    ...(b.SecurityGroups ? { SecurityGroups: b.SecurityGroups } : {}),
    IpAddressType: b.IpAddressType as LoadBalancer['IpAddressType'],
    ...(b.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic
      ? { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: b.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic } : {}),
  };
}

export function presentTargetGroup(r: TargetGroupRecord, loadBalancerArns: string[]): TargetGroup {
  const { attributes: _attributes, ...body } = r.body;
  return { TargetGroupArn: r.arn, TargetGroupName: r.name, ...body, LoadBalancerArns: loadBalancerArns };
}

export function presentListener(r: ListenerRecord): Listener {
  const { attributes: _attributes, certificateList: _certificates, ...body } = r.body;
  return { ListenerArn: r.arn, LoadBalancerArn: r.loadBalancerArn, Port: r.port, ...body };
}

/** A rule as DescribeRules shows it; the default rule's actions are its listener's default actions. */
export function presentRule(r: RuleRecord, listener: ListenerRecord): Rule {
  if (r.priority === null) return { RuleArn: r.arn, Priority: 'default', Conditions: [], Actions: listener.body.DefaultActions, IsDefault: true };
  return { RuleArn: r.arn, Priority: String(r.priority), Conditions: r.body.Conditions, Actions: r.body.Actions, IsDefault: false };
}
