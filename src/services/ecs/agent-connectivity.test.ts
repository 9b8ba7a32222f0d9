import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../kit/clock.js';
import { randomIdGen } from '../../kit/id-gen.js';
import { openSqlite, type SqliteHandle } from '../../store/sqlite.js';
import { Stores } from '../../store/stores.js';
import { AccountSettingService } from './account-setting-service.js';
import { ClusterService } from './cluster-service.js';
import { ContainerInstanceService } from './container-instance-service.js';
import { TaskDefinitionService } from './task-definition-service.js';
import { TaskService } from './task-service.js';

/** An agent that goes quiet: `agentConnected` turns false and placement stops choosing it (fake clock, no sleeps). */
describe('agent connectivity follows heartbeats', () => {
  const scope = { region: 'us-east-1', accountId: '000000000000' };
  const clock = new FakeClock();
  let sqlite: SqliteHandle;
  let instances: ContainerInstanceService;
  let tasks: TaskService;
  let arn: string;

  before(async () => {
    sqlite = await openSqlite(':memory:');
    const stores = new Stores(sqlite.db);
    const clusters = new ClusterService(stores, new AccountSettingService(stores), clock);
    const definitions = new TaskDefinitionService(stores, clock);
    instances = new ContainerInstanceService(stores, clusters, clock, randomIdGen);
    tasks = new TaskService(stores, clusters, definitions, clock, randomIdGen, { retentionMs: 3_600_000, random: () => 0.5 });
    await clusters.create(scope, { clusterName: 'c' });
    await definitions.register(scope, 'arn:aws:iam::000000000000:root', { family: 'f', containerDefinitions: [{ name: 'a', image: 'busybox', memory: 32 }] });
    const out = await instances.register(scope, {
      cluster: 'c',
      totalResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 1024 }, { name: 'MEMORY', type: 'INTEGER', integerValue: 512 }],
    });
    arn = out.containerInstance!.containerInstanceArn!;
  });
  after(() => sqlite.close());

  const connected = async () => (await instances.describe(scope, { cluster: 'c', containerInstances: [arn] })).containerInstances![0]!.agentConnected;

  it('is connected right after registering, and still 60 s later', async () => {
    assert.equal(await connected(), true);
    clock.advance(60_000);
    assert.equal(await connected(), true);
  });

  it('is disconnected once quiet for longer, and placement answers AGENT', async () => {
    clock.advance(1_000);
    assert.equal(await connected(), false);
    const out = await tasks.run(scope, { cluster: 'c', taskDefinition: 'f' });
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.failures, [{ arn, reason: 'AGENT' }]);
  });

  it('is connected again after the agent checks in', async () => {
    await instances.agentCheckIn(scope, arn);
    assert.equal(await connected(), true);
    const out = await tasks.run(scope, { cluster: 'c', taskDefinition: 'f' });
    assert.equal(out.tasks?.length, 1);
  });
});
