import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeStartPlan, findDependencyProblem, resolveDependency, selectStoppable, type DependencyCondition, type DependencyNode,
} from './dependency-graph.js';

const node = (name: string, over: Partial<DependencyNode> = {}): DependencyNode => ({
  name, known: 'CREATED', started: false, health: 'UNKNOWN', hasHealthCheck: false, dependsOn: [], ...over,
});
const running = (name: string, over: Partial<DependencyNode> = {}) => node(name, { known: 'RUNNING', started: true, ...over });
const exited = (name: string, exitCode: number) => node(name, { known: 'STOPPED', started: true, exitCode });
const on = (containerName: string, condition: DependencyCondition) => ({ containerName, condition });

describe('resolveDependency', () => {
  const table: [DependencyCondition, DependencyNode, string][] = [
    ['START', node('d'), 'waiting'],
    ['START', running('d'), 'resolved'],
    ['START', exited('d', 1), 'resolved'],
    ['COMPLETE', running('d'), 'waiting'],
    ['COMPLETE', exited('d', 3), 'resolved'],
    ['SUCCESS', running('d'), 'waiting'],
    ['SUCCESS', exited('d', 0), 'resolved'],
    ['SUCCESS', exited('d', 1), 'impossible'],
    ['HEALTHY', running('d', { hasHealthCheck: true }), 'waiting'],
    ['HEALTHY', running('d', { hasHealthCheck: true, health: 'UNHEALTHY' }), 'waiting'],
    ['HEALTHY', running('d', { hasHealthCheck: true, health: 'HEALTHY' }), 'resolved'],
    ['HEALTHY', running('d'), 'impossible'],
    ['HEALTHY', node('d', { known: 'STOPPED', started: true, hasHealthCheck: true, health: 'HEALTHY' }), 'impossible'],
    ['COMPLETE', node('d', { known: 'STOPPED' }), 'impossible'],
  ];
  for (const [condition, target, expected] of table) {
    it(`${condition} on ${target.known}${target.exitCode !== undefined ? ` (exit ${target.exitCode})` : ''} ${target.health} is ${expected}`, () => {
      assert.equal(resolveDependency(condition, target).state, expected);
    });
  }
  it('says why an impossible one is', () => {
    assert.deepEqual(resolveDependency('SUCCESS', exited('migrate', 2)), { state: 'impossible', reason: 'dependency migrate exited with code 2 (condition SUCCESS)' });
  });
});

describe('computeStartPlan', () => {
  it('starts created containers whose dependencies hold, and only those', () => {
    const plan = computeStartPlan([
      node('db', { hasHealthCheck: true }),
      node('app', { dependsOn: [on('db', 'HEALTHY')] }),
      running('cache'),
      node('web', { dependsOn: [on('cache', 'START')] }),
      exited('migrate', 1),
      node('api', { dependsOn: [on('migrate', 'SUCCESS')] }),
    ]);
    assert.deepEqual(plan.startable, ['db', 'web']);
    assert.deepEqual(plan.impossible.map((i) => i.name), ['api']);
  });
});

describe('selectStoppable', () => {
  it('stops dependents before what they depend on', () => {
    const nodes = [running('db'), running('app', { dependsOn: [on('db', 'START')] }), running('proxy', { dependsOn: [on('app', 'HEALTHY')] }), running('side')];
    assert.deepEqual(selectStoppable(nodes), ['proxy', 'side']);
    assert.deepEqual(selectStoppable([running('db'), exited('app', 0)]), ['db']);
  });
});

describe('findDependencyProblem', () => {
  it('finds a missing container and a cycle', () => {
    assert.equal(findDependencyProblem([node('a', { dependsOn: [on('b', 'START')] })]), 'container a depends on b, which is not in the task');
    assert.equal(findDependencyProblem([node('a', { dependsOn: [on('b', 'START')] }), node('b', { dependsOn: [on('a', 'START')] })]), 'dependsOn has a cycle: a -> b -> a');
    assert.equal(findDependencyProblem([node('a', { dependsOn: [on('b', 'START')] }), node('b')]), undefined);
  });
});
