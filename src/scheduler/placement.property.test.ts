import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_DYNAMIC_PORT_RANGE } from './host-ports.js';
import { computePlacements } from './placement.js';
import { countsOf, instance, request } from './placement-fixtures.js';
import type { InstanceFacts, InstanceSnapshot, PlacementRequest, PlacementResult } from './placement-types.js';
import { PlacementFailureReason } from './placement-types.js';
import { evaluateExpression } from './query-evaluation.js';
import { parseExpression } from './query-language.js';
import { createSeededRandom } from './seeded-random.js';

// Safety invariants of computePlacements over random clusters and requests (Nomad's
// reconcile_cluster_prop_test.go in spirit): whatever the input, a plan never breaks them.

const PORT_POOL = [80, 443, 8080, 49153, 49154, 49155, 49160];
const MEMBER_OF = [
  'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]',
  'attribute:ecs.instance-type =~ t2.*',
  'not(attribute:gpu exists)',
  'attribute:ecs.availability-zone != us-east-1c or attribute:gpu exists',
  'runningTasksCount < 3',
  'task:group != service:web or attribute:gpu exists',
];

const instanceArb = (id: number) => fc.record({
  status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING', 'INACTIVE', 'REGISTERING'),
  agentConnected: fc.oneof(fc.constant(true), fc.boolean()),
  cpu: fc.integer({ min: 0, max: 4096 }),
  memory: fc.integer({ min: 0, max: 8192 }),
  ports: fc.subarray(PORT_POOL),
  portsUdp: fc.subarray(PORT_POOL),
  dynamicPorts: fc.subarray([49153, 49156, 49157, 49158]),
  rangeSize: fc.option(fc.integer({ min: 1, max: 12 })),
  lastDynamicHostPort: fc.option(fc.integer({ min: 49150, max: 49170 })),
  az: fc.constantFrom('us-east-1a', 'us-east-1b', 'us-east-1c'),
  instanceType: fc.constantFrom('t2.small', 'm5.large'),
  gpu: fc.boolean(),
  taskGroups: fc.array(fc.constantFrom('service:web', 'service:db'), { maxLength: 3 }),
}).map((o): InstanceSnapshot => instance(`n${id}`, {
  status: o.status as InstanceSnapshot['status'],
  agentConnected: o.agentConnected, cpu: o.cpu, memory: o.memory, ports: o.ports, portsUdp: o.portsUdp,
  dynamicPorts: new Set(o.dynamicPorts), az: o.az, instanceType: o.instanceType, taskGroups: o.taskGroups,
  ...(o.rangeSize === null ? {} : { dynamicPortRange: { start: 49153, end: 49153 + o.rangeSize - 1 } }),
  ...(o.lastDynamicHostPort === null ? {} : { lastDynamicHostPort: o.lastDynamicHostPort }),
  attributes: o.gpu ? { gpu: 'true' } : {},
}));

const clusterArb = fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => instanceArb(i))));

const requestArb: fc.Arbitrary<PlacementRequest> = fc.record({
  cpu: fc.integer({ min: 0, max: 2048 }),
  memory: fc.integer({ min: 0, max: 4096 }),
  portMappings: fc.array(fc.record({
    containerPort: fc.integer({ min: 1, max: 9000 }),
    hostPort: fc.oneof(fc.constant(0), fc.constant(0), fc.constantFrom(...PORT_POOL)),
    protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  }), { maxLength: 3 }),
  requiresGpu: fc.boolean(),
  count: fc.integer({ min: 0, max: 15 }),
  distinctInstance: fc.boolean(),
  memberOf: fc.subarray(MEMBER_OF, { maxLength: 2 }),
  strategy: fc.array(fc.constantFrom(
    { type: 'binpack', field: 'cpu' }, { type: 'binpack', field: 'memory' }, { type: 'spread', field: 'instanceId' },
    { type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'random' },
  ), { maxLength: 3 }),
}).map((r) => request({
  count: r.count,
  demand: { cpu: r.cpu, memory: r.memory, portMappings: r.portMappings, requiresAttributes: r.requiresGpu ? ['gpu'] : [] },
  constraints: [...(r.distinctInstance ? [{ type: 'distinctInstance' }] : []), ...r.memberOf.map((expression) => ({ type: 'memberOf', expression }))],
  strategy: r.strategy,
}));

const caseArb = fc.tuple(clusterArb, requestArb, fc.integer());

function run(cluster: InstanceSnapshot[], req: PlacementRequest, seed: number): PlacementResult {
  return computePlacements(cluster, req, createSeededRandom(seed));
}

function byArn(cluster: InstanceSnapshot[]): Map<string, InstanceSnapshot> {
  return new Map(cluster.map((i) => [i.arn, i]));
}

const property = (title: string, check: (cluster: InstanceSnapshot[], req: PlacementRequest, seed: number, result: PlacementResult) => void) =>
  it(title, () => fc.assert(fc.property(caseArb, ([cluster, req, seed]) => check(cluster, req, seed, run(cluster, req, seed))), { numRuns: 400 }));

