import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateLoadBalancerCommand, DescribeCapacityReservationCommand, DescribeLoadBalancersCommand, type ElasticLoadBalancingV2Client,
  ModifyCapacityReservationCommand, SetIpAddressTypeCommand, SetSecurityGroupsCommand, SetSubnetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/elbv2-client.js';

describe('ELBv2 load balancer subnets, security groups, IP address type and capacity', () => {
  let berth: BerthProcess;
  let elb: ElasticLoadBalancingV2Client;
  let alb: string;
  let nlb: string;
  let missing: string;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    elb = elbv2Client(berth);
    alb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: ['subnet-a', 'subnet-b'], SecurityGroups: ['sg-1'] }))).LoadBalancers![0]!.LoadBalancerArn!;
    nlb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'tcp', Type: 'network', Subnets: ['subnet-a'] }))).LoadBalancers![0]!.LoadBalancerArn!;
    missing = alb.replace(/[0-9a-f]{16}$/, '0000000000000000');
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  const describeOne = async (arn: string) => (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers![0]!;
  const zones = (list: { ZoneName?: string; SubnetId?: string }[] | undefined) => list?.map((z) => [z.ZoneName, z.SubnetId]);

  it('replaces the subnets of an application load balancer, a kept subnet keeping its zone', async () => {
    const out = await elb.send(new SetSubnetsCommand({ LoadBalancerArn: alb, Subnets: ['subnet-b', 'subnet-c'] }));
    assert.deepEqual(zones(out.AvailabilityZones), [['us-east-1b', 'subnet-b'], ['us-east-1a', 'subnet-c']]);
    assert.equal(out.IpAddressType, undefined);
    assert.deepEqual(zones((await describeOne(alb)).AvailabilityZones), [['us-east-1b', 'subnet-b'], ['us-east-1a', 'subnet-c']]);
  });

  it('refuses subnet sets AWS refuses', async () => {
    await assert.rejects(elb.send(new SetSubnetsCommand({ LoadBalancerArn: alb, Subnets: ['subnet-b'] })),
      { name: 'InvalidConfigurationRequestException', message: 'At least two subnets in two different Availability Zones must be specified' });
    await assert.rejects(elb.send(new SetSubnetsCommand({ LoadBalancerArn: alb, Subnets: ['subnet-b', 'subnet-b'] })), { name: 'InvalidConfigurationRequestException' });
    await assert.rejects(elb.send(new SetSubnetsCommand({ LoadBalancerArn: alb, Subnets: ['subnet-b', 'bogus'] })), { name: 'SubnetNotFoundException' });
    await assert.rejects(elb.send(new SetSubnetsCommand({ LoadBalancerArn: alb, Subnets: ['subnet-b', 'subnet-c'], SubnetMappings: [{ SubnetId: 'subnet-d' }] })),
      { name: 'ValidationError', message: 'You can specify subnets or subnet mappings, but not both' });
    await assert.rejects(elb.send(new SetSubnetsCommand({ LoadBalancerArn: alb, SubnetMappings: [{ SubnetId: 'subnet-d', AllocationId: 'eipalloc-1' }, { SubnetId: 'subnet-e' }] })),
      { name: 'InvalidConfigurationRequestException' });
    await assert.rejects(elb.send(new SetSubnetsCommand({ LoadBalancerArn: missing, Subnets: ['subnet-b', 'subnet-c'] })), { name: 'LoadBalancerNotFoundException' });
    assert.deepEqual(zones((await describeOne(alb)).AvailabilityZones), [['us-east-1b', 'subnet-b'], ['us-east-1a', 'subnet-c']]);
  });

  it('gives a network load balancer one subnet with an Elastic IP, and echoes its IP address type', async () => {
    const out = await elb.send(new SetSubnetsCommand({ LoadBalancerArn: nlb, SubnetMappings: [{ SubnetId: 'subnet-z', AllocationId: 'eipalloc-1' }] }));
    assert.deepEqual(out.AvailabilityZones, [{ ZoneName: 'us-east-1a', SubnetId: 'subnet-z', LoadBalancerAddresses: [{ AllocationId: 'eipalloc-1' }] }]);
    assert.equal(out.IpAddressType, 'ipv4');
  });

  it('sets security groups, with the PrivateLink enforcement only on network load balancers', async () => {
    const out = await elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: alb, SecurityGroups: ['sg-2', 'sg-3'] }));
    assert.deepEqual(out, { $metadata: out.$metadata, SecurityGroupIds: ['sg-2', 'sg-3'] });
    assert.deepEqual((await describeOne(alb)).SecurityGroups, ['sg-2', 'sg-3']);
    await assert.rejects(elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: alb, SecurityGroups: ['bogus'] })),
      { name: 'InvalidSecurityGroupException', message: "Security group 'bogus' does not exist" });
    await assert.rejects(elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: alb, SecurityGroups: [] })), { name: 'InvalidConfigurationRequestException' });
    await assert.rejects(elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: alb, SecurityGroups: ['sg-2'], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' })),
      { name: 'InvalidConfigurationRequestException' });
    // A network load balancer created without security groups can never get any.
    await assert.rejects(elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: nlb, SecurityGroups: ['sg-2'] })), { name: 'InvalidConfigurationRequestException' });
    const guarded = (await elb.send(new CreateLoadBalancerCommand({ Name: 'guarded', Type: 'network', SecurityGroups: ['sg-1'] }))).LoadBalancers![0]!;
    assert.equal(guarded.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, 'on');
    const set = await elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: guarded.LoadBalancerArn, SecurityGroups: ['sg-9'], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' }));
    assert.deepEqual([set.SecurityGroupIds, set.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic], [['sg-9'], 'off']);
    const described = await describeOne(guarded.LoadBalancerArn!);
    assert.deepEqual([described.SecurityGroups, described.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic], [['sg-9'], 'off']);
    await assert.rejects(elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: guarded.LoadBalancerArn, SecurityGroups: [] })), { name: 'InvalidConfigurationRequestException' });
    await assert.rejects(elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: missing, SecurityGroups: ['sg-1'] })), { name: 'LoadBalancerNotFoundException' });
  });

  it('sets the IP address type within what each load balancer type accepts', async () => {
    assert.equal((await elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: alb, IpAddressType: 'dualstack' }))).IpAddressType, 'dualstack');
    assert.equal((await describeOne(alb)).IpAddressType, 'dualstack');
    assert.equal((await elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: alb, IpAddressType: 'dualstack-without-public-ipv4' }))).IpAddressType, 'dualstack-without-public-ipv4');
    await assert.rejects(elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: alb, IpAddressType: 'ipv6' as 'ipv4' })), {
      name: 'ValidationError',
      message: "1 validation error detected: Value 'ipv6' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack, dualstack-without-public-ipv4]",
    });
    await assert.rejects(elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: nlb, IpAddressType: 'dualstack-without-public-ipv4' })), { name: 'InvalidConfigurationRequestException' });
    assert.equal((await elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: nlb, IpAddressType: 'dualstack' }))).IpAddressType, 'dualstack');
    await assert.rejects(elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: missing, IpAddressType: 'ipv4' })), { name: 'LoadBalancerNotFoundException' });
  });

  it('describes no capacity reservation and refuses to make one', async () => {
    const out = await elb.send(new DescribeCapacityReservationCommand({ LoadBalancerArn: alb }));
    assert.deepEqual(out.CapacityReservationState ?? [], []);
    await assert.rejects(elb.send(new ModifyCapacityReservationCommand({ LoadBalancerArn: alb, MinimumLoadBalancerCapacity: { CapacityUnits: 100 } })),
      { name: 'OperationNotPermittedException' });
    await assert.rejects(elb.send(new DescribeCapacityReservationCommand({ LoadBalancerArn: missing })), { name: 'LoadBalancerNotFoundException' });
  });
});
