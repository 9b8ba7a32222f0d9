import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Behaviour, ServiceSimulation } from './service-sim-harness.js';

interface Scenario {
  desiredCount: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  next: Behaviour;
  breaker: 'off' | 'on' | 'rollback';
  seed: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  desiredCount: fc.integer({ min: 1, max: 6 }),
  minimumHealthyPercent: fc.constantFrom(0, 50, 75, 100),
  maximumPercent: fc.constantFrom(100, 125, 150, 200),
  next: fc.constantFrom<Behaviour>('good', 'slow', 'bad'),
  breaker: fc.constantFrom<Scenario['breaker']>('off', 'on', 'rollback'),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  // A deployment that may neither start nor stop a task is stuck by design (ECS says so in an event).
}).filter((s) => Math.floor((s.desiredCount * s.maximumPercent) / 100) > s.desiredCount || Math.ceil((s.desiredCount * s.minimumHealthyPercent) / 100) < s.desiredCount);

/**
 * Random rolling deployments on ample capacity: while the controller works, never more tasks
 * PENDING, RUNNING or STOPPING than maximumPercent allows, never fewer RUNNING than
 * minimumHealthyPercent asks; and it ends with one COMPLETED deployment of the new revision (or
 * the old one, rolled back), or a FAILED one with the old tasks still up.
 */
describe('service controller properties (simulation)', () => {
  it('keeps rolling deployments within minimumHealthyPercent and maximumPercent, and converges', async () => {
    await fc.assert(fc.asyncProperty(scenario, async (s) => {
      const sim = await ServiceSimulation.create({ instances: 4, seed: s.seed, cpus: 8, memoryGiB: 16 });
      try {
        const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
        await sim.createService({
          serviceName: 'web', taskDefinition: v1, desiredCount: s.desiredCount,
          deploymentConfiguration: {
            minimumHealthyPercent: s.minimumHealthyPercent, maximumPercent: s.maximumPercent,
            deploymentCircuitBreaker: { enable: s.breaker !== 'off', rollback: s.breaker === 'rollback' },
          },
        });
        await sim.until(async () => (await sim.describe('web')).deployments?.[0]?.rolloutState === 'COMPLETED');
        const v2 = await sim.registerDefinition('web', s.next);
        await sim.updateService({ service: 'web', taskDefinition: v2 });
        const maxTotal = Math.floor((s.desiredCount * s.maximumPercent) / 100);
        const minHealthy = Math.ceil((s.desiredCount * s.minimumHealthyPercent) / 100);
        const check = async () => {
          const live = await sim.liveTasks('web');
          assert.ok(live.length <= maxTotal, `${live.length} tasks live, at most ${maxTotal} allowed`);
          const running = live.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length;
          assert.ok(running >= minHealthy, `${running} running, at least ${minHealthy} required`);
        };
        const settled = async () => {
          const service = await sim.describe('web');
          const [primary, ...others] = service.deployments!;
          if (s.next === 'bad' && s.breaker === 'on') return primary!.rolloutState === 'FAILED';
          return others.length === 0 && primary!.rolloutState === 'COMPLETED' && service.runningCount === s.desiredCount;
        };
        if (s.next === 'bad' && s.breaker === 'off') {
          // ECS never stops retrying a failing service: only the bounds are checked.
          for (let i = 0; i < 120; i++) {
            await sim.step();
            await check();
          }
          return;
        }
        await sim.until(settled, { each: check, maxSteps: 900 });
        const expected = s.next === 'bad' ? v1 : v2;
        if (s.breaker !== 'on' || s.next !== 'bad') assert.equal((await sim.describe('web')).taskDefinition, expected);
      } finally {
        await sim.close();
      }
    }), { numRuns: 30 });
  });
});
