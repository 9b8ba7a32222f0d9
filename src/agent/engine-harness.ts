/**
 * A `TaskEngine` on `FakeContainerRuntime` and `FakeClock`, with every report and runtime call
 * recorded: the unit tests' harness. Not used by the agent.
 */
import assert from 'node:assert/strict';
import { afterEach } from 'node:test';
import { FakeClock } from '../kit/clock.js';
import { FakeContainerRuntime } from '../runtime/fake-runtime.js';
import { recording, ReportLog } from './agent-fixtures.js';
import type { TaskAssignment } from '../domain/ecs/task-contract.js';
import { TaskEngine } from './task-engine.js';

const IMAGE = 'berth-test/busybox:latest';

export function fakeEngineHarness(options: { images?: string[]; registry?: string[]; warmSandboxes?: number } = {}) {
  const clock = new FakeClock();
  const fake = new FakeContainerRuntime({ clock, images: options.images ?? [IMAGE], registry: options.registry ?? [] });
  const { runtime, calls } = recording(fake);
  const reports = new ReportLog();
  const engines: TaskEngine[] = [];
  const newEngine = () => {
    const engine = new TaskEngine({
      runtime, clock, cluster: 'default', onReport: reports.onReport, labels: { 'berth.agent': 'a1' }, warmSandboxes: options.warmSandboxes ?? 0,
    });
    engines.push(engine);
    return engine;
  };
  const engine = newEngine();
  /** The runtime id of a task's container, from the latest report. */
  const idOf = (a: TaskAssignment, name: string): string => {
    const id = reports.container(a.taskArn, name).runtimeId;
    assert.ok(id, `container ${name} of ${a.taskArn} should have a runtime id`);
    return id;
  };
  const called = (method: string) => calls.filter((c) => c.method === method);
  const close = async () => {
    for (const e of engines) await e.close();
  };
  return { clock, fake, runtime, calls, called, reports, engine, newEngine, idOf, close };
}

/** A test file's `setup`: every harness it makes is closed after the test that made it. */
export function engineHarnessPerTest(): (options?: Parameters<typeof fakeEngineHarness>[0]) => ReturnType<typeof fakeEngineHarness> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanups.splice(0)) await close();
  });
  return (options = {}) => {
    const harness = fakeEngineHarness(options);
    cleanups.push(harness.close);
    return harness;
  };
}
