import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DYNAMIC_PORT_RANGE, MAX_RESERVED_PORTS } from './host-ports.js';
import { countsOf, instance, plan, placedOn, reasonsOf } from './placement-fixtures.js';

// State in, plan out: each case builds a snapshot, runs computePlacements once and reads the plan.

describe('evaluation order and eligibility', () => {
  it('never places on DRAINING or INACTIVE instances and does not list them as failures', () => {
    const result = plan([instance('a', { status: 'DRAINING' }), instance('b', { status: 'INACTIVE' })], { count: 2 });
    assert.deepEqual(result, { placements: [], failures: [] });
  });

  it('reports each ACTIVE instance with the first reason it was turned down, in ECS order', () => {
    const result = plan([
      instance('agent', { agentConnected: false, cpu: 0 }),
      instance('attribute', { cpu: 0 }),
      instance('cpu', { cpu: 128, memory: 0, attributes: { 'ecs.capability.task-eni': undefined } }),
      instance('memory', { memory: 256, ports: [80], attributes: { 'ecs.capability.task-eni': undefined } }),
      instance('ports', { ports: [80], instanceType: 'm5.large', attributes: { 'ecs.capability.task-eni': undefined } }),
      instance('member', { instanceType: 'm5.large', attributes: { 'ecs.capability.task-eni': undefined } }),
      instance('distinct', { taskGroups: ['service:web'], attributes: { 'ecs.capability.task-eni': undefined } }),
      instance('draining', { status: 'DRAINING' }),
    ], {
      demand: { requiresAttributes: ['ecs.capability.task-eni'], portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }] },
      constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }, { type: 'distinctInstance' }],
    });
    assert.deepEqual(result.placements, []);
    assert.deepEqual(reasonsOf(result), {
      agent: 'AGENT',
      attribute: 'ATTRIBUTE',
      cpu: 'RESOURCE:CPU',
      memory: 'RESOURCE:MEMORY',
      ports: 'RESOURCE:PORTS',
      member: 'MemberOf placement constraint unsatisfied.',
      distinct: 'DistinctInstance placement constraint unsatisfied.',
    });
  });

  it('an empty cluster gives no placements and no failures (the service layer names that case)', () => {
    assert.deepEqual(plan([], { count: 1 }), { placements: [], failures: [] });
  });

  it('count 0 places nothing but still validates the request', () => {
    assert.deepEqual(plan([instance('a')], { count: 0 }), { placements: [], failures: [] });
    assert.throws(() => plan([instance('a')], { count: 0, strategy: [{ type: 'binpack', field: 'disk' }] }), { code: 'InvalidParameterException' });
  });
});

describe('resource accounting across the tasks of one call', () => {
  it('takes each task out of the snapshot before placing the next: 1,024 MiB fits two 512 MiB tasks', () => {
    const result = plan([instance('a', { memory: 1024 })], { count: 3 });
    assert.deepEqual(placedOn(result), ['a', 'a']);
    assert.deepEqual(reasonsOf(result), { a: 'RESOURCE:MEMORY' });
  });

  it('CPU runs out the same way: 1,000 units fit three 256-unit tasks', () => {
    const result = plan([instance('a', { cpu: 1000 })], { count: 5 });
    assert.deepEqual(placedOn(result), ['a', 'a', 'a']);
    assert.deepEqual(reasonsOf(result), { a: 'RESOURCE:CPU' });
  });

  it('leaves the snapshot untouched', () => {
    const a = instance('a', { ports: [22] });
    plan([a], { count: 2, demand: { portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }, { containerPort: 9, protocol: 'tcp' }] } });
    assert.deepEqual([...a.remaining.ports], [22]);
    assert.equal(a.remaining.memory, 8192);
    assert.deepEqual(a.taskGroups, []);
  });
});

