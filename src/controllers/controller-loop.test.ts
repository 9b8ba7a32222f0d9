import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ControllerLoop } from './controller-loop.js';

/** Timers are node:test's fake ones: time moves only by `tick`. */
describe('ControllerLoop', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

  it('passes over everything at start and every interval, over just the nudged keys in between', async () => {
    const passes: (string[] | 'all')[] = [];
    const loop = new ControllerLoop<string>(async (only) => { passes.push(only ? [...only] : 'all'); }, 1_000, assert.fail);
    loop.start();
    mock.timers.tick(0);
    await flush();
    loop.nudge('a');
    loop.nudge('b');
    mock.timers.tick(0);
    await flush();
    mock.timers.tick(999);
    await flush();
    assert.deepEqual(passes, ['all', ['a', 'b']]);
    mock.timers.tick(1);
    await flush();
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
    }, 1_000, assert.fail);
    loop.start();
    mock.timers.tick(0);
    await flush();
    loop.nudge('x');
    loop.nudge('y');
    mock.timers.tick(0);
    await flush();
    assert.deepEqual(passes, ['all']);
    release();
    await flush();
    mock.timers.tick(0);
    await flush();
    assert.deepEqual(passes, ['all', ['x', 'y']]);
    await loop.close();
  });

  it('reports a failed pass and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new ControllerLoop<string>(async () => { calls += 1; throw new Error('boom'); }, 1_000, (e) => errors.push(e));
    loop.start();
    mock.timers.tick(0);
    await flush();
    mock.timers.tick(1_000);
    await flush();
    assert.equal(calls, 2);
    assert.equal(errors.length, 2);
    await loop.close();
  });
});
