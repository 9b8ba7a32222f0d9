import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, DescribeContainerInstancesCommand, DescribeTasksCommand, type ECSClient, ListContainerInstancesCommand,
  ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task,
} from '@aws-sdk/client-ecs';
import { type AgentProcess, startAgentProcess } from '../support/agent-process.js';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { containersOfTask, dockerSkipReason, httpGet, TEST_IMAGE } from '../support/docker.js';
import { eventually } from '../support/eventually.js';

const skip = await dockerSkipReason();

/** The EC2 launch type: `berth agent` joins a cluster and runs its tasks on the local engine. */
describe('RunTask on a container instance run by `berth agent`, on Docker', { skip, timeout: 180_000 }, () => {
  let berth: BerthProcess;
  let agent: AgentProcess;
  let ecs: ECSClient;
  const describeTask = async (task: Task) => (await ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: [task.taskArn!] }))).tasks![0]!;
  const until = (task: Task, status: string) => eventually(async () => {
    const now = await describeTask(task);
    assert.equal(now.lastStatus, status);
    return now;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  const runTask = async (family: string, command: string[], portMappings: { containerPort: number }[] = [], networkMode?: 'host' | 'none') => {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, networkMode, containerDefinitions: [{ name: 'app', image: TEST_IMAGE, memory: 64, command, portMappings, stopTimeout: 2 }],
    }));
    const out = await ecs.send(new RunTaskCommand({ cluster: 'ec2', taskDefinition: family }));
    assert.deepEqual(out.failures, []);
    return out.tasks![0]!;
  };

  before(async () => {
    berth = await startBerthProcess();
    ecs = berth.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'ec2' }));
    agent = await startAgentProcess(berth, 'ec2');
  });
  after(async () => {
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: 'ec2' }));
    for (const taskArn of taskArns) await ecs.send(new StopTaskCommand({ cluster: 'ec2', task: taskArn }));
    for (const taskArn of taskArns) await eventually(() => assert.deepEqual(containersOfTask({ taskArn }), []), { timeoutMs: 30_000, intervalMs: 200 });
    await agent.stop();
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('registers the host with its CPU, memory, reserved ports and attributes', async () => {
    const { containerInstanceArns } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'ec2' }));
    assert.deepEqual(containerInstanceArns, [agent.containerInstanceArn]);
    const [instance] = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ec2', containerInstances: [agent.containerInstanceArn] }))).containerInstances!;
    assert.equal(instance?.agentConnected, true);
    const cpu = instance?.registeredResources?.find((r) => r.name === 'CPU')?.integerValue ?? 0;
    assert.ok(cpu >= 1024 && cpu % 1024 === 0, `CPU ${cpu}`);
    assert.deepEqual(instance?.registeredResources?.find((r) => r.name === 'PORTS')?.stringSetValue, ['22', '2375', '2376', '51678', '51679']);
    assert.ok(instance?.attributes?.some((a) => a.name === 'ecs.os-type' && a.value === 'linux'));
    assert.ok(instance?.attributes?.some((a) => a.name === 'com.amazonaws.ecs.capability.docker-remote-api.1.41'));
  });

  it('runs a bridge task whose dynamic host port answers on 127.0.0.1, and reserves its resources', async () => {
    const task = await runTask('web', ['httpd', '-f', '-p', '80', '-h', '/'], [{ containerPort: 80 }]);
    assert.equal(task.containerInstanceArn, agent.containerInstanceArn);
    const running = await until(task, 'RUNNING');
    const [binding] = running.containers![0]!.networkBindings!;
    assert.equal(binding?.bindIP, '127.0.0.1');
    assert.equal(binding?.containerPort, 80);
    assert.ok((binding?.hostPort ?? 0) >= 49153, `hostPort ${binding?.hostPort}`);
    assert.match(await httpGet('127.0.0.1', binding!.hostPort!), /^HTTP\/1\.[01] /);
    const [instance] = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ec2', containerInstances: [agent.containerInstanceArn] }))).containerInstances!;
    const registered = instance!.registeredResources!.find((r) => r.name === 'MEMORY')!.integerValue!;
    assert.equal(instance!.remainingResources!.find((r) => r.name === 'MEMORY')!.integerValue, registered - 64);
    assert.equal(instance!.runningTasksCount, 1);
  });

  it('runs host-mode tasks on the host\'s own ports and none-mode tasks with no network', async () => {
    const port = 20000 + (process.pid % 20000);
    const host = await runTask('hostmode', ['httpd', '-f', '-p', String(port), '-h', '/'], [{ containerPort: port }], 'host');
    const running = await until(host, 'RUNNING');
    assert.equal(running.containers?.[0]?.networkBindings?.[0]?.hostPort, port);
    assert.match(await httpGet('127.0.0.1', port), /^HTTP\/1\.[01] /);
    const isolated = await runTask('nonemode', ['sh', '-c', 'test "$(ls /sys/class/net)" = lo'], [], 'none');
    const done = await until(isolated, 'STOPPED');
    assert.equal(done.containers?.[0]?.exitCode, 0, 'a none-mode task has only lo');
  });

  it('reports an essential exit back through the agent channel', async () => {
    const task = await runTask('quick', ['sh', '-c', 'exit 7']);
    const stopped = await until(task, 'STOPPED');
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.containers?.[0]?.exitCode, 7);
  });

  it('keeps tasks through an agent kill -9 and restart: the same containers, no duplicates', async () => {
    const task = await runTask('steady', ['sleep', '300']);
    await until(task, 'RUNNING');
    const before = containersOfTask(task);
    const runningBefore = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ec2', containerInstances: [agent.containerInstanceArn] }))).containerInstances?.[0]?.runningTasksCount;
    await agent.stop('SIGKILL');
    agent = await startAgentProcess(berth, 'ec2');
    const { containerInstanceArns } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'ec2' }));
    assert.deepEqual(containerInstanceArns, [agent.containerInstanceArn], 'the host registered again as the same instance');
    // Give the new agent time to adopt (or wrongly restart) the task, then check it did not duplicate it.
    await eventually(async () => assert.equal((await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ec2', containerInstances: [agent.containerInstanceArn] }))).containerInstances?.[0]?.runningTasksCount, runningBefore));
    assert.equal((await describeTask(task)).lastStatus, 'RUNNING');
    assert.deepEqual(containersOfTask(task), before);
    await ecs.send(new StopTaskCommand({ cluster: 'ec2', task: task.taskArn! }));
    const stopped = await until(task, 'STOPPED');
    assert.equal(stopped.stopCode, 'UserInitiated');
    await eventually(() => assert.deepEqual(containersOfTask(task), []), { timeoutMs: 30_000, intervalMs: 200 });
  });
});

