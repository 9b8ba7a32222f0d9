import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ServiceSimulation, SIM_SCOPE } from './service-sim-harness.js';

let sims: ServiceSimulation[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

const WEB_PORT = { portMappings: [{ containerPort: 80, hostPort: 0 }] };

/** A simulation with an ALB whose target group (deregistration delay 10 s) a 2-task `web` service uses. */
async function loadBalancedService() {
  const sim = await ServiceSimulation.create();
  sims.push(sim);
  const targetGroupArn = await sim.targetGroupBehindLoadBalancer('web', 10);
  const v1 = await sim.registerDefinition('web', 'good', WEB_PORT);
  await sim.createService({
    serviceName: 'web', taskDefinition: v1, desiredCount: 2, healthCheckGracePeriodSeconds: 5,
    loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 80 }],
  });
  return { sim, targetGroupArn, v1 };
}

const targets = (sim: ServiceSimulation, targetGroupArn: string) => sim.stores.elbTargets.list(targetGroupArn);
const rollout = async (sim: ServiceSimulation) => (await sim.describe('web')).deployments!.map((d) => d.rolloutState);

describe('services with load balancers (simulation)', () => {
  it('registers each task (instance id, host port) once it runs, and completes only once its targets are healthy', async () => {
    const { sim, targetGroupArn } = await loadBalancedService();
    await sim.until(async () => (await targets(sim, targetGroupArn)).length === 2);
    const live = await sim.liveTasks('web');
    const instances = await sim.stores.containerInstances.list(SIM_SCOPE.region, 'sim', {});
    for (const task of live) {
      const binding = task.containers[0]!.networkBindings[0]!;
      const ec2 = instances.find((i) => i.id === task.containerInstanceId)!.ec2InstanceId;
      assert.deepEqual(task.loadBalancerTargets, [{ targetGroupArn, id: ec2, port: binding.hostPort }]);
    }
    // 60 s on, the targets are still in their initial checks: no 40 s rule with a load balancer.
    for (let i = 0; i < 60; i++) await sim.step();
    assert.deepEqual(await rollout(sim), ['IN_PROGRESS']);
    await sim.setTargetHealth(targetGroupArn, () => 'healthy');
    await sim.until(async () => (await rollout(sim))[0] === 'COMPLETED', { maxSteps: 5 });
    const registered = (await sim.describe('web')).events!.map((e) => /^\(service web\) registered (\d) targets in \(target-group (.+)\)$/.exec(e.message!)).filter((m) => m !== null);
    assert.equal(registered.reduce((n, m) => n + Number(m[1]), 0), 2, 'ECS\'s registration events');
    assert.ok(registered.every((m) => m[2] === targetGroupArn));
  });

  it('drains a replaced task from its target group (DEACTIVATING) before its agent stops it', async () => {
    const { sim, targetGroupArn } = await loadBalancedService();
    await sim.until(async () => (await targets(sim, targetGroupArn)).length === 2);
    await sim.setTargetHealth(targetGroupArn, () => 'healthy');
    await sim.until(async () => (await rollout(sim))[0] === 'COMPLETED');
    const old = await sim.liveTasks('web');

    const v2 = await sim.registerDefinition('web', 'good', WEB_PORT);
    await sim.updateService({ service: 'web', taskDefinition: v2 });
    await sim.until(async () => (await targets(sim, targetGroupArn)).length === 4, { each: () => sim.setTargetHealth(targetGroupArn, () => 'healthy') });
    await sim.until(async () => (await targets(sim, targetGroupArn)).filter((t) => t.drainUntil !== undefined).length === 2,
      { each: () => sim.setTargetHealth(targetGroupArn, () => 'healthy') });
    const draining = await Promise.all(old.map((t) => sim.stores.tasks.get(t.region, t.cluster, t.id)));
    assert.deepEqual(draining.map((t) => [t?.lastStatus, t?.desiredStatus]), [['DEACTIVATING', 'STOPPED'], ['DEACTIVATING', 'STOPPED']]);
    const containersUp = async () => (await Promise.all(sim.agents.map((a) => a.runtime.listContainers({})))).flat().filter((c) => c.status === 'running').length;
    assert.equal(await containersUp(), 4, 'old tasks keep serving while they drain');

    const drainedAt = sim.clock.now() + 10_000;
    await sim.until(async () => (await Promise.all(old.map((t) => sim.stores.tasks.get(t.region, t.cluster, t.id)))).every((t) => t?.lastStatus === 'STOPPED'));
    assert.ok(sim.clock.now() >= drainedAt, 'stopped only after the deregistration delay');
    assert.equal((await targets(sim, targetGroupArn)).filter((t) => t.drainUntil === undefined).length, 2);
    const events = (await sim.describe('web')).events!.map((e) => e.message!);
    assert.ok(events.some((m) => /^\(service web\) has begun draining connections on [12] tasks\.$/.test(m)), events.join('\n'));
    assert.ok(events.some((m) => m.startsWith(`(service web) deregistered `) && m.endsWith(`targets in (target-group ${targetGroupArn})`)), events.join('\n'));
  });

  it('replaces a task whose target turns unhealthy after the grace period, saying so', async () => {
    const { sim, targetGroupArn } = await loadBalancedService();
    await sim.until(async () => (await targets(sim, targetGroupArn)).length === 2);
    await sim.setTargetHealth(targetGroupArn, () => 'healthy');
    await sim.until(async () => (await rollout(sim))[0] === 'COMPLETED');
    const [sick, fine] = await sim.liveTasks('web');
    const sickTarget = sick!.loadBalancerTargets![0]!;
    await sim.setTargetHealth(targetGroupArn, (t) => (t.id === sickTarget.id && t.port === sickTarget.port ? 'unhealthy' : 'healthy'));
    await sim.until(async () => (await sim.stores.tasks.get(sick!.region, sick!.cluster, sick!.id))?.lastStatus === 'STOPPED',
      { each: () => sim.setTargetHealth(targetGroupArn, (t) => (t.id === sickTarget.id && t.port === sickTarget.port ? 'unhealthy' : 'healthy')) });
    const stopped = await sim.stores.tasks.get(sick!.region, sick!.cluster, sick!.id);
    assert.equal(stopped?.stoppedReason, `Task failed ELB health checks in (target-group ${targetGroupArn})`);
    const events = (await sim.describe('web')).events!.map((e) => e.message);
    assert.ok(events.includes(`(service web) (task ${sick!.id}) (port ${sickTarget.port}) is unhealthy in (target-group ${targetGroupArn}) due to (reason Health checks failed with these codes: [500]).`), events.join('\n'));
    assert.equal((await sim.stores.tasks.get(fine!.region, fine!.cluster, fine!.id))?.lastStatus, 'RUNNING');
    await sim.until(async () => (await sim.liveTasks('web')).filter((t) => t.desiredStatus === 'RUNNING').length === 2);
  });

  it('drains a task StopTask stops before its agent stops it, and replaces it', async () => {
    const { sim, targetGroupArn } = await loadBalancedService();
    await sim.until(async () => (await targets(sim, targetGroupArn)).length === 2);
    await sim.setTargetHealth(targetGroupArn, () => 'healthy');
    await sim.until(async () => (await rollout(sim))[0] === 'COMPLETED');
    const [task] = await sim.liveTasks('web');
    const stopped = await sim.tasks.stop(SIM_SCOPE, { cluster: 'sim', task: task!.id });
    assert.deepEqual([stopped.task?.lastStatus, stopped.task?.desiredStatus, stopped.task?.stopCode], ['DEACTIVATING', 'STOPPED', 'UserInitiated']);
    const target = task!.loadBalancerTargets![0]!;
    const draining = (await targets(sim, targetGroupArn)).find((t) => t.id === target.id && t.port === target.port);
    assert.ok(draining?.drainUntil !== undefined, 'deregistered at once: no new requests reach it');
    const until = sim.clock.now() + 10_000;
    await sim.until(async () => (await sim.stores.tasks.get(task!.region, task!.cluster, task!.id))?.lastStatus === 'STOPPED',
      { each: () => sim.setTargetHealth(targetGroupArn, () => 'healthy') });
    assert.ok(sim.clock.now() >= until, 'its agent stopped it only after the deregistration delay');
    await sim.until(async () => (await sim.liveTasks('web')).filter((t) => t.desiredStatus === 'RUNNING').length === 2);
  });

  it('refuses load balancers ECS would refuse', async () => {
    const sim = await ServiceSimulation.create();
    sims.push(sim);
    const targetGroupArn = await sim.targetGroupBehindLoadBalancer('web', 0);
    const { TargetGroups } = await sim.elbv2.targetGroups.create(SIM_SCOPE, { Name: 'loose', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-sim' });
    const v1 = await sim.registerDefinition('web', 'good', WEB_PORT);
    const create = (lb: object, taskDefinition = v1) => sim.createService({
      serviceName: 'web', taskDefinition, desiredCount: 1, loadBalancers: [lb], networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-sim'] } },
    });
    const loose = TargetGroups![0]!.TargetGroupArn!;
    await assert.rejects(create({ targetGroupArn: loose, containerName: 'app', containerPort: 80 }),
      { name: 'InvalidParameterException', message: `The target group with targetGroupArn ${loose} does not have an associated load balancer.` });
    await assert.rejects(create({ targetGroupArn, containerName: 'app', containerPort: 81 }),
      { message: 'The container app did not have a container port 81 defined.' });
    await assert.rejects(create({ targetGroupArn, containerName: 'db', containerPort: 80 }), { message: 'The container db does not exist in the task definition.' });
    await assert.rejects(create({ targetGroupArn, containerPort: 80 }), { message: 'Container Name can not be blank.' });
    await sim.taskDefinitions.register(SIM_SCOPE, 'arn:aws:iam::123456789012:root', {
      family: 'vpc', networkMode: 'awsvpc', containerDefinitions: [{ name: 'app', image: 'good:latest', cpu: 256, memory: 512, ...WEB_PORT }],
    });
    await assert.rejects(create({ targetGroupArn, containerName: 'app', containerPort: 80 }, 'vpc:1'),
      { message: `The provided target group ${targetGroupArn} has target type instance, which is incompatible with the awsvpc network mode specified in the task definition.` });
  });
});
