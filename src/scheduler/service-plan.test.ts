import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeServicePlan, type PlanInstance, type PlanTask, SETTLE_WITHOUT_HEALTH_CHECK_MS, type ServicePlanInput } from './service-plan.js';

const NOW = 1_000_000;
const OLD = 'ecs-svc/1';
const NEW = 'ecs-svc/2';

const task = (id: string, deploymentId: string, state: 'healthy' | 'pending' | 'running' | 'stopping' | 'unhealthy' = 'healthy', instanceId = 'i1'): PlanTask => ({
  id, deploymentId, instanceId,
  lastStatus: state === 'pending' ? 'PENDING' : state === 'stopping' ? 'DEACTIVATING' : 'RUNNING',
  desiredStatus: state === 'stopping' ? 'STOPPED' : 'RUNNING',
  ...(state === 'pending' ? {} : { startedAt: state === 'running' ? NOW - 1 : NOW - SETTLE_WITHOUT_HEALTH_CHECK_MS - 1 }),
  healthStatus: state === 'unhealthy' ? 'UNHEALTHY' : 'UNKNOWN',
  healthChecked: state === 'unhealthy',
});

const instances = (...specs: [string, string][]): Map<string, PlanInstance> =>
  new Map(specs.map(([id, status]) => [id, { id, status, eligible: status === 'ACTIVE' }]));

const input = (over: Partial<ServicePlanInput>): ServicePlanInput => ({
  schedulingStrategy: 'REPLICA', desiredCount: 1, minimumHealthyPercent: 100, maximumPercent: 200, healthCheckGracePeriodMs: 0,
  primaryDeploymentId: NEW, launchesAllowed: true, tasks: [], instances: instances(['i1', 'ACTIVE'], ['i2', 'ACTIVE']), now: NOW, ...over,
});

const olds = (n: number) => Array.from({ length: n }, (_, i) => task(`o${i}`, OLD));

describe('computeServicePlan: REPLICA desired count', () => {
  it('starts the desired number from nothing', () => {
    assert.deepEqual(computeServicePlan(input({ desiredCount: 3 })), { stop: [], start: 3, startOn: [], blocked: false });
  });
  it('replaces a task that stopped (only live tasks count)', () => {
    const plan = computeServicePlan(input({ desiredCount: 2, tasks: [task('a', NEW), { ...task('b', NEW), lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }] }));
    assert.equal(plan.start, 1);
  });
  it('scales in pending tasks before healthy ones', () => {
    const plan = computeServicePlan(input({ desiredCount: 1, tasks: [task('a', NEW), task('b', NEW, 'pending')] }));
    assert.deepEqual(plan.stop, [{ taskId: 'b', reason: 'scale-in' }]);
  });
  it('starts nothing while launches are not allowed (throttled or FAILED)', () => {
    assert.equal(computeServicePlan(input({ desiredCount: 2, launchesAllowed: false })).start, 0);
  });
  it('stops a task whose health check failed, after the grace period only', () => {
    const sick = task('a', NEW, 'unhealthy');
    assert.deepEqual(computeServicePlan(input({ tasks: [sick] })).stop, [{ taskId: 'a', reason: 'unhealthy' }]);
    assert.deepEqual(computeServicePlan(input({ tasks: [sick], healthCheckGracePeriodMs: SETTLE_WITHOUT_HEALTH_CHECK_MS * 2 })).stop, []);
  });
  it('replaces tasks on a DRAINING instance within the bounds', () => {
    const plan = computeServicePlan(input({ desiredCount: 1, tasks: [task('a', NEW)], instances: instances(['i1', 'DRAINING'], ['i2', 'ACTIVE']) }));
    assert.deepEqual(plan, { stop: [], start: 1, startOn: [], blocked: false });
  });
});

