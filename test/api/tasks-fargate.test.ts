import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, DescribeClustersCommand, DescribeTasksCommand, type ECSClient, ListTasksCommand,
  RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task, waitUntilTasksRunning,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { containersOfTask, dockerSkipReason, TEST_IMAGE } from '../support/docker.js';
import { eventually } from '../support/eventually.js';

const skip = await dockerSkipReason();

/** FARGATE tasks on `berth up`'s own capacity: real containers on the local Docker engine. */
describe('RunTask with the FARGATE launch type, end to end on Docker', { skip, timeout: 180_000 }, () => {
  let berth: BerthProcess;
  let ecs: ECSClient;
  const network = { awsvpcConfiguration: { subnets: ['subnet-berth'], assignPublicIp: 'DISABLED' as const } };
  const run = async (family: string, command: string[], image = TEST_IMAGE) => {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'app', image, command, stopTimeout: 2 }],
    }));
    const out = await ecs.send(new RunTaskCommand({ cluster: 'fargate', taskDefinition: family, launchType: 'FARGATE', networkConfiguration: network }));
    assert.deepEqual(out.failures, []);
    return out.tasks![0]!;
  };
  const describeTask = async (task: Task) => (await ecs.send(new DescribeTasksCommand({ cluster: 'fargate', tasks: [task.taskArn!] }))).tasks![0]!;
  const untilStopped = (task: Task) => eventually(async () => {
    const now = await describeTask(task);
    assert.equal(now.lastStatus, 'STOPPED');
    return now;
  }, { timeoutMs: 60_000, intervalMs: 200 });

  before(async () => {
    berth = await startBerthProcess();
    ecs = berth.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'fargate' }));
  });
  after(async () => {
    // Leave no containers behind: stop what still runs and let the agent clean up.
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: 'fargate' }));
    for (const taskArn of taskArns) await ecs.send(new StopTaskCommand({ cluster: 'fargate', task: taskArn }));
    for (const taskArn of taskArns) await eventually(() => assert.deepEqual(containersOfTask({ taskArn }), []), { timeoutMs: 30_000, intervalMs: 200 });
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('runs a task to RUNNING with an ENI attachment, and the SDK waiter sees it', async () => {
    const task = await run('sleeper', ['sleep', '300']);
    assert.equal(task.lastStatus, 'PROVISIONING');
    assert.equal(task.launchType, 'FARGATE');
    assert.equal(task.platformVersion, '1.4.0');
    assert.equal(task.containerInstanceArn, undefined);
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 60, minDelay: 1 }, { cluster: 'fargate', tasks: [task.taskArn!] });
    const running = await describeTask(task);
    assert.equal(running.lastStatus, 'RUNNING');
    assert.ok(running.startedAt instanceof Date && running.pullStartedAt instanceof Date);
    assert.equal(running.containers?.[0]?.lastStatus, 'RUNNING');
    const eni = running.attachments?.[0];
    assert.equal(eni?.type, 'ElasticNetworkInterface');
    assert.match(eni?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    const named = execFileSync('docker', ['ps', '-q', '--filter', `label=com.amazonaws.ecs.task-arn=${task.taskArn}`, '--filter', 'label=com.amazonaws.ecs.container-name']);
    assert.equal(named.toString().trim().split('\n').length, 1, 'one task container (its sandbox is no task container)');
    const cluster = await ecs.send(new DescribeClustersCommand({ clusters: ['fargate'], include: ['STATISTICS'] }));
    assert.equal(cluster.clusters?.[0]?.runningTasksCount, 1);
  });

  it('runs the containers of a task in one network namespace: a sidecar reaches the app on 127.0.0.1', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'localhost', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
      containerDefinitions: [
        { name: 'web', image: TEST_IMAGE, essential: false, command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'], stopTimeout: 2 },
        // Exits 0 only once it has fetched the page from the other container over localhost.
        { name: 'probe', image: TEST_IMAGE, command: ['sh', '-c', 'for i in $(seq 150); do wget -q -O- http://127.0.0.1:8080/ && exit 0; sleep 0.2; done; exit 1'] },
      ],
    }));
    const out = await ecs.send(new RunTaskCommand({ cluster: 'fargate', taskDefinition: 'localhost', launchType: 'FARGATE', networkConfiguration: network }));
    assert.deepEqual(out.failures, []);
    const stopped = await untilStopped(out.tasks![0]!);
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    const probe = stopped.containers?.find((c) => c.name === 'probe');
    assert.deepEqual([probe?.lastStatus, probe?.exitCode], ['STOPPED', 0], 'the probe got the page from 127.0.0.1:8080');
    assert.ok(stopped.attachments?.[0]?.details?.some((d) => d.name === 'privateIPv4Address'), 'one address for the task');
    await eventually(() => assert.deepEqual(containersOfTask(stopped), [], 'containers and the pause container removed'), { timeoutMs: 30_000, intervalMs: 200 });
  });

  it('stops when its essential container exits, with the exit code and ECS\'s reason', async () => {
    const task = await run('quick', ['sh', '-c', 'exit 3']);
    const stopped = await untilStopped(task);
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.stoppedReason, 'Essential container in task exited');
    assert.equal(stopped.containers?.[0]?.exitCode, 3);
    assert.equal(stopped.desiredStatus, 'STOPPED');
    assert.ok(stopped.stoppedAt instanceof Date);
  });

  it('StopTask stops a running task: SIGTERM, then SIGKILL after stopTimeout', async () => {
    const task = await run('stubborn', ['sh', '-c', "trap '' TERM; sleep 300 & wait"]);
    await eventually(async () => assert.equal((await describeTask(task)).lastStatus, 'RUNNING'), { timeoutMs: 60_000, intervalMs: 200 });
    const out = await ecs.send(new StopTaskCommand({ cluster: 'fargate', task: task.taskArn!, reason: 'enough' }));
    assert.equal(out.task?.desiredStatus, 'STOPPED');
    const stopped = await untilStopped(task);
    assert.equal(stopped.stopCode, 'UserInitiated');
    assert.equal(stopped.stoppedReason, 'enough');
    assert.equal(stopped.containers?.[0]?.exitCode, 137);
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'fargate', desiredStatus: 'STOPPED' }));
    assert.ok(listed.taskArns?.includes(task.taskArn!));
  });

  it('fails to start with CannotPullContainerError when the image is nowhere', async () => {
    // Nothing listens on 127.0.0.1:9, so this registry cannot answer (and nothing leaves the machine).
    const task = await run('nowhere', ['true'], '127.0.0.1:9/berth-test/missing:latest');
    const stopped = await untilStopped(task);
    assert.equal(stopped.stopCode, 'TaskFailedToStart');
    assert.match(stopped.stoppedReason ?? '', /^CannotPullContainerError: /);
  });

  it('keeps running tasks across a control-plane kill -9 and restart, without duplicates', async () => {
    const task = await run('survivor', ['sleep', '300']);
    await eventually(async () => assert.equal((await describeTask(task)).lastStatus, 'RUNNING'), { timeoutMs: 60_000, intervalMs: 200 });
    const before = containersOfTask(task);
    await berth.stop('SIGKILL');
    berth = await startBerthProcess({ dataDir: berth.dataDir });
    ecs = berth.ecs();
    const again = await eventually(async () => {
      const now = await describeTask(task);
      assert.equal(now.lastStatus, 'RUNNING');
      return now;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    assert.equal(again.taskArn, task.taskArn);
    assert.deepEqual(containersOfTask(task), before);
    await ecs.send(new StopTaskCommand({ cluster: 'fargate', task: task.taskArn! }));
    const stopped = await untilStopped(task);
    assert.equal(stopped.stoppedReason, 'Task stopped by user');
  });
});
