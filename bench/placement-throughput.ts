/**
 * Placement throughput of the pure scheduler (src/scheduler/placement.ts) on 1,000 simulated
 * container instances in 3 zones, with a memberOf constraint that 3 of 4 instance types meet and
 * one dynamic host port per task. Each scenario plans `count` tasks per call on a fresh snapshot
 * (count 10 = a RunTask call, count 1,000 = a large service scale-out) and reports placements/s.
 *
 *   node --import tsx bench/placement-throughput.ts
 *
 * Settings (environment): BENCH_SECONDS per scenario (1), BENCH_INSTANCES (1000).
 * Exit code 1 when a scenario is under TARGET placements/s or a plan is short.
 */
import { performance } from 'node:perf_hooks';
import { computePlacements } from '../src/scheduler/placement.js';
import type { InstanceSnapshot, PlacementRequest, PlacementStrategyInput } from '../src/scheduler/placement-types.js';
import { createSeededRandom } from '../src/scheduler/seeded-random.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1000);
const TARGET = 5000;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const TYPES = ['m5.large', 'm5.xlarge', 'c5.large', 't3.medium'];
const GROUP = 'service:web';

function cluster(n: number): InstanceSnapshot[] {
  const random = createSeededRandom(42);
  return Array.from({ length: n }, (_, i) => {
    const running = Math.floor(random() * 4);
    return {
      arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/bench/${i.toString(16).padStart(32, '0')}`,
      ec2InstanceId: `i-${i.toString(16).padStart(17, '0')}`,
      status: i % 97 === 0 ? 'DRAINING' : 'ACTIVE',
      agentConnected: i % 211 !== 0,
      agentVersion: '1.82.1',
      attributes: {
        'ecs.availability-zone': ZONES[i % ZONES.length],
        'ecs.instance-type': TYPES[i % TYPES.length],
        'ecs.os-type': 'linux',
        'ecs.cpu-architecture': 'x86_64',
        'ecs.capability.task-eni': undefined,
      },
      registeredAt: 1_700_000_000_000 + i * 1000,
      runningTasksCount: running,
      taskGroups: Array.from({ length: running }, (_, k) => (k === 0 ? GROUP : 'service:other')),
      remaining: { cpu: 4096 - running * 256, memory: 16384 - running * 512, ports: new Set([22, 2375, 2376, 51678, 51679]), portsUdp: new Set() },
      dynamicPorts: new Set(Array.from({ length: running }, (_, k) => 49153 + k)),
      lastDynamicHostPort: 49152 + running,
    };
  });
}

function request(count: number, strategy: PlacementStrategyInput[]): PlacementRequest {
  return {
    count,
    demand: { cpu: 128, memory: 256, portMappings: [{ containerPort: 8080, protocol: 'tcp' }], requiresAttributes: [], group: GROUP },
    constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type in [m5.large, m5.xlarge, c5.large] and attribute:ecs.os-type == linux' }],
    strategy,
  };
}

const SCENARIOS: [string, PlacementStrategyInput[]][] = [
  ['binpack(memory)', [{ type: 'binpack', field: 'memory' }]],
  ['spread(az)+spread(instanceId)', [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'instanceId' }]],
  ['random', [{ type: 'random' }]],
];

function measure(instances: InstanceSnapshot[], req: PlacementRequest): { rate: number; calls: number } {
  const random = createSeededRandom(1);
  for (let i = 0; i < 3; i++) computePlacements(instances, req, random); // warm-up
  let placements = 0;
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < SECONDS * 1000) {
    const result = computePlacements(instances, req, random);
    if (result.placements.length !== req.count) throw new Error(`short plan: ${result.placements.length} of ${req.count}`);
    placements += result.placements.length;
    calls++;
    elapsed = performance.now() - start;
  }
  return { rate: (placements / elapsed) * 1000, calls };
}

const instances = cluster(INSTANCES);
console.log(`placement throughput: ${INSTANCES} instances (${ZONES.length} zones), memberOf constraint, 1 dynamic port per task; node ${process.version}`);
console.log('scenario                          count/call   placements/s   calls');
let ok = true;
for (const count of [10, 1000]) {
  for (const [name, strategy] of SCENARIOS) {
    const { rate, calls } = measure(instances, request(count, strategy));
    ok &&= rate >= TARGET;
    console.log(`${name.padEnd(34)}${String(count).padStart(10)}${Math.round(rate).toLocaleString('en-US').padStart(15)}${String(calls).padStart(8)}`);
  }
}
console.log(ok ? `all scenarios at or above ${TARGET.toLocaleString('en-US')} placements/s` : `BELOW TARGET of ${TARGET} placements/s`);
process.exitCode = ok ? 0 : 1;
