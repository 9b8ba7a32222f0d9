import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ServiceSimulation } from './service-sim-harness.js';

let sims: ServiceSimulation[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});
const simulate = async (options?: Parameters<typeof ServiceSimulation.create>[0]) => {
  const sim = await ServiceSimulation.create(options);
  sims.push(sim);
  return sim;
};

const completed = (sim: ServiceSimulation, name: string, taskDefinition: string) => async () => {
  const s = await sim.describe(name);
  return s.deployments?.length === 1 && s.deployments[0]!.rolloutState === 'COMPLETED' && s.deployments[0]!.taskDefinition === taskDefinition
    && s.runningCount === s.desiredCount;
};

describe('service controller (simulation: real services, store, scheduler and agents on a fake clock)', () => {
  it('brings a service to its desired count, completes the deployment and reaches a steady state', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
    await sim.createService({ serviceName: 'web', taskDefinition: v1, desiredCount: 4 });
    await sim.until(completed(sim, 'web', v1));
    const service = await sim.describe('web');
    assert.equal(service.runningCount, 4);
    const messages = service.events!.map((e) => e.message);
    assert.equal(messages[0], '(service web) has reached a steady state.');
    assert.match(messages.at(-1)!, /^\(service web\) has started 4 tasks: (\(task [0-9a-f]{32}\) ?){4}\.$/);
    // Spread over zones and instances without a strategy: 3 instances in 3 zones hold 2, 1, 1.
    const perInstance = new Map<string, number>();
    for (const t of await sim.liveTasks('web')) perInstance.set(t.containerInstanceId, (perInstance.get(t.containerInstanceId) ?? 0) + 1);
    assert.deepEqual([...perInstance.values()].sort(), [1, 1, 2]);
  });

  it('counts a task without a health check 40 seconds after RUNNING', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good');
    await sim.createService({ serviceName: 'web', taskDefinition: v1, desiredCount: 2 });
    const steps = await sim.until(completed(sim, 'web', v1));
    assert.ok(steps >= 40 && steps <= 43, `completed after ${steps} s`);
  });

  it('rolls to a new revision at 100/200 without dropping below the desired count', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
    await sim.createService({ serviceName: 'web', taskDefinition: v1, desiredCount: 3 });
    await sim.until(completed(sim, 'web', v1));
    const v2 = await sim.registerDefinition('web', 'slow');
    await sim.updateService({ service: 'web', taskDefinition: v2 });
    let maxLive = 0;
    await sim.until(completed(sim, 'web', v2), {
      each: async () => {
        const live = (await sim.liveTasks('web'));
        maxLive = Math.max(maxLive, live.length);
        const serving = live.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
        assert.ok(serving.length >= 3, `only ${serving.length} running`);
      },
    });
    assert.ok(maxLive <= 6);
    const deployments = await sim.serviceDeployments.list({ region: 'us-east-1', accountId: '123456789012' }, { cluster: 'sim', service: 'web' });
    assert.deepEqual(deployments.serviceDeployments!.map((d) => d.status), ['SUCCESSFUL', 'SUCCESSFUL']);
  });

  it('trips the circuit breaker on tasks that exit at once and rolls back to the last completed deployment', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
    await sim.createService({ serviceName: 'web', taskDefinition: v1, desiredCount: 2, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } });
    await sim.until(completed(sim, 'web', v1));
    const bad = await sim.registerDefinition('web', 'bad');
    const updated = await sim.updateService({ service: 'web', taskDefinition: bad });
    const failedId = updated.service!.deployments![0]!.id!;
    await sim.until(async () => (await sim.describe('web')).taskDefinition === v1);
    const rolling = await sim.describe('web');
    assert.equal(rolling.deployments![0]!.rolloutStateReason, `ECS deployment circuit breaker: rolling back to deploymentId ${updated.service!.deployments![1]!.id}.`);
    // The failed deployment stays listed (ACTIVE, FAILED) while any of its tasks remain.
    const failed = rolling.deployments!.find((d) => d.id === failedId);
    if (failed) assert.deepEqual([failed.status, failed.rolloutState, failed.rolloutStateReason], ['ACTIVE', 'FAILED', 'ECS deployment circuit breaker: tasks failed to start.']);
    const scope = { region: 'us-east-1', accountId: '123456789012' };
    const [rollingBack] = (await sim.serviceDeployments.list(scope, { cluster: 'sim', service: 'web' })).serviceDeployments!;
    assert.equal(rollingBack!.status, 'ROLLBACK_IN_PROGRESS');
    const [detail] = (await sim.serviceDeployments.describe(scope, { serviceDeploymentArns: [rollingBack!.serviceDeploymentArn!] })).serviceDeployments!;
    const breaker = detail!.deploymentCircuitBreaker!;
    assert.deepEqual([breaker.status, breaker.threshold], ['TRIGGERED', 3], 'the threshold is clamp(ceil(0.5 × 2), 3, 200)');
    // Both tasks of a pass can fail together, so the count may pass the threshold by one.
    assert.ok(breaker.failureCount! >= 3 && breaker.failureCount! <= 4, `failureCount ${breaker.failureCount}`);
    await sim.until(completed(sim, 'web', v1));
    const messages = (await sim.describe('web')).events!.map((e) => e.message);
    assert.ok(messages.includes(`(service web) (deployment ${failedId}) deployment failed: tasks failed to start.`));
    const [latest] = (await sim.serviceDeployments.list({ region: 'us-east-1', accountId: '123456789012' }, { cluster: 'sim', service: 'web' })).serviceDeployments!;
    assert.equal(latest!.status, 'ROLLBACK_SUCCESSFUL');
  });

  it('without rollback a failed deployment starts nothing more and keeps the old tasks', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
    await sim.createService({ serviceName: 'web', taskDefinition: v1, desiredCount: 2, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } });
    await sim.until(completed(sim, 'web', v1));
    await sim.updateService({ service: 'web', taskDefinition: await sim.registerDefinition('web', 'bad') });
    await sim.until(async () => (await sim.describe('web')).deployments![0]!.rolloutState === 'FAILED');
    for (let i = 0; i < 30; i++) await sim.step();
    const live = await sim.liveTasks('web');
    assert.deepEqual(live.map((t) => t.taskDefinitionArn), [v1, v1]);
  });

  it('replaces tasks that fail their health check', async () => {
    const sim = await simulate();
    const sick = await sim.registerDefinition('web', 'sick');
    await sim.createService({ serviceName: 'web', taskDefinition: sick, desiredCount: 1 });
    await sim.until(async () => (await sim.describe('web')).events!.some((e) => / failed container health checks\.$/.test(e.message!)));
    const stopped = await sim.stores.tasks.list('us-east-1', 'sim', { desiredStatus: 'STOPPED', limit: 10 });
    assert.equal(stopped[0]?.stoppedReason, 'Task failed container health checks');
    assert.equal(stopped[0]?.stopCode, 'ServiceSchedulerInitiated');
  });

  it('throttles launches of tasks that never start, and a new deployment lifts it', async () => {
    const sim = await simulate();
    const missing = await sim.registerDefinition('web', 'good', { image: 'nowhere:latest' });
    await sim.createService({ serviceName: 'web', taskDefinition: missing, desiredCount: 1 });
    await sim.until(async () => (await sim.describe('web')).events!.some((e) => e.message === '(service web) is unable to consistently start tasks successfully.'));
    const record = await sim.stores.services.get('us-east-1', 'sim', 'web');
    assert.ok(record!.throttle.notBefore > sim.clock.now());
    const good = await sim.registerDefinition('web', 'good', { healthChecked: true });
    await sim.updateService({ service: 'web', taskDefinition: good });
    const steps = await sim.until(completed(sim, 'web', good));
    assert.ok(steps < 20, `took ${steps} steps`);
  });

  it('replaces the tasks of an instance that is drained, and of one deregistered with force', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
    await sim.createService({ serviceName: 'web', taskDefinition: v1, desiredCount: 3 });
    await sim.until(completed(sim, 'web', v1));
    const [first, second] = sim.agents;
    await sim.containerInstances.updateState({ region: 'us-east-1', accountId: '123456789012' }, { cluster: 'sim', containerInstances: [first!.instanceId], status: 'DRAINING' });
    await sim.until(async () => (await sim.liveTasks('web')).every((t) => t.containerInstanceId !== first!.instanceId) && (await sim.describe('web')).runningCount === 3);
    await sim.containerInstances.deregister({ region: 'us-east-1', accountId: '123456789012' }, { cluster: 'sim', containerInstance: second!.instanceId, force: true });
    sim.disconnect(second!);
    await sim.until(async () => {
      const live = await sim.liveTasks('web');
      return live.length === 3 && live.every((t) => t.containerInstanceId !== second!.instanceId && t.lastStatus === 'RUNNING');
    });
  });

  it('runs one DAEMON task per active instance, following instances that join and drain', async () => {
    const sim = await simulate({ instances: 2 });
    const agentDef = await sim.registerDefinition('agent', 'good', { healthChecked: true });
    await sim.createService({ serviceName: 'agent', taskDefinition: agentDef, schedulingStrategy: 'DAEMON' });
    const onEach = (n: number) => async () => {
      const live = (await sim.liveTasks('agent')).filter((t) => t.lastStatus === 'RUNNING');
      return live.length === n && new Set(live.map((t) => t.containerInstanceId)).size === n;
    };
    await sim.until(onEach(2));
    await sim.addInstance(2, 4);
    await sim.until(onEach(3));
    await sim.containerInstances.updateState({ region: 'us-east-1', accountId: '123456789012' }, { cluster: 'sim', containerInstances: [sim.agents[0]!.instanceId], status: 'DRAINING' });
    await sim.until(async () => (await sim.liveTasks('agent')).length === 2);
    assert.equal((await sim.describe('agent')).deploymentConfiguration?.maximumPercent, 100);
  });

  it('gives its tasks the deployment as startedBy, the service as group, and propagated and managed tags', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
    const { service } = await sim.createService({
      serviceName: 'web', taskDefinition: v1, desiredCount: 1, propagateTags: 'SERVICE', enableECSManagedTags: true, tags: [{ key: 'team', value: 'core' }],
    });
    await sim.until(async () => (await sim.liveTasks('web')).length === 1);
    const [task] = await sim.liveTasks('web');
    assert.deepEqual([task!.startedBy, task!.group], [service!.deployments![0]!.id, 'service:web']);
    const tags = await sim.stores.tags.list(`arn:aws:ecs:us-east-1:123456789012:task/sim/${task!.id}`);
    assert.deepEqual(tags.map((t) => [t.key, t.value]).sort(), [['aws:ecs:clusterName', 'sim'], ['aws:ecs:serviceName', 'web'], ['team', 'core']]);
  });

  it('DeleteService with force stops every task and leaves the service INACTIVE', async () => {
    const sim = await simulate();
    const v1 = await sim.registerDefinition('web', 'good', { healthChecked: true });
    await sim.createService({ serviceName: 'web', taskDefinition: v1, desiredCount: 2 });
    await sim.until(completed(sim, 'web', v1));
    await assert.rejects(sim.services.delete({ region: 'us-east-1', accountId: '123456789012' }, { cluster: 'sim', service: 'web' }), { message: 'The service cannot be stopped while it is scaled above 0.' });
    await sim.services.delete({ region: 'us-east-1', accountId: '123456789012' }, { cluster: 'sim', service: 'web', force: true });
    await sim.until(async () => (await sim.describe('web')).status === 'INACTIVE');
    assert.deepEqual(await sim.liveTasks('web'), []);
  });
});
