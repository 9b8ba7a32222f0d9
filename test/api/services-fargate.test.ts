import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand,
  type ECSClient, ListServiceDeploymentsCommand, ListTasksCommand, RegisterTaskDefinitionCommand, type Service,
  StopTaskCommand, UpdateServiceCommand, waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { containersOfTask, dockerSkipReason, TEST_IMAGE } from '../support/docker.js';
import { eventually } from '../support/eventually.js';

const skip = await dockerSkipReason();
const CLUSTER = 'services';
const network = { awsvpcConfiguration: { subnets: ['subnet-berth'], assignPublicIp: 'DISABLED' as const } };
/** A container health check that passes at once, so new tasks count as healthy within seconds. */
const healthCheck = { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 2, retries: 2, startPeriod: 0 };

/** Services on `berth up`'s own FARGATE capacity: real containers, the controller keeping them. */
describe('services (FARGATE) end to end on Docker', { skip, timeout: 600_000 }, () => {
  let berth: BerthProcess;
  let ecs: ECSClient;

  const register = async (family: string, command: string[], withHealthCheck = true) => {
    const out = await ecs.send(new RegisterTaskDefinitionCommand({
      family, requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'app', image: TEST_IMAGE, command, stopTimeout: 2, ...(withHealthCheck ? { healthCheck } : {}) }],
    }));
    return out.taskDefinition!.taskDefinitionArn!;
  };
  const describeService = async (name: string): Promise<Service> =>
    (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services![0]!;
  const runningTasks = async (name: string) => {
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: name }));
    if (taskArns.length === 0) return [];
    return (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }))).tasks!.filter((t) => t.lastStatus === 'RUNNING');
  };
  const untilCompleted = (name: string, taskDefinition: string, timeoutMs = 120_000) => eventually(async () => {
    const service = await describeService(name);
    assert.equal(service.deployments?.length, 1, JSON.stringify(service.deployments));
    assert.equal(service.deployments[0]!.rolloutState, 'COMPLETED');
    assert.equal(service.deployments[0]!.taskDefinition, taskDefinition);
    assert.equal(service.runningCount, service.desiredCount);
    return service;
  }, { timeoutMs, intervalMs: 500 });

  before(async () => {
    berth = await startBerthProcess();
    ecs = berth.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  });
  after(async () => {
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER }));
    for (const name of ['web', 'crash']) await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: name, force: true })).catch(() => undefined);
    for (const taskArn of taskArns) await eventually(() => assert.deepEqual(containersOfTask({ taskArn }), []), { timeoutMs: 60_000, intervalMs: 250 });
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('keeps 3 tasks running, reaches a steady state, and the SDK waiter returns', async () => {
    const v1 = await register('web', ['sleep', '3600']);
    const created = await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: 'web', taskDefinition: v1, desiredCount: 3, launchType: 'FARGATE', networkConfiguration: network,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }));
    assert.equal(created.service?.status, 'ACTIVE');
    assert.equal(created.service?.deployments?.[0]?.rolloutState, 'IN_PROGRESS');
    await waitUntilServicesStable({ client: ecs, maxWaitTime: 120, minDelay: 1 }, { cluster: CLUSTER, services: ['web'] });
    const service = await untilCompleted('web', v1);
    assert.equal((await runningTasks('web')).length, 3);
    const messages = service.events!.map((e) => e.message ?? '');
    assert.ok(messages.includes('(service web) has reached a steady state.'), messages.join('\n'));
    assert.ok(messages.some((m) => /^\(service web\) has started \d+ tasks: \(task [0-9a-f]{32}\)/.test(m)), messages.join('\n'));
  });

  it('replaces a task whose container is killed', async () => {
    const [victim] = await runningTasks('web');
    const [container] = containersOfTask(victim!);
    execFileSync('docker', ['kill', container!]);
    await eventually(async () => {
      const tasks = await runningTasks('web');
      assert.equal(tasks.length, 3);
      assert.ok(!tasks.some((t) => t.taskArn === victim!.taskArn), 'the killed task is still listed');
    }, { timeoutMs: 90_000, intervalMs: 500 });
  });

  it('rolls an UpdateService to a new revision through', async () => {
    const v2 = await register('web', ['sleep', '3601']);
    const updated = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: v2 }));
    assert.equal(updated.service?.deployments?.length, 2);
    assert.equal(updated.service?.deployments?.[0]?.status, 'PRIMARY');
    assert.equal(updated.service?.deployments?.[1]?.status, 'ACTIVE');
    await untilCompleted('web', v2);
    const tasks = await runningTasks('web');
    assert.deepEqual(tasks.map((t) => t.taskDefinitionArn), [v2, v2, v2]);
    const { serviceDeployments = [] } = await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web' }));
    assert.deepEqual(serviceDeployments.map((d) => d.status), ['SUCCESSFUL', 'SUCCESSFUL']);
  });

  it('trips the circuit breaker on a revision whose container exits at once, and rolls back', async () => {
    const stable = (await describeService('web')).taskDefinition!;
    const bad = await register('web', ['sh', '-c', 'exit 1']);
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: bad }));
    const service = await eventually(async () => {
      const now = await describeService('web');
      assert.equal(now.taskDefinition, stable);
      assert.equal(now.deployments?.length, 1);
      assert.equal(now.deployments[0]!.rolloutState, 'COMPLETED');
      return now;
    }, { timeoutMs: 180_000, intervalMs: 500 });
    const messages = service.events!.map((e) => e.message ?? '');
    assert.ok(messages.some((m) => /\(deployment ecs-svc\/\d{19}\) deployment failed: tasks failed to start\.$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^\(service web\) rolling back to deployment ecs-svc\/\d{19}\.$/.test(m)), messages.join('\n'));
    const { serviceDeployments = [] } = await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web' }));
    assert.equal(serviceDeployments[0]?.status, 'ROLLBACK_SUCCESSFUL');
  });

  it('resumes a deployment after the control plane restarts', async () => {
    const v4 = await register('web', ['sleep', '3602']);
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: v4 }));
    // (A message on every polled assert: without one, node re-parses the test's source on each failure.)
    await eventually(async () => assert.ok((await runningTasks('web')).some((t) => t.taskDefinitionArn === v4), 'no task of the new revision runs yet'), { timeoutMs: 60_000, intervalMs: 250 });
    await berth.stop();
    berth = await startBerthProcess({ dataDir: berth.dataDir });
    ecs = berth.ecs();
    await untilCompleted('web', v4, 180_000);
    const tasks = await runningTasks('web');
    assert.equal(tasks.length, 3);
    assert.ok(tasks.every((t) => t.taskDefinitionArn === v4));
  });

  it('DeleteService with force drains the tasks and the service goes INACTIVE', async () => {
    const deleted = await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'web', force: true }));
    assert.equal(deleted.service?.status, 'DRAINING');
    await eventually(async () => {
      assert.equal((await describeService('web')).status, 'INACTIVE');
      assert.deepEqual((await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }))).taskArns, []);
    }, { timeoutMs: 90_000, intervalMs: 500 });
  });

  it('a StopTask of a service task is replaced', async () => {
    const arn = await register('crash', ['sleep', '3600'], false);
    await ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'crash', taskDefinition: arn, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: network }));
    const [first] = await eventually(async () => {
      const tasks = await runningTasks('crash');
      assert.equal(tasks.length, 1);
      return tasks;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: first!.taskArn! }));
    await eventually(async () => {
      const tasks = await runningTasks('crash');
      assert.equal(tasks.length, 1);
      assert.notEqual(tasks[0]!.taskArn, first!.taskArn);
    }, { timeoutMs: 60_000, intervalMs: 250 });
  });
});