describe('strategy binpack', () => {
  it('memory: the instance with the least memory left that still fits, until it is full', () => {
    const result = plan([instance('a', { memory: 4096 }), instance('b', { memory: 1024 }), instance('c', { memory: 2048 })],
      { count: 4, strategy: [{ type: 'binpack', field: 'memory' }] });
    assert.deepEqual(placedOn(result), ['b', 'b', 'c', 'c']);
  });

  it('cpu: the instance with the least CPU left', () => {
    const result = plan([instance('a', { cpu: 1024 }), instance('b', { cpu: 512 })], { count: 3, strategy: [{ type: 'binpack', field: 'cpu' }] });
    assert.deepEqual(placedOn(result), ['b', 'b', 'a']);
  });
});

describe('strategy spread', () => {
  it('instanceId: fewest tasks of the group first, counting tasks already running', () => {
    const result = plan([instance('a'), instance('b'), instance('c', { taskGroups: ['service:web', 'service:web', 'service:other'] })],
      { count: 4, strategy: [{ type: 'spread', field: 'instanceId' }] });
    assert.deepEqual(countsOf(result), { a: 2, b: 2 });
  });

  it('host is the same as instanceId', () => {
    const result = plan([instance('a'), instance('b')], { count: 4, strategy: [{ type: 'spread', field: 'host' }] });
    assert.deepEqual(countsOf(result), { a: 2, b: 2 });
  });

  it('availability zone, then instanceId: zones balance first, instances within a zone next', () => {
    const result = plan([
      instance('a1', { az: 'us-east-1a' }), instance('a2', { az: 'us-east-1a' }), instance('a3', { az: 'us-east-1a' }),
      instance('b1', { az: 'us-east-1b' }),
    ], { count: 4, strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'instanceId' }] });
    const counts = countsOf(result);
    assert.equal(counts.b1, 2);
    assert.deepEqual(Object.values(counts).sort(), [1, 1, 2]);
  });

  it('a zone whose instances are full still counts its tasks', () => {
    const result = plan([
      instance('a1', { az: 'us-east-1a', memory: 0, taskGroups: ['service:web', 'service:web'] }),
      instance('a2', { az: 'us-east-1a' }),
      instance('b1', { az: 'us-east-1b' }),
    ], { count: 2, strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] });
    assert.deepEqual(placedOn(result), ['b1', 'b1']);
  });

  it('spread by zone then binpack by memory', () => {
    const result = plan([
      instance('a-big', { az: 'us-east-1a', memory: 4096 }), instance('a-small', { az: 'us-east-1a', memory: 1024 }),
      instance('b-big', { az: 'us-east-1b', memory: 4096 }), instance('b-small', { az: 'us-east-1b', memory: 2048 }),
    ], { count: 2, strategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }] });
    assert.deepEqual(placedOn(result).sort(), ['a-small', 'b-small']);
  });
});

describe('strategy random', () => {
  it('uses every feasible instance and is repeatable for a seed', () => {
    const cluster = [instance('a'), instance('b'), instance('c')];
    const options = { count: 30, strategy: [{ type: 'random' }], demand: { cpu: 0, memory: 0 } };
    const first = plan(cluster, options, 7);
    assert.deepEqual(Object.keys(countsOf(first)).sort(), ['a', 'b', 'c']);
    assert.deepEqual(plan(cluster, options, 7), first);
    assert.notDeepEqual(placedOn(plan(cluster, options, 8)), placedOn(first));
  });

  it('with no strategy, ties are broken at random too', () => {
    const result = plan([instance('a'), instance('b')], { count: 20, demand: { cpu: 0, memory: 0 } });
    assert.deepEqual(Object.keys(countsOf(result)).sort(), ['a', 'b']);
  });
});

