import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { HealthChecker, type ProbeResult } from './health-checker.js';
import { healthCheckSettings } from './lb-config.js';
import { ManualTimers } from './lb-timers.js';

interface FakeTarget {
  id: string;
  port: number;
  state: TargetHealthStateEnum;
  reason: TargetHealthReasonEnum | undefined;
}

const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

/** A checker over one target whose probe answers what `next` says (or never, for 'hang'). */
function setup(thresholds = { healthy: 3, unhealthy: 2 }) {
  const timers = new ManualTimers();
  const target: FakeTarget = { id: '10.0.0.1', port: 8080, state: 'initial', reason: 'Elb.InitialHealthChecking' };
  let next: ProbeResult | 'hang' = { ok: true };
  const probes: { host: string; port: number }[] = [];
  const checker = new HealthChecker<FakeTarget>(timers, (host, port, _settings, signal) => {
    probes.push({ host, port });
    const answer = next;
    if (answer !== 'hang') return Promise.resolve(answer);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ok: false, reason: 'Target.Timeout', description: 'Request timed out' })));
  }, (t, state, reason) => {
    t.state = state;
    t.reason = reason;
  });
  const settings = healthCheckSettings({
    arn: 'tg', protocol: 'HTTP', port: 80, targets: [],
    healthCheck: { intervalSeconds: 10, timeoutSeconds: 4, healthyThresholdCount: thresholds.healthy, unhealthyThresholdCount: thresholds.unhealthy, port: 9000 },
  });
  checker.configure(settings, 'v1');
  return {
    timers, target, checker, probes, settings,
    answer(result: ProbeResult | 'hang') { next = result; },
    async tick(ms: number) {
      timers.advance(ms);
      await flush();
    },
  };
}

const fail: ProbeResult = { ok: false, reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [500]' };

describe('HealthChecker', () => {
  it('checks at once, then every interval, on the health-check port', async () => {
    const s = setup();
    s.checker.watch(s.target);
    await s.tick(0);
    await s.tick(9_999);
    assert.equal(s.probes.length, 1);
    await s.tick(1);
    assert.equal(s.probes.length, 2);
    assert.deepEqual(s.probes[0], { host: '10.0.0.1', port: 9000 });
    s.checker.close();
  });

  it('makes a new target healthy after one passing check, unhealthy after the unhealthy threshold', async () => {
    const s = setup();
    s.checker.watch(s.target);
    await s.tick(0);
    assert.equal(s.target.state, 'healthy', 'one check passed (the healthy threshold is 3)');
    assert.equal(s.target.reason, undefined);
    // Once unhealthy, the healthy threshold applies.
    s.answer(fail);
    await s.tick(10_000);
    await s.tick(10_000);
    assert.equal(s.target.state, 'unhealthy');
    s.answer({ ok: true });
    await s.tick(10_000);
    await s.tick(10_000);
    assert.equal(s.target.state, 'unhealthy', 'two successes of three');
    await s.tick(10_000);
    assert.equal(s.target.state, 'healthy');

    const t = setup();
    t.answer(fail);
    t.checker.watch(t.target);
    await t.tick(0);
    assert.equal(t.target.state, 'initial');
    await t.tick(10_000);
    assert.equal(t.target.state, 'unhealthy');
    assert.equal(t.target.reason, 'Target.ResponseCodeMismatch');
    s.checker.close();
    t.checker.close();
  });

  it('needs consecutive results: a success in between resets the failure count', async () => {
    const s = setup({ healthy: 2, unhealthy: 3 });
    s.checker.watch(s.target);
    await s.tick(0);
    await s.tick(10_000);
    assert.equal(s.target.state, 'healthy');
    for (const result of [fail, fail, { ok: true } as const, fail, fail]) {
      s.answer(result);
      await s.tick(10_000);
    }
    assert.equal(s.target.state, 'healthy', 'never three failures in a row');
    await s.tick(10_000);
    assert.equal(s.target.state, 'unhealthy');
    s.checker.close();
  });

  it('times a check out on the injected timers, and never overlaps checks', async () => {
    const s = setup({ healthy: 2, unhealthy: 2 });
    s.answer('hang');
    s.checker.watch(s.target);
    await s.tick(0);
    await s.tick(3_999);
    assert.equal(s.target.state, 'initial');
    await s.tick(1);
    await s.tick(10_000);
    assert.equal(s.target.state, 'unhealthy');
    assert.equal(s.target.reason, 'Target.Timeout');
    assert.equal(s.probes.length, 2, 'one check per interval');
    s.checker.close();
  });

  it('stops checking an unwatched target and ignores a result that comes back late', async () => {
    const s = setup({ healthy: 2, unhealthy: 2 });
    s.answer('hang');
    s.checker.watch(s.target);
    await s.tick(0);
    s.checker.unwatch(s.target);
    await s.tick(60_000);
    assert.equal(s.probes.length, 1);
    assert.equal(s.target.state, 'initial', 'the aborted check reported nothing');
    assert.equal(s.timers.pending, 0, 'no timers left behind');
  });

  it('new settings restart the schedule; the same ones change nothing', async () => {
    const s = setup();
    s.checker.watch(s.target);
    await s.tick(0);
    await s.tick(5_000);
    s.checker.configure(s.settings, 'v1');
    await s.tick(0);
    assert.equal(s.probes.length, 1, 'same settings: no extra check');
    s.checker.configure({ ...s.settings, intervalMs: 5_000 }, 'v2');
    await s.tick(0);
    assert.equal(s.probes.length, 2, 'changed settings: checked at once');
    await s.tick(5_000);
    assert.equal(s.probes.length, 3, 'then on the new interval');
    s.checker.close();
  });
});
