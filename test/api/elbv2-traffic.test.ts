import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeregisterTargetsCommand,
  DescribeLoadBalancersCommand, DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client, RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/elbv2-client.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';

/** Traffic through an application load balancer that ELBv2 API calls configured, on a real bin/berth. */
describe('ALB traffic configured through the ELBv2 API', { timeout: 120_000 }, () => {
  let berth: BerthProcess;
  let elb: ElasticLoadBalancingV2Client;
  let backend: Server;
  let backendPort: number;
  let listenerPort: number;
  let targetGroupArn: string;
  let healthy = true;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    elb = elbv2Client(berth);
    backend = createServer((req, res) => {
      if (req.url === '/health') res.statusCode = healthy ? 200 : 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, forwardedFor: req.headers['x-forwarded-for'], forwardedPort: req.headers['x-forwarded-port'] }));
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backendPort = (backend.address() as AddressInfo).port;
    listenerPort = await freePort();
  });
  after(async () => {
    backend.closeAllConnections();
    backend.close();
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('serves a listener created over the API, and health checks make the target healthy', async () => {
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: ['subnet-a'] }));
    const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({
      Name: 'web', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-berth', TargetType: 'ip',
      HealthCheckPath: '/health', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2,
    }));
    targetGroupArn = TargetGroups![0]!.TargetGroupArn!;
    await elb.send(new CreateListenerCommand({
      LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!, Protocol: 'HTTP', Port: listenerPort,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }));
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: '127.0.0.1', Port: backendPort }] }));

    const body = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${listenerPort}/hello?x=1`);
      assert.equal(res.status, 200, `listener answered ${res.status}`);
      return res.json() as Promise<{ url: string; forwardedFor: string; forwardedPort: string }>;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    assert.deepEqual(body, { url: '/hello?x=1', forwardedFor: '127.0.0.1', forwardedPort: String(listenerPort) });

    await eventually(async () => {
      const { TargetHealthDescriptions } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      assert.equal(TargetHealthDescriptions?.[0]?.TargetHealth?.State, 'healthy', 'the new target passes its first check');
    }, { timeoutMs: 30_000, intervalMs: 500 });
  });

  it('records a failing target unhealthy with the code it answered', async () => {
    healthy = false;
    await eventually(async () => {
      const { TargetHealthDescriptions } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      const health = TargetHealthDescriptions?.[0]?.TargetHealth;
      assert.deepEqual([health?.State, health?.Reason, health?.Description], ['unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]'], 'two failed checks');
    }, { timeoutMs: 30_000, intervalMs: 500 });
    // Every target unhealthy: the load balancer fails open and still forwards.
    assert.equal((await fetch(`http://127.0.0.1:${listenerPort}/`)).status, 200);
    healthy = true;
  });

  it('answers 503 once the group has no targets', async () => {
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: '127.0.0.1', Port: backendPort }] }));
    await eventually(async () => {
      assert.equal((await fetch(`http://127.0.0.1:${listenerPort}/`)).status, 503, 'no registered target left');
    }, { timeoutMs: 20_000, intervalMs: 200 });
  });

  it('shows a load balancer whose listener cannot bind its port as active_impaired, and active again once it can', async () => {
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'clash', Subnets: ['subnet-a'] }));
    const lbArn = LoadBalancers![0]!.LoadBalancerArn!;
    // The backend already holds this port.
    const { Listeners } = await elb.send(new CreateListenerCommand({
      LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: backendPort, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
    }));
    const state = async () => (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] }))).LoadBalancers![0]!.State;
    await eventually(async () => {
      const s = await state();
      assert.equal(s?.Code, 'active_impaired', 'the port is taken');
      assert.match(s?.Reason ?? '', /EADDRINUSE/);
    }, { timeoutMs: 10_000, intervalMs: 200 });
    await elb.send(new DeleteListenerCommand({ ListenerArn: Listeners![0]!.ListenerArn! }));
    await eventually(async () => assert.deepEqual(await state(), { Code: 'active' }, 'no listener left that cannot serve'), { timeoutMs: 10_000, intervalMs: 200 });
  });
});