describe('constraint distinctInstance', () => {
  it('one task of the group per instance, counting tasks already there; other groups do not matter', () => {
    const result = plan([instance('a'), instance('b', { taskGroups: ['service:web'] }), instance('c', { taskGroups: ['service:db'] })],
      { count: 3, constraints: [{ type: 'distinctInstance' }] });
    assert.deepEqual(placedOn(result).sort(), ['a', 'c']);
    assert.deepEqual(reasonsOf(result), {
      a: 'DistinctInstance placement constraint unsatisfied.',
      b: 'DistinctInstance placement constraint unsatisfied.',
      c: 'DistinctInstance placement constraint unsatisfied.',
    });
  });
});

describe('constraint memberOf', () => {
  it('only instances the expression selects', () => {
    const result = plan([instance('t', { instanceType: 't2.small' }), instance('m', { instanceType: 'm5.large' })],
      { count: 3, constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }] });
    assert.deepEqual(placedOn(result), ['t', 't', 't']);
  });

  it('affinity through task:group: next to tasks of another group', () => {
    const result = plan([instance('a'), instance('db', { taskGroups: ['service:db'] })],
      { count: 2, constraints: [{ type: 'memberOf', expression: 'task:group == service:db' }] });
    assert.deepEqual(placedOn(result), ['db', 'db']);
  });

  it('sees the tasks placed earlier in the same call (runningTasksCount < 2)', () => {
    const result = plan([instance('a'), instance('b', { taskGroups: ['family:x'] })],
      { count: 4, constraints: [{ type: 'memberOf', expression: 'runningTasksCount < 2' }] });
    assert.deepEqual(countsOf(result), { a: 2, b: 1 });
    assert.deepEqual(Object.values(reasonsOf(result)), ['MemberOf placement constraint unsatisfied.', 'MemberOf placement constraint unsatisfied.']);
  });

  it('several memberOf constraints must all hold', () => {
    const result = plan([instance('a', { az: 'us-east-1a' }), instance('b', { az: 'us-east-1b', instanceType: 'm5.large' }), instance('c', { az: 'us-east-1b' })], {
      count: 1,
      constraints: [
        { type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1b' },
        { type: 'memberOf', expression: "ec2InstanceId in ['i-a', 'i-c']" },
      ],
    });
    assert.deepEqual(placedOn(result), ['c']);
  });
});

