import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import { eventually } from '../support/eventually.js';
import { type Harness, startHarness } from './lb-harness.js';
import { alb, arn, type Backend, cond, fixed, forward, group, send, servedBy, startBackend } from './lb-support.js';

/** Real HTTP and real health-check probes on loopback; time (intervals, timeouts, delays) moves by hand. */
describe('ALB targets: health, failures, draining, apply()', () => {
  const open: { close(): Promise<void> }[] = [];
  const backend = async (name: string) => {
    const b = await startBackend(name);
    open.push(b);
    return b;
  };
  const harness = async (...args: Parameters<typeof alb>) => {
    const h = await startHarness(alb(...args));
    open.unshift(h);
    return h;
  };
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });
  const who = async (h: Harness, n: number, path = '/') => {
    const seen: string[] = [];
    for (let i = 0; i < n; i++) seen.push(servedBy(await send(h.port, path)));
    return seen;
  };

  it('moves a target initial → healthy (one check) → unhealthy → healthy by the thresholds, with ELB reason codes', async () => {
    const a = await backend('a');
    const h = await harness([{ defaultActions: [forward('web')] }], [group('web', [a])]);
    assert.equal(h.stateOf('web', a.port), 'initial/Elb.InitialHealthChecking');
    await h.round(0, 1);
    assert.equal(h.stateOf('web', a.port), 'healthy', 'a new target needs one passing check');
    a.health = 503;
    await h.round(5_000, 1);
    assert.equal(h.stateOf('web', a.port), 'healthy', 'one failure is below the unhealthy threshold');
    await h.round(5_000, 1);
    assert.equal(h.stateOf('web', a.port), 'unhealthy/Target.ResponseCodeMismatch');
    assert.equal(h.events.at(-1)!.description, 'Health checks failed with these codes: [503]');
    a.health = 'hang';
    h.timers.advance(5_000);
    await h.round(2_000, 1);
    assert.equal(h.stateOf('web', a.port), 'unhealthy/Target.Timeout', 'a check past its 2 s timeout');
    a.health = 200;
    await h.round(3_000, 1);
    assert.equal(h.stateOf('web', a.port), 'unhealthy/Target.Timeout');
    await h.round(5_000, 1);
    assert.equal(h.stateOf('web', a.port), 'healthy');
    await a.close();
    await h.round(5_000, 1);
    await h.round(5_000, 1);
    assert.equal(h.stateOf('web', a.port), 'unhealthy/Target.FailedHealthChecks', 'connection refused');
    assert.deepEqual(h.plane.targetHealth(arn.tg('web')), [{
      target: { id: '127.0.0.1', port: a.port }, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed',
    }]);
  });

  it('matches health-check codes by list and range', async () => {
    const a = await backend('a');
    a.health = 302;
    const web = group('web', [a]);
    const h = await harness([{ defaultActions: [forward('web')] }], [{ ...web, healthCheck: { ...web.healthCheck, matcher: { HttpCode: '200,300-399' } } }]);
    await h.round(0, 1);
    await h.round(5_000, 1);
    assert.equal(h.stateOf('web', a.port), 'healthy');
  });

  it('sends traffic to healthy targets only, and to all of them when none is healthy (fail-open)', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    const h = await harness([{ defaultActions: [forward('web')] }], [group('web', [a, b])]);
    await h.round(0, 2);
    await h.round(5_000, 2);
    assert.deepEqual(new Set(await who(h, 4)), new Set(['a', 'b']));
    b.health = 500;
    await h.round(5_000, 2);
    await h.round(5_000, 2);
    assert.equal(h.stateOf('web', b.port), 'unhealthy/Target.ResponseCodeMismatch');
    assert.deepEqual(await who(h, 4), ['a', 'a', 'a', 'a'], 'the unhealthy target gets nothing');
    a.health = 500;
    await h.round(5_000, 2);
    await h.round(5_000, 2);
    assert.deepEqual(new Set(await who(h, 4)), new Set(['a', 'b']), 'all unhealthy: traffic to all');
  });

  it('answers 503 when a group has no registered targets', async () => {
    const h = await harness([{ defaultActions: [forward('empty')], rules: [{ priority: 1, conditions: [cond.path('/ghost')], actions: [forward('ghost')] }] }], [group('empty', [])]);
    const reply = await send(h.port, '/');
    assert.equal(reply.status, 503);
    assert.equal(reply.headers.server, 'awselb/2.0');
    assert.match(reply.body, /503 Service Temporarily Unavailable/);
    assert.equal((await send(h.port, '/ghost')).status, 503, 'a group that does not exist');
  });

  it('answers 502 when the target refuses, resets or answers garbage', async () => {
    const [a, gone] = [await backend('a'), await backend('gone')];
    await gone.close();
    const h = await harness([{ defaultActions: [forward('web')], rules: [{ priority: 1, conditions: [cond.path('/gone')], actions: [forward('gone')] }] }],
      [group('web', [a]), group('gone', [gone])]);
    const refused = await send(h.port, '/gone');
    assert.equal(refused.status, 502, 'connection refused');
    assert.match(refused.body, /502 Bad Gateway/);
    a.behaviour = 'reset';
    assert.equal((await send(h.port, '/')).status, 502, 'reset');
    a.behaviour = 'garbage';
    assert.equal((await send(h.port, '/')).status, 502, 'not HTTP');
    a.behaviour = 'echo';
    assert.equal((await send(h.port, '/')).status, 200, 'and it recovers');
  });

  it('answers 504 when the target stays silent past the idle timeout', async () => {
    const a = await backend('a');
    a.behaviour = 'hang';
    const h = await harness([{ defaultActions: [forward('web')] }], [group('web', [a])], 0.3);
    const reply = await send(h.port, '/');
    assert.equal(reply.status, 504);
    assert.match(reply.body, /504 Gateway Time-out/);
  });

  it('cuts the client off when the target dies mid-answer', async () => {
    const a = await backend('a');
    a.behaviour = 'hold';
    const h = await harness([{ defaultActions: [forward('web')] }], [group('web', [a])]);
    const pending = send(h.port, '/');
    await eventually(() => assert.equal(a.held, 1, 'the request reached the target'));
    await a.close();
    await assert.rejects(pending, 'the client sees the answer cut short');
  });

  it('drains a deregistered target: no new requests, the in-flight one finishes, then it is gone', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    a.behaviour = 'hold';
    const config = (targets: Backend[]) => alb([{ defaultActions: [forward('web')] }], [group('web', targets)]);
    const h = await startHarness(config([a]));
    open.unshift(h);
    const slow = send(h.port, '/slow');
    await eventually(() => assert.equal(a.held, 1, 'the slow request reached a'));
    await h.plane.apply(config([b]));
    assert.equal(h.stateOf('web', a.port), 'draining/Target.DeregistrationInProgress');
    assert.deepEqual(await who(h, 3), ['b', 'b', 'b'], 'a draining target gets no new requests');
    assert.equal(h.stateOf('web', a.port), 'draining/Target.DeregistrationInProgress', 'still draining while a request is in flight');
    a.release();
    const reply = await slow;
    assert.equal(reply.body, 'a started;a released', 'the in-flight request finished whole');
    await eventually(() => assert.equal(h.stateOf('web', a.port), 'unused/Target.NotRegistered', 'gone once in-flight reached zero'));
    assert.deepEqual(h.plane.targetHealth(arn.tg('web')).map((t) => t.target.port), [b.port]);
  });

  it('drops a draining target when the deregistration delay passes, even with a request in flight', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    a.behaviour = 'hold';
    const config = (targets: Backend[]) => alb([{ defaultActions: [forward('web')] }], [group('web', targets, { attributes: { deregistrationDelaySeconds: 30 } })]);
    const h = await startHarness(config([a]));
    open.unshift(h);
    const slow = send(h.port, '/slow');
    await eventually(() => assert.equal(a.held, 1, 'the slow request reached a'));
    await h.plane.apply(config([b]));
    h.timers.advance(29_999);
    assert.equal(h.stateOf('web', a.port), 'draining/Target.DeregistrationInProgress');
    h.timers.advance(1);
    assert.equal(h.stateOf('web', a.port), 'unused/Target.NotRegistered');
    a.release();
    assert.equal((await slow).body, 'a started;a released', 'requests past the delay are not cut');
  });

  it('apply() changes rules and targets without dropping a kept-alive client connection', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    const h = await harness([{ defaultActions: [forward('a')] }], [group('a', [a]), group('b', [b])]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(h.port, '/x', { agent });
      assert.equal(servedBy(first), 'a');
      assert.ok(first.localPort, 'the client port is known');
      const next = alb([{ defaultActions: [forward('b')], rules: [{ priority: 1, conditions: [cond.path('/x')], actions: [fixed('200', 'new rule')] }] }], [group('a', [a]), group('b', [b])]);
      assert.deepEqual((await h.plane.apply(next)).errors, []);
      assert.equal(h.plane.listenerPort(arn.listener(1)), h.port, 'the listener kept its port');
      const second = await send(h.port, '/x', { agent });
      assert.equal(second.body, 'new rule');
      assert.equal(second.localPort, first.localPort, 'same client connection');
      const third = await send(h.port, '/y', { agent });
      assert.equal(servedBy(third), 'b');
      assert.equal(third.localPort, first.localPort, 'same client connection');
      assert.equal(h.stateOf('a', a.port), 'unused/Target.NotInUse', 'nothing forwards to a any more');
      const before = h.events.length;
      await h.plane.apply(next);
      assert.equal(h.events.length, before, 'applying the same targets again changes no health state');
    } finally {
      agent.destroy();
    }
  });

  it('reports targets of a group no listener forwards to as unused / Target.NotInUse, and checks them once it is used', async () => {
    const a = await backend('a');
    const h = await harness([{ defaultActions: [fixed('200', 'nothing')] }], [group('web', [a])]);
    assert.equal(h.stateOf('web', a.port), 'unused/Target.NotInUse');
    await h.plane.apply(alb([{ defaultActions: [forward('web')] }], [group('web', [a])]));
    assert.equal(h.stateOf('web', a.port), 'initial/Elb.InitialHealthChecking');
    await h.round(0, 1);
    await h.round(5_000, 1);
    assert.equal(h.stateOf('web', a.port), 'healthy');
  });

  it('streams the answer as it comes: the first bytes arrive before the target has finished', async () => {
    const a = await backend('a');
    a.behaviour = 'hold';
    const h = await harness([{ defaultActions: [forward('web')] }], [group('web', [a])]);
    const first = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port: h.port, path: '/stream', agent: false }, (res) => {
        res.once('data', (chunk: Buffer) => {
          resolve(chunk.toString());
          res.resume();
        });
      }).on('error', reject).end();
    });
    assert.equal(first, 'a started;');
    assert.equal(a.held, 1, 'the target has not finished yet');
    a.release();
  });

  it('removing a listener does not wait for its requests in flight, which still finish', async () => {
    const a = await backend('a');
    a.behaviour = 'hold';
    const h = await harness([{ defaultActions: [forward('web')] }], [group('web', [a])]);
    const slow = send(h.port, '/slow');
    await eventually(() => assert.equal(a.held, 1, 'the slow request reached a'));
    await h.plane.apply(alb([], [group('web', [a])]));
    await assert.rejects(send(h.port, '/'), 'the port no longer accepts');
    a.release();
    assert.equal((await slow).body, 'a started;a released');
  });

  it('moves, closes and reports listeners that cannot bind', async () => {
    const a = await backend('a');
    const h = await harness([{ defaultActions: [forward('web')] }], [group('web', [a])]);
    const taken = a.port; // a port in use: the backend's
    const moved = await h.plane.apply(alb([{ defaultActions: [forward('web')], port: taken }], [group('web', [a])]));
    assert.equal(moved.errors.length, 1);
    assert.match(moved.errors[0]!.message, /EADDRINUSE/);
    await assert.rejects(send(h.port, '/'), 'the old port is closed');
    await h.plane.apply(alb([], [group('web', [a])]));
    assert.equal(h.plane.listenerPort(arn.listener(1)), undefined);
    await h.plane.apply(alb([{ defaultActions: [forward('web')] }], [group('web', [a])]));
    const port = h.plane.listenerPort(arn.listener(1))!;
    assert.equal(servedBy(await send(port, '/')), 'a', 'bound again');
  });
});
