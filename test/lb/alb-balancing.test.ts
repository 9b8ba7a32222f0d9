import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LoadBalancerDataPlane } from '../../src/lb/data-plane.js';
import type { RuleConfig } from '../../src/lb/lb-config.js';
import { ManualTimers } from '../../src/lb/lb-timers.js';
import { createSeededRandom } from '../../src/scheduler/seeded-random.js';
import { eventually } from '../support/eventually.js';
import { alb, arn, type Backend, cond, group, send, servedBy, startBackend } from './lb-support.js';

/** Which backends answered `n` requests (each on a new connection, with optional cookies). */
async function tally(port: number, path: string, n: number, cookie?: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const who = servedBy(await send(port, path, cookie ? { headers: { cookie } } : {}));
    counts[who] = (counts[who] ?? 0) + 1;
  }
  return counts;
}

/** The `name=value` part of a Set-Cookie header for `name`. */
function cookieFrom(setCookie: string[] | undefined, name: string): string | undefined {
  return setCookie?.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));
}

describe('ALB balancing: round robin, weighted forward, stickiness', () => {
  let backends: Backend[];
  let plane: LoadBalancerDataPlane;
  let timers: ManualTimers;
  let port: number;

  before(async () => {
    backends = await Promise.all(['a', 'b', 'c', 'd'].map(startBackend));
    const [a, b, c, d] = backends as [Backend, Backend, Backend, Backend];
    timers = new ManualTimers();
    plane = new LoadBalancerDataPlane({ timers, random: createSeededRandom(42) });
    const weighted = (paths: string, stickiness?: number): RuleConfig => ({
      priority: paths === '/weighted' ? 1 : 2,
      conditions: [cond.path(paths)],
      actions: [{
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [{ TargetGroupArn: arn.tg('one'), Weight: 1 }, { TargetGroupArn: arn.tg('three'), Weight: 3 }, { TargetGroupArn: arn.tg('zero'), Weight: 0 }],
          ...(stickiness ? { TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: stickiness } } : {}),
        },
      }],
    });
    const result = await plane.apply(alb([{
      defaultActions: [{ Type: 'forward', TargetGroupArn: arn.tg('pair') }],
      rules: [
        weighted('/weighted'),
        weighted('/weighted-sticky', 600),
        { priority: 3, conditions: [cond.path('/sticky')], actions: [{ Type: 'forward', TargetGroupArn: arn.tg('sticky') }] },
        { priority: 4, conditions: [cond.path('/least')], actions: [{ Type: 'forward', TargetGroupArn: arn.tg('least') }] },
      ],
    }], [
      group('pair', [a, b]),
      group('one', [a]),
      group('three', [b]),
      group('zero', [c]),
      group('sticky', [c, d], { attributes: { stickinessEnabled: true, stickinessType: 'lb_cookie', stickinessDurationSeconds: 120 } }),
      group('least', [c, d], { attributes: { algorithm: 'least_outstanding_requests' } }),
    ]));
    assert.deepEqual(result.errors, []);
    port = plane.listenerPort(arn.listener(1))!;
  });
  after(async () => {
    await plane.close();
    await Promise.all(backends.map((b) => b.close()));
  });

  it('round robin over a group’s targets', async () => {
    const order = [];
    for (let i = 0; i < 6; i++) order.push(servedBy(await send(port, '/')));
    assert.deepEqual(order.slice(2), [...order.slice(0, 2), ...order.slice(0, 2)], `strict alternation: ${order.join(',')}`);
    assert.deepEqual(new Set(order), new Set(['a', 'b']));
  });

  it('least_outstanding_requests: a target busy with a request gets no more while another is idle', async () => {
    const [, , c] = backends as [Backend, Backend, Backend, Backend];
    c.behaviour = 'hold';
    try {
      // The first two go one to each target; c keeps its request.
      const first = [send(port, '/least'), send(port, '/least')];
      await eventually(() => assert.equal(c.held, 1, 'c holds one request'));
      const next = [];
      for (let i = 0; i < 6; i++) next.push(servedBy(await send(port, '/least')));
      assert.deepEqual(next, ['d', 'd', 'd', 'd', 'd', 'd'], 'round robin would have sent three to the busy c');
      c.release();
      await Promise.all(first);
    } finally {
      c.behaviour = 'echo';
      c.release();
    }
  });

  it('weighted forward: traffic in proportion to weights, none to weight 0 (seeded random)', async () => {
    const counts = await tally(port, '/weighted', 400);
    assert.equal(counts.c, undefined, 'weight 0 gets nothing');
    assert.ok(Math.abs((counts.b ?? 0) - 300) <= 40, `about 3/4 to weight 3: ${JSON.stringify(counts)}`);
    assert.equal((counts.a ?? 0) + (counts.b ?? 0), 400);
  });

  it('target-group stickiness: AWSALBTG keeps a client on one group', async () => {
    const first = await send(port, '/weighted-sticky');
    const cookie = cookieFrom(first.headers['set-cookie'], 'AWSALBTG');
    assert.ok(cookie, `AWSALBTG set: ${JSON.stringify(first.headers['set-cookie'])}`);
    assert.match(first.headers['set-cookie']!.join('\n'), /AWSALBTG=[^;]+; Expires=Thu, 01 Jan 2026 00:10:00 GMT; Path=\//);
    const counts = await tally(port, '/weighted-sticky', 30, cookie);
    assert.deepEqual(Object.keys(counts), [servedBy(first)], `all on the first group: ${JSON.stringify(counts)}`);
  });

  it('lb_cookie stickiness: AWSALB keeps a client on one target; without it, round robin', async () => {
    const first = await send(port, '/sticky');
    const cookie = cookieFrom(first.headers['set-cookie'], 'AWSALB');
    assert.ok(cookie, `AWSALB set: ${JSON.stringify(first.headers['set-cookie'])}`);
    assert.match(first.headers['set-cookie']!.join('\n'), /AWSALB=[^;]+; Expires=Thu, 01 Jan 2026 00:02:00 GMT/);
    const sticky = await tally(port, '/sticky', 20, `other=1; ${cookie}`);
    assert.deepEqual(Object.keys(sticky), [servedBy(first)], `one target: ${JSON.stringify(sticky)}`);
    const loose = await tally(port, '/sticky', 20);
    assert.deepEqual(loose, { c: 10, d: 10 }, 'no cookie: round robin');
    const stale = await tally(port, '/sticky', 4, 'AWSALB=not-a-target');
    assert.equal((stale.c ?? 0) + (stale.d ?? 0), 4, 'an unknown cookie is ignored');
  });
});
