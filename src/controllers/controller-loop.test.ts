import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ControllerLoop } from './controller-loop.js';

/** Timers are node:test's fake ones: time moves only by `tick`. */
describe('ControllerLoop', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };
  /** Moves the fake timers on, then lets the promises they started settle. */
  const tick = async (ms: number) => {
    mock.timers.tick(ms);
    await flush();
  };
  const unexpected = (error: unknown) => assert.fail(String(error));

  it('passes over everything at start and every interval, over just the nudged keys in between', async () => {
    const passes: (string[] | 'all')[] = [];
    const loop = new ControllerLoop<string>(async (only) => { passes.push(only ? [...only] : 'all'); }, 1_000, unexpected);
    loop.start();
    await tick(0);
    loop.nudge('a');
    loop.nudge('b');
    await tick(0);
    await tick(999);
    assert.deepEqual(passes, ['all', ['a', 'b']]);
    await tick(1);
    assert.deepEqual(passes, ['all', ['a', 'b'], 'all']);
    await loop.close();
  });

  it('never overlaps passes: nudges during a pass make exactly one more', async () => {
    let release!: () => void;
    let running = 0;
    const passes: (string[] | 'all')[] = [];
    const loop = new ControllerLoop<string>(async (only) => {
      running += 1;
      assert.equal(running, 1);
      passes.push(only ? [...only] : 'all');
      if (passes.length === 1) await new Promise<void>((resolve) => { release = resolve; });
      running -= 1;
    }, 1_000, unexpected);
    loop.start();
    await tick(0);
    loop.nudge('x');
    loop.nudge('y');
    await tick(0);
    assert.deepEqual(passes, ['all']);
    release();
    await flush();
    await tick(0);
    assert.deepEqual(passes, ['all', ['x', 'y']]);
    await loop.close();
  });

  it('reports a failed pass and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new ControllerLoop<string>(async () => { calls += 1; throw new Error('boom'); }, 1_000, (e) => errors.push(e));
    loop.start();
    await tick(0);
    await tick(1_000);
    assert.equal(calls, 2);
    assert.equal(errors.length, 2);
    await loop.close();
  });
});