// The worked examples of semantics §2.3: min = ceil(d·m/100), max = floor(d·M/100).
describe('computeServicePlan: rolling deployment arithmetic', () => {
  it('4 at 50/200: stops 2 old and starts 4 new at once', () => {
    const plan = computeServicePlan(input({ desiredCount: 4, minimumHealthyPercent: 50, maximumPercent: 200, tasks: olds(4) }));
    assert.equal(plan.stop.length, 2);
    assert.equal(plan.start, 4);
  });
  it('2 at 75/200: cannot stop first, so it surges', () => {
    const plan = computeServicePlan(input({ desiredCount: 2, minimumHealthyPercent: 75, tasks: olds(2) }));
    assert.deepEqual([plan.stop.length, plan.start], [0, 2]);
  });
  it('3 at 100/125: neither start nor stop is allowed: blocked', () => {
    const plan = computeServicePlan(input({ desiredCount: 3, minimumHealthyPercent: 100, maximumPercent: 125, tasks: olds(3) }));
    assert.deepEqual(plan, { stop: [], start: 0, startOn: [], blocked: true });
  });
  it('1 at 0/100: stops the old task, then starts the new one once it is gone', () => {
    const first = computeServicePlan(input({ minimumHealthyPercent: 0, maximumPercent: 100, tasks: olds(1) }));
    assert.deepEqual([first.stop.length, first.start], [1, 0]);
    const second = computeServicePlan(input({ minimumHealthyPercent: 0, maximumPercent: 100, tasks: [task('o0', OLD, 'stopping')] }));
    assert.deepEqual([second.stop.length, second.start, second.blocked], [0, 0, false]);
    const third = computeServicePlan(input({ minimumHealthyPercent: 0, maximumPercent: 100, tasks: [] }));
    assert.equal(third.start, 1);
  });
  it('1 at 100/200: starts new, waits until it counts healthy, then stops old', () => {
    assert.deepEqual(computeServicePlan(input({ tasks: olds(1) })), { stop: [], start: 1, startOn: [], blocked: false });
    const settling = computeServicePlan(input({ tasks: [...olds(1), task('n', NEW, 'running')] }));
    assert.deepEqual([settling.stop.length, settling.start, settling.blocked], [0, 0, false]);
    const settled = computeServicePlan(input({ tasks: [...olds(1), task('n', NEW)] }));
    assert.deepEqual(settled.stop, [{ taskId: 'o0', reason: 'replaced' }]);
  });
  it('an old task still settling counts towards the minimum; one not yet running goes freely', () => {
    const settling = computeServicePlan(input({ tasks: [task('o', OLD, 'running')] }));
    assert.deepEqual([settling.stop, settling.start], [[], 1]);
    const starting = computeServicePlan(input({ tasks: [task('o', OLD, 'pending')] }));
    assert.deepEqual([starting.stop, starting.start], [[{ taskId: 'o', reason: 'replaced' }], 1]);
  });
  it('6 at 50/200 stops 3 old first', () => {
    const plan = computeServicePlan(input({ desiredCount: 6, minimumHealthyPercent: 50, tasks: olds(6) }));
    assert.equal(plan.stop.length, 3);
  });
});

describe('computeServicePlan: DAEMON', () => {
  const daemon = (over: Partial<ServicePlanInput>) => input({ schedulingStrategy: 'DAEMON', minimumHealthyPercent: 0, maximumPercent: 100, ...over });
  it('one task on each eligible instance', () => {
    assert.deepEqual(computeServicePlan(daemon({ instances: instances(['i1', 'ACTIVE'], ['i2', 'ACTIVE'], ['i3', 'DRAINING']) })).startOn, ['i1', 'i2']);
  });
  it('stops the task on an instance that turned DRAINING and extras on one instance', () => {
    const plan = computeServicePlan(daemon({
      tasks: [task('a', NEW, 'healthy', 'i1'), task('b', NEW, 'healthy', 'i1'), task('c', NEW, 'healthy', 'i2')],
      instances: instances(['i1', 'ACTIVE'], ['i2', 'DRAINING']),
    }));
    assert.deepEqual(plan.stop, [{ taskId: 'c', reason: 'draining' }, { taskId: 'b', reason: 'scale-in' }]);
    assert.deepEqual(plan.startOn, []);
  });
  it('replaces an old task on its instance: stop first, start once it is gone', () => {
    const plan = computeServicePlan(daemon({ tasks: [task('o', OLD, 'healthy', 'i1')], instances: instances(['i1', 'ACTIVE']) }));
    assert.deepEqual([plan.stop, plan.startOn], [[{ taskId: 'o', reason: 'replaced' }], []]);
  });
});
