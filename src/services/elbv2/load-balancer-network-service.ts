import type {
  AvailabilityZone, SetIpAddressTypeInput, SetIpAddressTypeOutput, SetSecurityGroupsInput, SetSecurityGroupsOutput, SetSubnetsInput, SetSubnetsOutput,
  SubnetMapping,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import type { LoadBalancerType } from '../../domain/elbv2/arns.js';
import { invalidConfiguration, invalidSecurityGroup, notInEnum, subnetNotFound, validation } from '../../domain/elbv2/errors.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/records.js';
import { type Elbv2Deps, requireLoadBalancer } from './elbv2-context.js';

const IP_ADDRESS_TYPES = ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'];

/**
 * Where a load balancer sits: its subnets (SetSubnets), security groups (SetSecurityGroups) and
 * IP address type (SetIpAddressType). Berth has one network, so subnets and groups are recorded
 * and echoed as AWS shapes them, with AWS's rules on what may be set, not enforced on traffic.
 */
export class LoadBalancerNetworkService {
  constructor(private readonly deps: Elbv2Deps) {}

  async setSubnets(scope: Scope, input: SetSubnetsInput): Promise<SetSubnetsOutput> {
    if (input.Subnets?.length && input.SubnetMappings?.length) throw validation('You can specify subnets or subnet mappings, but not both');
    const mappings: SubnetMapping[] = input.SubnetMappings?.length ? input.SubnetMappings : (input.Subnets ?? []).map((SubnetId) => ({ SubnetId }));
    if (!mappings.length) throw validation('You must specify subnets or subnet mappings');
    const record = await this.#update(scope, input.LoadBalancerArn, (lb) => {
      if (input.IpAddressType !== undefined) lb.body.IpAddressType = checkIpAddressType(lb.type, input.IpAddressType);
      lb.body.AvailabilityZones = zonesFor(scope.region, lb, mappings);
    });
    const showIpType = record.type === 'network' || input.IpAddressType !== undefined;
    return { AvailabilityZones: record.body.AvailabilityZones, ...(showIpType ? { IpAddressType: record.body.IpAddressType as SetSubnetsOutput['IpAddressType'] } : {}) };
  }

  async setSecurityGroups(scope: Scope, input: SetSecurityGroupsInput): Promise<SetSecurityGroupsOutput> {
    const groups = [...new Set(input.SecurityGroups ?? [])];
    for (const id of groups) if (!/^sg-[0-9A-Za-z]+$/.test(id)) throw invalidSecurityGroup(id);
    const enforce = input.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic;
    if (enforce !== undefined && enforce !== 'on' && enforce !== 'off') throw notInEnum(enforce, 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic', ['on', 'off']);
    const record = await this.#update(scope, input.LoadBalancerArn, (lb) => {
      if (lb.type === 'network') {
        if (!lb.body.SecurityGroups?.length) {
          throw invalidConfiguration('You cannot set security groups on a Network Load Balancer which was created without any security groups');
        }
        if (!groups.length) throw invalidConfiguration('You cannot remove all security groups from a Network Load Balancer which was created with security groups');
        lb.body.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = enforce ?? lb.body.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic ?? 'on';
      } else {
        if (enforce !== undefined) throw invalidConfiguration('EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is supported only by Network Load Balancers');
        if (!groups.length) throw invalidConfiguration('An Application Load Balancer must have at least one security group');
      }
      lb.body.SecurityGroups = groups;
    });
    const enforced = record.body.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic;
    return { SecurityGroupIds: groups, ...(record.type === 'network' && enforced ? { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: enforced as 'on' | 'off' } : {}) };
  }

  async setIpAddressType(scope: Scope, input: SetIpAddressTypeInput): Promise<SetIpAddressTypeOutput> {
    if (input.IpAddressType === undefined) throw validation('An IP address type must be specified');
    const type = input.IpAddressType;
    if (!IP_ADDRESS_TYPES.includes(type)) throw notInEnum(type, 'ipAddressType', IP_ADDRESS_TYPES);
    const record = await this.#update(scope, input.LoadBalancerArn, (lb) => {
      lb.body.IpAddressType = checkIpAddressType(lb.type, type);
    });
    return { IpAddressType: record.body.IpAddressType as SetIpAddressTypeOutput['IpAddressType'] };
  }

  /** Reads, changes and writes one load balancer in a transaction, then tells the data plane. */
  async #update(scope: Scope, arn: string | undefined, change: (lb: LoadBalancerRecord) => void): Promise<LoadBalancerRecord> {
    const record = await this.deps.stores.transaction(async (tx) => {
      const lb = await requireLoadBalancer(tx, scope, arn ?? '');
      change(lb);
      await tx.elbLoadBalancers.update(lb);
      return lb;
    });
    this.deps.changes.emit();
    return record;
  }
}

function checkIpAddressType(lbType: LoadBalancerType, type: string): string {
  if (!IP_ADDRESS_TYPES.includes(type)) throw notInEnum(type, 'ipAddressType', IP_ADDRESS_TYPES);
  if (lbType === 'network' && type === 'dualstack-without-public-ipv4') {
    throw invalidConfiguration("IP address type 'dualstack-without-public-ipv4' is not supported by Network Load Balancers");
  }
  return type;
}

/**
 * The zones of a new subnet set. Berth puts each subnet in a zone of its own: a subnet already
 * enabled keeps its zone, a new one takes the first free letter. Application load balancers need
 * two zones; only network load balancers take addresses per subnet.
 */
function zonesFor(region: string, lb: LoadBalancerRecord, mappings: readonly SubnetMapping[]): AvailabilityZone[] {
  const ids = mappings.map((m) => m.SubnetId ?? '');
  if (ids.some((id) => !id)) throw validation('A subnet ID must be specified for every subnet mapping');
  for (const id of ids) if (!/^subnet-[0-9A-Za-z-]+$/.test(id)) throw subnetNotFound(id);
  if (new Set(ids).size !== ids.length) throw invalidConfiguration('You cannot specify more than one subnet per Availability Zone');
  if (lb.type === 'application' && ids.length < 2) throw invalidConfiguration('At least two subnets in two different Availability Zones must be specified');
  const current = new Map(lb.body.AvailabilityZones.map((z) => [z.SubnetId, z.ZoneName]));
  const taken = new Set(ids.map((id) => current.get(id)).filter((z) => z !== undefined));
  const freeZone = () => {
    for (let i = 0; ; i++) {
      const zone = `${region}${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`;
      if (!taken.has(zone)) return taken.add(zone), zone;
    }
  };
  return mappings.map((m) => {
    if (lb.type === 'application' && m.AllocationId) throw invalidConfiguration('You cannot specify Elastic IP addresses for Application Load Balancers');
    const address = lb.type === 'network' && (m.AllocationId || m.PrivateIPv4Address || m.IPv6Address)
      ? [{ ...(m.AllocationId ? { AllocationId: m.AllocationId } : {}), ...(m.PrivateIPv4Address ? { PrivateIPv4Address: m.PrivateIPv4Address } : {}), ...(m.IPv6Address ? { IPv6Address: m.IPv6Address } : {}) }]
      : [];
    return { ZoneName: current.get(m.SubnetId!) ?? freeZone(), SubnetId: m.SubnetId!, LoadBalancerAddresses: address };
  });
}
