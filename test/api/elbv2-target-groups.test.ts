import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeleteTargetGroupCommand, DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand, type ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand, ModifyTargetGroupCommand, RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/elbv2-client.js';

describe('ELBv2 target groups and targets', () => {
  let berth: BerthProcess;
  let elb: ElasticLoadBalancingV2Client;
  const createGroup = async (Name: string, extra: Partial<ConstructorParameters<typeof CreateTargetGroupCommand>[0]> = {}) =>
    (await elb.send(new CreateTargetGroupCommand({ Name, Protocol: 'HTTP', Port: 80, VpcId: 'vpc-berth', ...extra }))).TargetGroups![0]!;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    elb = elbv2Client(berth);
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('creates an HTTP target group with the ALB health check defaults', async () => {
    const tg = await createGroup('web-tg', { Tags: [{ Key: 'app', Value: 'web' }] });
    assert.match(tg.TargetGroupArn!, /^arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup\/web-tg\/[0-9a-f]{16}$/);
    assert.deepEqual({ ...tg, TargetGroupArn: undefined }, {
      TargetGroupArn: undefined, TargetGroupName: 'web-tg', Protocol: 'HTTP', ProtocolVersion: 'HTTP1', Port: 80, VpcId: 'vpc-berth',
      HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckEnabled: true, HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, HealthCheckPath: '/', Matcher: { HttpCode: '200' }, LoadBalancerArns: [], TargetType: 'instance', IpAddressType: 'ipv4',
    });
  });

  it('creates a TCP target group with the NLB defaults, and a lambda one', async () => {
    const tcp = await createGroup('tcp-tg', { Protocol: 'TCP', Port: 5432, TargetType: 'ip' });
    assert.equal(tcp.HealthCheckProtocol, 'TCP');
    assert.equal(tcp.HealthCheckIntervalSeconds, 30);
    assert.equal(tcp.HealthCheckTimeoutSeconds, 10);
    assert.equal(tcp.HealthyThresholdCount, 5);
    assert.equal(tcp.UnhealthyThresholdCount, 2);
    assert.equal(tcp.HealthCheckPath, undefined);
    assert.equal(tcp.Matcher, undefined);
    const lambda = (await elb.send(new CreateTargetGroupCommand({ Name: 'fn-tg', TargetType: 'lambda' }))).TargetGroups![0]!;
    assert.equal(lambda.HealthCheckEnabled, false);
    assert.equal(lambda.Protocol, undefined);
  });

  it('refuses bad names, missing members and duplicates', async () => {
    await assert.rejects(elb.send(new CreateTargetGroupCommand({ Name: 'bad_name', Protocol: 'HTTP', Port: 80, VpcId: 'v' })),
      { name: 'ValidationError', message: "Target group name 'bad_name' can only contain characters that are alphanumeric characters or hyphens(-)" });
    await assert.rejects(elb.send(new CreateTargetGroupCommand({ Name: 'np', Protocol: 'HTTP', VpcId: 'v' })), { name: 'ValidationError', message: 'A port must be specified' });
    await assert.rejects(elb.send(new CreateTargetGroupCommand({ Name: 'np', Protocol: 'HTTP', Port: 80, VpcId: 'v', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 5 })),
      { name: 'ValidationError', message: "Health check timeout '5' must be smaller than the interval '5'" });
    assert.equal((await createGroup('web-tg')).TargetGroupName, 'web-tg');
    await assert.rejects(createGroup('web-tg', { Port: 8080 }), { name: 'DuplicateTargetGroupNameException' });
  });

  it('describes by names and ARNs; unknown ones are TargetGroupNotFound', async () => {
    const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({ Names: ['web-tg', 'tcp-tg'] }));
    assert.deepEqual(TargetGroups?.map((t) => t.TargetGroupName), ['tcp-tg', 'web-tg']);
    await assert.rejects(elb.send(new DescribeTargetGroupsCommand({ Names: ['missing'] })), { name: 'TargetGroupNotFoundException', message: 'One or more target groups not found' });
    const all = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 2 }));
    assert.equal(all.TargetGroups?.length, 2);
    const rest = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: all.NextMarker }));
    assert.deepEqual(rest.TargetGroups?.map((t) => t.TargetGroupName), ['web-tg']);
  });

  it('modifies health check settings and attributes (AWS defaults first)', async () => {
    const tg = await createGroup('mod-tg');
    const modified = (await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, Matcher: { HttpCode: '200-299' } }))).TargetGroups![0]!;
    assert.equal(modified.HealthCheckPath, '/health');
    assert.equal(modified.HealthCheckIntervalSeconds, 10);
    assert.deepEqual(modified.Matcher, { HttpCode: '200-299' });
    const attrs = async () => Object.fromEntries((await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn }))).Attributes!.map((a) => [a.Key, a.Value]));
    const defaults = await attrs();
    assert.equal(defaults['deregistration_delay.timeout_seconds'], '300');
    assert.equal(defaults['slow_start.duration_seconds'], '0');
    assert.equal(defaults['stickiness.enabled'], 'false');
    assert.equal(defaults['stickiness.type'], 'lb_cookie');
    assert.equal(defaults['stickiness.lb_cookie.duration_seconds'], '86400');
    assert.equal(defaults['load_balancing.algorithm.type'], 'round_robin');
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }, { Key: 'stickiness.enabled', Value: 'true' }] }));
    assert.equal((await attrs())['deregistration_delay.timeout_seconds'], '5');
    await assert.rejects(elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '4000' }] })), { name: 'ValidationError' });
  });

  it('registers targets: unused while no listener forwards, initial once one does, draining on deregistration', async () => {
    const tg = await createGroup('ip-tg', { TargetType: 'ip', Port: 8080 });
    const arn = tg.TargetGroupArn!;
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '127.0.0.1', Port: 49153 }, { Id: '127.0.0.2' }] }));
    const health = async () => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions!;
    const unused = await health();
    assert.deepEqual(unused.map((d) => [d.Target?.Id, d.Target?.Port, d.HealthCheckPort, d.TargetHealth]), [
      ['127.0.0.1', 49153, '49153', { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' }],
      ['127.0.0.2', 8080, '8080', { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' }],
    ]);
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'tg-lb' }))).LoadBalancers![0]!;
    const listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 8000, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }] }))).Listeners![0]!;
    // Registration, then the first health checks: the data plane may already have moved on to the second.
    const initial = (await health())[0]?.TargetHealth;
    assert.ok([
      { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
      { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' },
    ].some((expected) => JSON.stringify(expected) === JSON.stringify(initial)), JSON.stringify(initial));
    const described = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    assert.deepEqual(described.TargetGroups?.map((t) => [t.TargetGroupName, t.LoadBalancerArns]), [['ip-tg', [lb.LoadBalancerArn]]]);

    await assert.rejects(elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })),
      { name: 'ResourceInUseException', message: `Target group '${arn}' is currently in use by a listener or a rule` });
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '127.0.0.2' }] }));
    const after = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn, Targets: [{ Id: '127.0.0.2' }, { Id: '10.9.9.9', Port: 80 }] }));
    assert.deepEqual(after.TargetHealthDescriptions?.map((d) => d.TargetHealth), [
      { State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' },
      { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' },
    ]);
    await assert.rejects(elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.9.9.9', Port: 80 }] })), { name: 'InvalidTargetException' });
    await assert.rejects(elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: 'not-an-ip' }] })), { name: 'InvalidTargetException' });
    await assert.rejects(elb.send(new RegisterTargetsCommand({ TargetGroupArn: (await createGroup('inst-tg')).TargetGroupArn, Targets: [{ Id: '10.0.0.1' }] })), { name: 'InvalidTargetException' });

    await elb.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    await assert.rejects(elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })), { name: 'TargetGroupNotFoundException' });
  });
});