describe('placement invariants (fast-check)', () => {
  property('never on an instance that is not ACTIVE, not connected or missing a required attribute', (cluster, req, _seed, result) => {
    const instances = byArn(cluster);
    for (const p of result.placements) {
      const i = instances.get(p.instanceArn);
      assert.ok(i !== undefined && i.status === 'ACTIVE' && i.agentConnected, `${p.instanceArn} is not ACTIVE and connected`);
      for (const name of req.demand.requiresAttributes) assert.ok(Object.hasOwn(i.attributes, name), `${p.instanceArn} lacks ${name}`);
    }
  });

  property('never over-commits CPU or memory of any instance', (cluster, req, _seed, result) => {
    const counts = countsOf(result);
    for (const i of cluster) {
      const n = counts[i.arn.split('/').pop() ?? ''] ?? 0;
      assert.ok(n * req.demand.cpu <= i.remaining.cpu, `${i.arn}: ${n} tasks of ${req.demand.cpu} CPU > ${i.remaining.cpu}`);
      assert.ok(n * req.demand.memory <= i.remaining.memory, `${i.arn}: ${n} tasks of ${req.demand.memory} MiB > ${i.remaining.memory}`);
    }
  });

  property('never double-books a host port, and dynamic ports stay in range', (cluster, req, _seed, result) => {
    const instances = byArn(cluster);
    const given = new Map<string, Set<string>>();
    for (const p of result.placements) {
      const i = instances.get(p.instanceArn) as InstanceSnapshot;
      const seen = given.get(p.instanceArn) ?? new Set<string>();
      given.set(p.instanceArn, seen);
      assert.equal(p.hostPorts.length, req.demand.portMappings.length);
      p.hostPorts.forEach((b, k) => {
        const key = `${b.protocol}/${b.hostPort}`;
        assert.ok(!seen.has(key), `${p.instanceArn}: ${key} given twice`);
        seen.add(key);
        const reserved = b.protocol === 'tcp' ? i.remaining.ports : i.remaining.portsUdp;
        assert.ok(!reserved.has(b.hostPort), `${p.instanceArn}: ${key} was reserved`);
        if (b.protocol === 'tcp') assert.ok(!i.dynamicPorts?.has(b.hostPort), `${p.instanceArn}: ${key} was in use`);
        const wanted = req.demand.portMappings[k]?.hostPort ?? 0;
        if (wanted !== 0) assert.equal(b.hostPort, wanted);
        else {
          const range = i.dynamicPortRange ?? DEFAULT_DYNAMIC_PORT_RANGE;
          assert.ok(b.hostPort >= range.start && b.hostPort <= range.end, `${key} outside ${range.start}-${range.end}`);
        }
      });
    }
  });

  property('distinctInstance: at most one task of the group per instance, none where one runs', (cluster, req, _seed, result) => {
    if (!req.constraints.some((c) => c.type === 'distinctInstance')) return;
    const counts = countsOf(result);
    for (const i of cluster) {
      const n = counts[i.arn.split('/').pop() ?? ''] ?? 0;
      const already = i.taskGroups.includes(req.demand.group);
      assert.ok(n <= (already ? 0 : 1), `${i.arn} got ${n} (already had one: ${already})`);
    }
  });

  property('memberOf: each placement is on an instance the expressions select, with earlier placements counted', (cluster, req, _seed, result) => {
    const facts = new Map(cluster.map((i) => [i.arn, i as InstanceFacts]));
    const expressions = req.constraints.filter((c) => c.type === 'memberOf').map((c) => parseExpression(c.expression ?? ''));
    for (const p of result.placements) {
      const f = facts.get(p.instanceArn) as InstanceFacts;
      for (const e of expressions) assert.ok(evaluateExpression(e, f), `${p.instanceArn} is not a member`);
      facts.set(p.instanceArn, { ...f, runningTasksCount: f.runningTasksCount + 1, taskGroups: [...f.taskGroups, req.demand.group] });
    }
  });

  property('a short plan lists every ACTIVE instance once with a reason that holds; a full plan lists none', (cluster, req, _seed, result) => {
    const active = cluster.filter((i) => i.status === 'ACTIVE');
    assert.ok(result.placements.length <= req.count);
    if (result.placements.length === req.count) return assert.deepEqual(result.failures, []);
    assert.deepEqual(result.failures.map((f) => f.arn), active.map((i) => i.arn));
    const counts = countsOf(result);
    const instances = byArn(cluster);
    for (const f of result.failures) {
      const i = instances.get(f.arn) as InstanceSnapshot;
      const n = counts[f.arn.split('/').pop() ?? ''] ?? 0;
      assert.ok(Object.values(PlacementFailureReason).includes(f.reason));
      if (f.reason === 'AGENT') assert.equal(i.agentConnected, false);
      if (f.reason === 'RESOURCE:CPU') assert.ok(i.remaining.cpu - n * req.demand.cpu < req.demand.cpu);
      if (f.reason === 'RESOURCE:MEMORY') assert.ok(i.remaining.memory - n * req.demand.memory < req.demand.memory);
    }
  });

  property('is deterministic for a seed and leaves the snapshot untouched', (cluster, req, seed, result) => {
    const before = JSON.stringify(cluster, (_k, v: unknown) => (v instanceof Set ? [...v] : v));
    assert.deepEqual(run(cluster, req, seed), result);
    assert.equal(JSON.stringify(cluster, (_k, v: unknown) => (v instanceof Set ? [...v] : v)), before);
  });

  it('spread(instanceId) over identical empty instances keeps counts within one of each other', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 60 }), fc.integer(), (n, count, seed) => {
      const cluster = Array.from({ length: n }, (_, i) => instance(`n${i}`));
      const result = run(cluster, request({ count, strategy: [{ type: 'spread', field: 'instanceId' }], demand: { cpu: 0, memory: 0 } }), seed);
      const counts = cluster.map((i) => countsOf(result)[i.arn.split('/').pop() ?? ''] ?? 0);
      assert.equal(result.placements.length, count);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `unbalanced: ${counts.join(',')}`);
    }));
  });
});
