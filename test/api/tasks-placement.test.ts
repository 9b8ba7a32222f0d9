import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, DeregisterContainerInstanceCommand, DescribeClustersCommand, DescribeTasksCommand, type ECSClient, ListTasksCommand, RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand, RunTaskCommand, StartTaskCommand, StopTaskCommand, UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

/** RunTask's control-plane half: placement onto registered instances, failures as data, the task API. */
describe('RunTask placement and the task API (no agent runs these instances)', () => {
  let berth: BerthProcess;
  let ecs: ECSClient;
  const instances: string[] = [];
  const register = async (id: string, az: string, memory = 1024) => {
    const out = await ecs.send(new RegisterContainerInstanceCommand({
      cluster: 'place',
      instanceIdentityDocument: JSON.stringify({ instanceId: id }),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 }, { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22'] }, { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
      ],
      attributes: [{ name: 'ecs.availability-zone', value: az }],
    }));
    instances.push(out.containerInstance!.containerInstanceArn!);
  };

  before(async () => {
    berth = await startBerthProcess();
    ecs = berth.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'place' }));
    await register('i-0000000000000000a', 'us-east-1a');
    await register('i-0000000000000000b', 'us-east-1b');
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'web', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 512, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
    }));
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('places tasks, spread by zone, and reports them PENDING on their instances', async () => {
    const out = await ecs.send(new RunTaskCommand({
      cluster: 'place', taskDefinition: 'web', count: 2, startedBy: 'test', placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
    }));
    assert.deepEqual(out.failures, []);
    assert.equal(out.tasks?.length, 2);
    assert.deepEqual(new Set(out.tasks?.map((t) => t.containerInstanceArn)), new Set(instances));
    for (const task of out.tasks ?? []) {
      assert.match(task.taskArn!, /^arn:aws:ecs:us-east-1:000000000000:task\/place\/[0-9a-f]{32}$/);
      assert.equal(task.lastStatus, 'PENDING');
      assert.equal(task.desiredStatus, 'RUNNING');
      assert.equal(task.launchType, 'EC2');
      assert.equal(task.group, 'family:web');
      assert.equal(task.startedBy, 'test');
      assert.deepEqual(task.containers?.map((c) => [c.name, c.lastStatus]), [['app', 'PENDING']]);
    }
    const cluster = await ecs.send(new DescribeClustersCommand({ clusters: ['place'] }));
    assert.equal(cluster.clusters?.[0]?.pendingTasksCount, 2);
  });

  it('answers what no longer fits in failures[], with ECS\'s reasons', async () => {
    const ports = await ecs.send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'web' }));
    assert.deepEqual(ports.tasks, []);
    assert.deepEqual(ports.failures?.map((f) => f.reason), ['RESOURCE:PORTS', 'RESOURCE:PORTS']);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'big', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 4096 }] }));
    const memory = await ecs.send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'big' }));
    assert.deepEqual(memory.failures?.map((f) => f.reason), ['RESOURCE:MEMORY', 'RESOURCE:MEMORY']);
  });

  it('never places on a DRAINING instance', async () => {
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'place', containerInstances: [instances[0]!], status: 'DRAINING' }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'small', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }] }));
    const out = await ecs.send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'small', count: 3 }));
    assert.deepEqual(out.tasks?.map((t) => t.containerInstanceArn), [instances[1], instances[1], instances[1]]);
  });

  it('lists by family, startedBy and instance, describes by ARN or id, and reports unknown ones MISSING', async () => {
    const web = await ecs.send(new ListTasksCommand({ cluster: 'place', family: 'web' }));
    assert.equal(web.taskArns?.length, 2);
    const byStarter = await ecs.send(new ListTasksCommand({ cluster: 'place', startedBy: 'test' }));
    assert.deepEqual(new Set(byStarter.taskArns), new Set(web.taskArns));
    const onSecond = await ecs.send(new ListTasksCommand({ cluster: 'place', containerInstance: instances[1] }));
    assert.equal(onSecond.taskArns?.length, 4);
    const [first] = web.taskArns!;
    const id = first!.split('/').at(-1)!;
    const missing = 'arn:aws:ecs:us-east-1:000000000000:task/place/0123456789abcdef0123456789abcdef';
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'place', tasks: [first!, id, missing] }));
    assert.deepEqual(described.tasks?.map((t) => t.taskArn), [first, first]);
    assert.deepEqual(described.failures, [{ arn: missing, reason: 'MISSING' }]);
  });

  it('stops a task: desired STOPPED with the user\'s reason, listed as STOPPED', async () => {
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: 'place', family: 'small' }));
    const out = await ecs.send(new StopTaskCommand({ cluster: 'place', task: taskArns![0]!, reason: 'done here' }));
    assert.equal(out.task?.desiredStatus, 'STOPPED');
    assert.equal(out.task?.stopCode, 'UserInitiated');
    assert.equal(out.task?.stoppedReason, 'done here');
    assert.ok(out.task?.stoppingAt instanceof Date);
    const stopped = await ecs.send(new ListTasksCommand({ cluster: 'place', desiredStatus: 'STOPPED' }));
    assert.deepEqual(stopped.taskArns, [taskArns![0]]);
    await assert.rejects(ecs.send(new StopTaskCommand({ cluster: 'place', task: 'ffffffffffffffffffffffffffffffff' })), { name: 'InvalidParameterException' });
  });

  it('StartTask starts one task on each named instance, and reports unknown ones MISSING', async () => {
    const unknown = 'arn:aws:ecs:us-east-1:000000000000:container-instance/place/0123456789abcdef0123456789abcdef';
    const out = await ecs.send(new StartTaskCommand({ cluster: 'place', taskDefinition: 'small', containerInstances: [instances[1]!, unknown], startedBy: 'manual' }));
    assert.deepEqual(out.tasks?.map((t) => [t.containerInstanceArn, t.startedBy, t.lastStatus]), [[instances[1], 'manual', 'PENDING']]);
    assert.deepEqual(out.failures, [{ arn: unknown, reason: 'MISSING' }]);
  });

  it('propagates task definition tags and adds ECS managed tags when asked', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'tagged', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 16 }], tags: [{ key: 'team', value: 'core' }, { key: 'env', value: 'td' }] }));
    const out = await ecs.send(new RunTaskCommand({
      cluster: 'place', taskDefinition: 'tagged', propagateTags: 'TASK_DEFINITION', enableECSManagedTags: true, tags: [{ key: 'env', value: 'run' }],
    }));
    const tags = (await ecs.send(new DescribeTasksCommand({ cluster: 'place', tasks: [out.tasks![0]!.taskArn!], include: ['TAGS'] }))).tasks![0]!.tags;
    assert.deepEqual([...(tags ?? [])].sort((a, b) => a.key!.localeCompare(b.key!)),
      [{ key: 'aws:ecs:clusterName', value: 'place' }, { key: 'env', value: 'run' }, { key: 'team', value: 'core' }]);
  });

  it('refuses to deregister an instance with live tasks unless forced', async () => {
    await assert.rejects(ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'place', containerInstance: instances[1]! })), { name: 'InvalidParameterException' });
    const forced = await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'place', containerInstance: instances[1]!, force: true }));
    assert.equal(forced.containerInstance?.status, 'INACTIVE');
  });

  it('refuses what cannot run at all', async () => {
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'nope' })), { name: 'ClientException', message: 'TaskDefinition not found.' });
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'web', count: 11 })), { name: 'InvalidParameterException' });
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster: 'place', taskDefinition: 'web', launchType: 'FARGATE' })),
      { name: 'InvalidParameterException', message: 'Task definition does not support launch_type FARGATE.' });
    await ecs.send(new CreateClusterCommand({ clusterName: 'empty' }));
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster: 'empty', taskDefinition: 'web' })),
      { name: 'InvalidParameterException', message: 'No Container Instances were found in your cluster.' });
  });
});