describe('host ports', () => {
  const staticPort = { containerPort: 80, hostPort: 80, protocol: 'tcp' as const };

  it('a static host port places one task per instance, then RESOURCE:PORTS', () => {
    const result = plan([instance('a'), instance('b')], { count: 3, demand: { portMappings: [staticPort] } });
    assert.deepEqual(placedOn(result).sort(), ['a', 'b']);
    assert.deepEqual(reasonsOf(result), { a: 'RESOURCE:PORTS', b: 'RESOURCE:PORTS' });
    assert.deepEqual(result.placements[0]?.hostPorts, [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]);
  });

  it('a port the agent reserves (22) is taken; the same number over UDP is not', () => {
    assert.deepEqual(reasonsOf(plan([instance('a')], { demand: { portMappings: [{ hostPort: 22, protocol: 'tcp' }] } })), { a: 'RESOURCE:PORTS' });
    assert.deepEqual(placedOn(plan([instance('a')], { demand: { portMappings: [{ hostPort: 22, protocol: 'udp' }] } })), ['a']);
  });

  it(`caps reserved ports at ${MAX_RESERVED_PORTS}, dynamic ports aside`, () => {
    const full = Array.from({ length: MAX_RESERVED_PORTS }, (_, i) => 1000 + i);
    assert.deepEqual(reasonsOf(plan([instance('a', { ports: full })], { demand: { portMappings: [staticPort] } })), { a: 'RESOURCE:PORTS' });
    assert.deepEqual(placedOn(plan([instance('a', { ports: full })], { demand: { portMappings: [{ containerPort: 80, protocol: 'tcp' }] } })), ['a']);
  });

  it('dynamic ports come from 49153 up, skipping reserved, in-use and already-given ports', () => {
    const result = plan([instance('a', { ports: [22, 49154], dynamicPorts: new Set([49156]) })], {
      count: 2,
      demand: { portMappings: [{ containerPort: 8080, protocol: 'tcp' }, { containerPort: 53, hostPort: 0, protocol: 'udp' }, { containerPort: 9090, protocol: 'tcp' }] },
    });
    assert.deepEqual(result.placements.map((p) => p.hostPorts), [
      [{ containerPort: 8080, hostPort: 49153, protocol: 'tcp' }, { containerPort: 53, hostPort: 49156, protocol: 'udp' }, { containerPort: 9090, hostPort: 49155, protocol: 'tcp' }],
      [{ containerPort: 8080, hostPort: 49157, protocol: 'tcp' }, { containerPort: 53, hostPort: 49159, protocol: 'udp' }, { containerPort: 9090, hostPort: 49158, protocol: 'tcp' }],
    ]);
  });

  it('resumes after lastDynamicHostPort and wraps around the range', () => {
    const result = plan([instance('a', { lastDynamicHostPort: DEFAULT_DYNAMIC_PORT_RANGE.end - 1 })],
      { count: 2, demand: { portMappings: [{ containerPort: 80, protocol: 'tcp' }] } });
    assert.deepEqual(result.placements.map((p) => p.hostPorts[0]?.hostPort), [65535, 49153]);
  });

  it('RESOURCE:PORTS when the dynamic range is used up', () => {
    const result = plan([instance('a', { dynamicPortRange: { start: 50000, end: 50002 }, ports: [50001] })],
      { count: 3, demand: { portMappings: [{ containerPort: 80, protocol: 'tcp' }] } });
    assert.deepEqual(result.placements.map((p) => p.hostPorts[0]?.hostPort), [50000, 50002]);
    assert.deepEqual(reasonsOf(result), { a: 'RESOURCE:PORTS' });
  });

  it('a task asking twice for one static port fits nowhere', () => {
    assert.deepEqual(reasonsOf(plan([instance('a')], { demand: { portMappings: [staticPort, { ...staticPort, containerPort: 81 }] } })), { a: 'RESOURCE:PORTS' });
  });
});

describe('invalid constraints and strategies are InvalidParameterException', () => {
  const cases: [string, Parameters<typeof plan>[1], RegExp][] = [
    ['distinctInstance with an expression', { constraints: [{ type: 'distinctInstance', expression: 'x' }] }, /distinctInstance expression should not be specified/],
    ['memberOf without an expression', { constraints: [{ type: 'memberOf' }] }, /memberOf expression must be specified/],
    ['memberOf with a malformed expression', { constraints: [{ type: 'memberOf', expression: 'attribute:x ==' }] }, /Invalid expression/],
    ['memberOf over 2,000 characters', { constraints: [{ type: 'memberOf', expression: `attribute:x == ${'a'.repeat(2000)}` }] }, /at most 2000/],
    ['an unknown constraint type', { constraints: [{ type: 'sameInstance' }] }, /Invalid placement constraint type/],
    ['binpack by disk', { strategy: [{ type: 'binpack', field: 'disk' }] }, /Invalid field 'disk' for the binpack/],
    ['spread without a field', { strategy: [{ type: 'spread' }] }, /Invalid field '' for the spread/],
    ['random with a field', { strategy: [{ type: 'random', field: 'cpu' }] }, /must not be specified/],
    ['an unknown strategy type', { strategy: [{ type: 'pack' }] }, /Invalid placement strategy type/],
    ['six strategies', { strategy: Array.from({ length: 6 }, () => ({ type: 'random' })) }, /at most 5/],
    ['a fractional count', { count: 1.5 }, /count must be a non-negative integer/],
  ];
  for (const [title, options, message] of cases) {
    it(title, () => assert.throws(() => plan([instance('a')], options), { code: 'InvalidParameterException', message }));
  }
});
