import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeAccountLimitsCommand, DescribeSSLPoliciesCommand, DescribeTrustStoresCommand, type ElasticLoadBalancingV2Client, type Limit,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/elbv2-client.js';

describe('ELBv2 account limits, SSL policies and unknown operations', () => {
  let berth: BerthProcess;
  let elb: ElasticLoadBalancingV2Client;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    elb = elbv2Client(berth);
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it("describes AWS's default quotas, page by page", async () => {
    const { Limits, NextMarker } = await elb.send(new DescribeAccountLimitsCommand({}));
    assert.equal(NextMarker, undefined);
    const max = Object.fromEntries(Limits!.map((l) => [l.Name, l.Max]));
    assert.deepEqual(max, {
      ...max,
      'application-load-balancers': '50', 'target-groups': '3000', 'targets-per-application-load-balancer': '1000', 'listeners-per-application-load-balancer': '50',
      'rules-per-application-load-balancer': '100', 'network-load-balancers': '50', 'listeners-per-network-load-balancer': '50', 'targets-per-network-load-balancer': '3000',
      'target-groups-per-application-load-balancer': '100', 'certificates-per-application-load-balancer': '25', 'condition-values-per-alb-rule': '5',
      'condition-wildcards-per-alb-rule': '5', 'target-groups-per-action-on-application-load-balancer': '5', 'target-groups-per-action-on-network-load-balancer': '1',
      'target-id-registrations-per-application-load-balancer': '1000', 'targets-per-availability-zone-per-network-load-balancer': '500',
    });
    assert.equal(Limits!.length, 23);
    assert.equal(Limits![0]!.Name, 'target-groups');
    const paged: Limit[] = [];
    let marker: string | undefined;
    do {
      const page = await elb.send(new DescribeAccountLimitsCommand({ PageSize: 5, Marker: marker }));
      assert.ok(page.Limits!.length <= 5);
      paged.push(...page.Limits!);
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(paged, Limits);
    await assert.rejects(elb.send(new DescribeAccountLimitsCommand({ PageSize: 0 })), { name: 'ValidationError' });
  });

  it('describes the predefined security policies with their protocols and ciphers', async () => {
    const { SslPolicies } = await elb.send(new DescribeSSLPoliciesCommand({}));
    const names = SslPolicies!.map((p) => p.Name);
    assert.ok(names.includes('ELBSecurityPolicy-2016-08') && names.includes('ELBSecurityPolicy-TLS13-1-2-2021-06'));
    const [legacy] = (await elb.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-2016-08'] }))).SslPolicies!;
    assert.deepEqual(legacy!.SslProtocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
    assert.equal(legacy!.Ciphers!.length, 18);
    assert.deepEqual(legacy!.Ciphers![0], { Name: 'ECDHE-ECDSA-AES128-GCM-SHA256', Priority: 1 });
    assert.deepEqual(legacy!.Ciphers![17], { Name: 'AES256-SHA', Priority: 18 });
    assert.deepEqual(legacy!.SupportedLoadBalancerTypes, ['application', 'network']);
    const { SslPolicies: modern } = await elb.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-TLS13-1-2-2021-06'] }));
    assert.equal(modern!.length, 1);
    assert.deepEqual(modern![0]!.SslProtocols, ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(modern![0]!.Ciphers!.map((c) => c.Name), [
      'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-RSA-AES256-SHA384',
    ]);
  });

  it('filters policies by load balancer type and pages them', async () => {
    assert.deepEqual((await elb.send(new DescribeSSLPoliciesCommand({ LoadBalancerType: 'gateway' }))).SslPolicies ?? [], []);
    const all = (await elb.send(new DescribeSSLPoliciesCommand({ LoadBalancerType: 'network' }))).SslPolicies!;
    const first = await elb.send(new DescribeSSLPoliciesCommand({ PageSize: 2 }));
    assert.deepEqual(first.SslPolicies!.map((p) => p.Name), all.slice(0, 2).map((p) => p.Name));
    const second = await elb.send(new DescribeSSLPoliciesCommand({ PageSize: 2, Marker: first.NextMarker }));
    assert.deepEqual(second.SslPolicies!.map((p) => p.Name), all.slice(2, 4).map((p) => p.Name));
  });

  it('refuses unknown policies and load balancer types', async () => {
    await assert.rejects(elb.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-Nope'] })), { name: 'SSLPolicyNotFoundException' });
    await assert.rejects(elb.send(new DescribeSSLPoliciesCommand({ LoadBalancerType: 'classic' as 'application' })), {
      name: 'ValidationError',
      message: "1 validation error detected: Value 'classic' at 'loadBalancerType' failed to satisfy constraint: Member must satisfy enum value set: [application, network, gateway]",
    });
  });

  it('answers an operation Berth does not implement with InvalidAction', async () => {
    await assert.rejects(elb.send(new DescribeTrustStoresCommand({})), { name: 'InvalidAction' });
  });
});