/** `berth agent --fargate`: another host's engine as Berth-managed capacity for FARGATE tasks. */
describe('FARGATE tasks on capacity from `berth agent --fargate`', { skip, timeout: 120_000 }, () => {
  let berth: BerthProcess;
  let agent: AgentProcess | undefined;
  let ecs: ECSClient;
  const network = { awsvpcConfiguration: { subnets: ['subnet-berth'] } };

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    ecs = berth.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'remote' }));
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'remote', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'exit 0'] }],
    }));
  });
  after(async () => {
    await agent?.stop();
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('has no capacity without an agent, then runs tasks once one serves', async () => {
    const none = await ecs.send(new RunTaskCommand({ cluster: 'remote', taskDefinition: 'remote', launchType: 'FARGATE', networkConfiguration: network }));
    assert.deepEqual(none.tasks, []);
    assert.equal(none.failures?.[0]?.reason, 'AGENT');
    agent = await startAgentProcess(berth, 'remote', ['--fargate']);
    const { containerInstanceArns } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'remote' }));
    assert.deepEqual(containerInstanceArns, [], 'managed capacity is never listed');
    const out = await ecs.send(new RunTaskCommand({ cluster: 'remote', taskDefinition: 'remote', launchType: 'FARGATE', networkConfiguration: network }));
    const task = out.tasks![0]!;
    const stopped = await eventually(async () => {
      const now = (await ecs.send(new DescribeTasksCommand({ cluster: 'remote', tasks: [task.taskArn!] }))).tasks![0]!;
      assert.equal(now.lastStatus, 'STOPPED');
      return now;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    assert.equal(stopped.containers?.[0]?.exitCode, 0);
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    await eventually(() => assert.deepEqual(containersOfTask(task), []), { timeoutMs: 30_000, intervalMs: 200 });
  });
});
