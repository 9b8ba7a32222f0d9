/** A data plane on manual timers with real health-check probes, recording every health event. */
import assert from 'node:assert/strict';
import { LoadBalancerDataPlane } from '../../src/lb/data-plane.js';
import type { DataPlaneConfig } from '../../src/lb/lb-config.js';
import { ManualTimers } from '../../src/lb/lb-timers.js';
import { createProbe, createProbeAgent } from '../../src/lb/probes.js';
import { eventually } from '../support/eventually.js';
import { arn } from './lb-support.js';

export interface HealthEvent {
  group: string;
  port: number;
  state: string;
  reason: string | undefined;
  description: string | undefined;
}

export interface Harness {
  plane: LoadBalancerDataPlane;
  timers: ManualTimers;
  events: HealthEvent[];
  /** The first listener's port. */
  port: number;
  /** Moves time by `ms`, then waits until `checks` more health checks have finished (real sockets). */
  round(ms: number, checks: number): Promise<void>;
  /** The latest state of the target on `port` in `group`, as `state` or `state/reason`. */
  stateOf(group: string, port: number): string | undefined;
  close(): Promise<void>;
}

export async function startHarness(config: DataPlaneConfig): Promise<Harness> {
  const timers = new ManualTimers();
  const events: HealthEvent[] = [];
  const agent = createProbeAgent();
  const probe = createProbe(agent);
  let finished = 0;
  const plane = new LoadBalancerDataPlane({
    timers,
    onTargetHealth: (group, target, state, reason, description) => {
      events.push({ group: group.split('/')[1]!, port: target.port, state, reason, description });
    },
    probe: async (...args) => {
      try {
        return await probe(...args);
      } finally {
        finished += 1;
      }
    },
  });
  const result = await plane.apply(config);
  assert.deepEqual(result.errors, [], 'every listener bound');
  return {
    plane, timers, events,
    port: plane.listenerPort(arn.listener(1)) ?? 0,
    async round(ms, checks) {
      const target = finished + checks;
      timers.advance(ms);
      await eventually(() => assert.ok(finished >= target, `${checks} health check(s) finished (${finished}/${target})`), { timeoutMs: 5_000, intervalMs: 5 });
    },
    stateOf(group, port) {
      const last = events.filter((e) => e.group === group && e.port === port).at(-1);
      return last && (last.reason ? `${last.state}/${last.reason}` : last.state);
    },
    async close() {
      await plane.close();
      await agent.close();
    },
  };
}
