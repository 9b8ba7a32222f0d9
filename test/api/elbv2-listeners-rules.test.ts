import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsCommand, CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeleteRuleCommand,
  DescribeListenersCommand, DescribeRulesCommand, DescribeTagsCommand, type ElasticLoadBalancingV2Client, ModifyListenerCommand, ModifyRuleCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { elbv2Client } from '../support/elbv2-client.js';

describe('ELBv2 listeners and rules', () => {
  let berth: BerthProcess;
  let elb: ElasticLoadBalancingV2Client;
  let lbArn: string;
  let blue: string;
  let green: string;
  let listenerArn: string;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    elb = elbv2Client(berth);
    lbArn = (await elb.send(new CreateLoadBalancerCommand({ Name: 'alb' }))).LoadBalancers![0]!.LoadBalancerArn!;
    const group = async (Name: string, Protocol: 'HTTP' | 'TCP' = 'HTTP') =>
      (await elb.send(new CreateTargetGroupCommand({ Name, Protocol, Port: 80, VpcId: 'vpc-berth', TargetType: 'ip' }))).TargetGroups![0]!.TargetGroupArn!;
    blue = await group('blue');
    green = await group('green');
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('creates a listener whose forward action AWS fills in with a ForwardConfig', async () => {
    const { Listeners } = await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }], Tags: [{ Key: 'k', Value: 'v' }] }));
    const listener = Listeners![0]!;
    listenerArn = listener.ListenerArn!;
    assert.equal(listenerArn, `${lbArn.replace(':loadbalancer/', ':listener/')}/${listenerArn.split('/').at(-1)}`);
    assert.match(listenerArn, /:listener\/app\/alb\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    assert.deepEqual(listener.DefaultActions, [{ Type: 'forward', TargetGroupArn: blue, ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } }]);
    const again = await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] }));
    assert.equal(again.Listeners![0]!.ListenerArn, listenerArn);
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: green }] })),
      { name: 'DuplicateListenerException' });
    assert.deepEqual((await elb.send(new DescribeTagsCommand({ ResourceArns: [listenerArn] }))).TagDescriptions?.[0]?.Tags, [{ Key: 'k', Value: 'v' }]);
  });

  it('refuses listeners ELBv2 refuses', async () => {
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'TCP', Port: 81, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] })),
      { name: 'ValidationError', message: "Listener protocol 'TCP' must be one of 'HTTP, HTTPS'" });
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 82, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue.replace(/[0-9a-f]{16}$/, '0000000000000000') }] })),
      { name: 'TargetGroupNotFoundException' });
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn.replace(/[0-9a-f]{16}$/, '0000000000000000'), Protocol: 'HTTP', Port: 82, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }] })),
      { name: 'LoadBalancerNotFoundException' });
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 82, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '302' } }] })),
      { name: 'ValidationError' });
  });

  it('describes listeners by load balancer and by ARN, and modifies one', async () => {
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8080, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'none' } }] }));
    const { Listeners } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    assert.deepEqual(Listeners?.map((l) => [l.Port, l.Protocol, l.DefaultActions?.[0]?.Type]), [[80, 'HTTP', 'forward'], [8080, 'HTTP', 'fixed-response']]);
    const second = Listeners![1]!.ListenerArn!;
    const modified = await elb.send(new ModifyListenerCommand({ ListenerArn: second, Port: 8081, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '80', StatusCode: 'HTTP_301' } }] }));
    assert.equal(modified.Listeners![0]!.Port, 8081);
    assert.deepEqual(modified.Listeners![0]!.DefaultActions, [{ Type: 'redirect', RedirectConfig: { Protocol: '#{protocol}', Port: '80', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } }]);
    await assert.rejects(elb.send(new ModifyListenerCommand({ ListenerArn: second, Port: 80 })), { name: 'DuplicateListenerException' });
    await assert.rejects(elb.send(new DescribeListenersCommand({ ListenerArns: [`${second}0`] })), { name: 'ListenerNotFoundException' });
    await assert.rejects(elb.send(new DescribeListenersCommand({})), { name: 'ValidationError' });
    await elb.send(new DeleteListenerCommand({ ListenerArn: second }));
    assert.equal((await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners?.length, 1);
  });

  it('creates rules with every condition, in both forms, and weighted forwards', async () => {
    const { Rules } = await elb.send(new CreateRuleCommand({
      ListenerArn: listenerArn, Priority: 10,
      Conditions: [
        { Field: 'host-header', Values: ['api.example.com'] },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/v1/*'] } },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
        { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } },
      ],
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 90 }, { TargetGroupArn: green, Weight: 10 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } }],
      Tags: [{ Key: 'rule', Value: 'api' }],
    }));
    const rule = Rules![0]!;
    assert.match(rule.RuleArn!, /:listener-rule\/app\/alb\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    assert.equal(rule.Priority, '10');
    assert.equal(rule.IsDefault, false);
    assert.deepEqual(rule.Conditions, [
      { Field: 'host-header', Values: ['api.example.com'], HostHeaderConfig: { Values: ['api.example.com'] } },
      { Field: 'path-pattern', Values: ['/v1/*'], PathPatternConfig: { Values: ['/v1/*'] } },
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
      { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } },
    ]);
    assert.deepEqual(rule.Actions, [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 90 }, { TargetGroupArn: green, Weight: 10 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } }]);
    await elb.send(new CreateRuleCommand({
      ListenerArn: listenerArn, Priority: 20,
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['1'] } }, { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: green }],
    }));
    await assert.rejects(elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }], Actions: [{ Type: 'forward', TargetGroupArn: blue }] })),
      { name: 'PriorityInUseException', message: "Priority '10' is currently in use" });
    await assert.rejects(elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 50001, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }], Actions: [{ Type: 'forward', TargetGroupArn: blue }] })),
      { name: 'ValidationError' });
    await assert.rejects(elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 30, Conditions: [{ Field: 'cookie', Values: ['x'] }], Actions: [{ Type: 'forward', TargetGroupArn: blue }] })),
      { name: 'ValidationError' });
  });

  it('describes rules in evaluation order with the default rule last', async () => {
    const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    assert.deepEqual(Rules?.map((r) => [r.Priority, r.IsDefault]), [['10', false], ['20', false], ['default', true]]);
    const defaultRule = Rules![2]!;
    assert.deepEqual(defaultRule.Conditions, []);
    assert.equal(defaultRule.Actions?.[0]?.TargetGroupArn, blue);
    const paged = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2 }));
    const rest = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 2, Marker: paged.NextMarker }));
    assert.deepEqual([...paged.Rules!, ...rest.Rules!].map((r) => r.Priority), ['10', '20', 'default']);
    await assert.rejects(elb.send(new DeleteRuleCommand({ RuleArn: defaultRule.RuleArn })), { name: 'OperationNotPermittedException' });
  });

  it('modifies rules, reorders them with SetRulePriorities, tags and deletes them', async () => {
    const [r10, r20, def] = (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules!;
    const modified = await elb.send(new ModifyRuleCommand({ RuleArn: r10!.RuleArn, Conditions: [{ Field: 'path-pattern', Values: ['/v2/*'] }] }));
    assert.deepEqual(modified.Rules![0]!.Conditions?.[0]?.Values, ['/v2/*']);
    await elb.send(new ModifyRuleCommand({ RuleArn: def!.RuleArn, Actions: [{ Type: 'forward', TargetGroupArn: green }] }));
    const listener = (await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))).Listeners![0]!;
    assert.equal(listener.DefaultActions?.[0]?.TargetGroupArn, green);
    const swapped = await elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: r10!.RuleArn, Priority: 20 }, { RuleArn: r20!.RuleArn, Priority: 10 }] }));
    assert.deepEqual(swapped.Rules?.map((r) => [r.RuleArn, r.Priority]), [[r10!.RuleArn, '20'], [r20!.RuleArn, '10']]);
    await assert.rejects(elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: r10!.RuleArn, Priority: 10 }] })), { name: 'PriorityInUseException' });
    await elb.send(new AddTagsCommand({ ResourceArns: [r20!.RuleArn!], Tags: [{ Key: 'x', Value: 'y' }] }));
    await elb.send(new DeleteRuleCommand({ RuleArn: r20!.RuleArn }));
    await assert.rejects(elb.send(new DescribeRulesCommand({ RuleArns: [r20!.RuleArn!] })), { name: 'RuleNotFoundException' });
    await assert.rejects(elb.send(new DescribeTagsCommand({ ResourceArns: [r20!.RuleArn!] })), { name: 'RuleNotFoundException' });
  });

  it('keeps network load balancers to TCP-family listeners forwarding to matching target groups', async () => {
    const nlb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'nlb', Type: 'network' }))).LoadBalancers![0]!.LoadBalancerArn!;
    const tcp = (await elb.send(new CreateTargetGroupCommand({ Name: 'tcp', Protocol: 'TCP', Port: 5432, VpcId: 'vpc-berth' }))).TargetGroups![0]!.TargetGroupArn!;
    const { Listeners } = await elb.send(new CreateListenerCommand({ LoadBalancerArn: nlb, Protocol: 'TCP', Port: 5432, DefaultActions: [{ Type: 'forward', TargetGroupArn: tcp }] }));
    assert.match(Listeners![0]!.ListenerArn!, /:listener\/net\/nlb\//);
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: nlb, Protocol: 'TCP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] })),
      { name: 'IncompatibleProtocolsException' });
    await assert.rejects(elb.send(new CreateListenerCommand({ LoadBalancerArn: nlb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tcp }] })),
      { name: 'ValidationError' });
  });
});
