import { computePlacements } from './placement.js';
import type { InstanceSnapshot, PlacementRequest, PlacementResult, TaskDemand } from './placement-types.js';
import { createSeededRandom } from './seeded-random.js';

/**
 * Test fixtures for placement: builders with defaults, so a test states only what matters, and a
 * harness that runs one plan and reads it back by instance id. Tests only.
 */

const ARN_PREFIX = 'arn:aws:ecs:us-east-1:123456789012:container-instance/default/';

/** The agent's default reserved TCP ports on Linux. */
export const DEFAULT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679];

export interface InstanceOptions extends Partial<Omit<InstanceSnapshot, 'remaining'>> {
  cpu?: number;
  memory?: number;
  ports?: number[];
  portsUdp?: number[];
  az?: string;
  instanceType?: string;
}

/** An ACTIVE, connected instance with 4 vCPU / 8 GiB free in us-east-1a, running nothing. */
export function instance(id: string, options: InstanceOptions = {}): InstanceSnapshot {
  const { cpu = 4096, memory = 8192, ports = DEFAULT_RESERVED_PORTS, portsUdp = [], az = 'us-east-1a', instanceType = 't3.large', ...over } = options;
  return {
    arn: ARN_PREFIX + id,
    ec2InstanceId: `i-${id}`,
    status: 'ACTIVE',
    agentConnected: true,
    agentVersion: '1.82.1',
    registeredAt: 1_700_000_000_000,
    runningTasksCount: over.taskGroups?.length ?? 0,
    taskGroups: [],
    ...over,
    attributes: { 'ecs.availability-zone': az, 'ecs.instance-type': instanceType, 'ecs.os-type': 'linux', ...over.attributes },
    remaining: { cpu, memory, ports: new Set(ports), portsUdp: new Set(portsUdp) },
  };
}

export const demand = (over: Partial<TaskDemand> = {}): TaskDemand => ({
  cpu: 256, memory: 512, portMappings: [], requiresAttributes: [], group: 'service:web', ...over,
});

export interface RequestOptions extends Partial<Omit<PlacementRequest, 'demand'>> {
  demand?: Partial<TaskDemand>;
}

export const request = (options: RequestOptions = {}): PlacementRequest => ({
  count: 1, constraints: [], strategy: [], ...options, demand: demand(options.demand),
});

/** Runs one plan with a seeded random source. */
export function plan(instances: readonly InstanceSnapshot[], options: RequestOptions = {}, seed = 1): PlacementResult {
  return computePlacements(instances, request(options), createSeededRandom(seed));
}

export const idOf = (arn: string): string => arn.slice(ARN_PREFIX.length);

/** Instance ids in placement order. */
export const placedOn = (result: PlacementResult): string[] => result.placements.map((p) => idOf(p.instanceArn));

/** Tasks placed per instance id. */
export function countsOf(result: PlacementResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of placedOn(result)) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

/** Failure reason per instance id. */
export const reasonsOf = (result: PlacementResult): Record<string, string> =>
  Object.fromEntries(result.failures.map((f) => [idOf(f.arn), f.reason]));
