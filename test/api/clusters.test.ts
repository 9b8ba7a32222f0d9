import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, DeleteClusterCommand, DescribeClustersCommand, ListClustersCommand, paginateListClusters,
  PutClusterCapacityProvidersCommand, UpdateClusterCommand, UpdateClusterSettingsCommand,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

describe('ECS clusters through @aws-sdk/client-ecs', () => {
  let berth: BerthProcess;
  const arn = (name: string, region = 'us-east-1') => `arn:aws:ecs:${region}:000000000000:cluster/${name}`;

  before(async () => { berth = await startBerthProcess(); });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('creates a cluster with ECS defaults', async () => {
    const { cluster } = await berth.ecs().send(new CreateClusterCommand({ clusterName: 'prod', tags: [{ key: 'team', value: 'core' }] }));
    assert.deepEqual(cluster, {
      clusterArn: arn('prod'),
      clusterName: 'prod',
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      statistics: [],
      tags: [{ key: 'team', value: 'core' }],
      settings: [{ name: 'containerInsights', value: 'disabled' }],
      capacityProviders: [],
      defaultCapacityProviderStrategy: [],
    });
  });

  it('creates `default` when no name is given, and is idempotent for an existing name', async () => {
    const first = await berth.ecs().send(new CreateClusterCommand({}));
    assert.equal(first.cluster?.clusterArn, arn('default'));
    const again = await berth.ecs().send(new CreateClusterCommand({ clusterName: 'prod' }));
    assert.deepEqual(again.cluster?.tags, [{ key: 'team', value: 'core' }]);
  });

  it('describes by name or ARN, reports unknown ones as MISSING, and honours include', async () => {
    const out = await berth.ecs().send(new DescribeClustersCommand({ clusters: ['prod', arn('default'), 'nope', arn('gone')] }));
    assert.deepEqual(out.clusters?.map((c) => c.clusterName), ['prod', 'default']);
    assert.deepEqual(out.failures, [{ arn: arn('nope'), reason: 'MISSING' }, { arn: arn('gone'), reason: 'MISSING' }]);
    assert.deepEqual(out.clusters?.[0]?.tags, []);
    assert.deepEqual(out.clusters?.[0]?.statistics, []);
    const withTags = await berth.ecs().send(new DescribeClustersCommand({ clusters: ['prod'], include: ['TAGS', 'SETTINGS'] }));
    assert.deepEqual(withTags.clusters?.[0]?.tags, [{ key: 'team', value: 'core' }]);
    assert.deepEqual(withTags.clusters?.[0]?.settings, [{ name: 'containerInsights', value: 'disabled' }]);
    const withStatistics = await berth.ecs().send(new DescribeClustersCommand({ clusters: ['prod'], include: ['STATISTICS'] }));
    assert.deepEqual(withStatistics.clusters?.[0]?.statistics?.find((s) => s.name === 'runningFargateTasksCount'), { name: 'runningFargateTasksCount', value: '0' });
    assert.equal(withStatistics.clusters?.[0]?.statistics?.length, 12);
  });

  it('describes `default` when no cluster is named', async () => {
    const out = await berth.ecs().send(new DescribeClustersCommand({}));
    assert.deepEqual(out.clusters?.map((c) => c.clusterName), ['default']);
  });

  it('refuses more than 100 clusters in one describe', async () => {
    const clusters = Array.from({ length: 101 }, (_, i) => `c${i}`);
    await assert.rejects(berth.ecs().send(new DescribeClustersCommand({ clusters })), { name: 'InvalidParameterException' });
  });

  it('lists clusters page by page with maxResults and nextToken', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4']) await berth.ecs().send(new CreateClusterCommand({ clusterName: n }));
    const first = await berth.ecs().send(new ListClustersCommand({ maxResults: 3 }));
    assert.equal(first.clusterArns?.length, 3);
    assert.ok(first.nextToken);
    const all: string[] = [];
    for await (const page of paginateListClusters({ client: berth.ecs(), pageSize: 2 }, {})) all.push(...(page.clusterArns ?? []));
    assert.deepEqual(all, ['default', 'p1', 'p2', 'p3', 'p4', 'prod'].map((n) => arn(n)));
    await assert.rejects(berth.ecs().send(new ListClustersCommand({ maxResults: 101 })), { name: 'InvalidParameterException' });
    await assert.rejects(berth.ecs().send(new ListClustersCommand({ nextToken: 'garbage!' })), { name: 'InvalidParameterException' });
  });

  it('keeps clusters regional: one made under us-east-1 is not seen under eu-west-1', async () => {
    await berth.ecs('eu-west-1').send(new CreateClusterCommand({ clusterName: 'europe' }));
    const eu = await berth.ecs('eu-west-1').send(new ListClustersCommand({}));
    assert.deepEqual(eu.clusterArns, [arn('europe', 'eu-west-1')]);
    const us = await berth.ecs().send(new DescribeClustersCommand({ clusters: ['europe', arn('europe', 'eu-west-1')] }));
    assert.equal(us.clusters?.length, 0);
    assert.equal(us.failures?.length, 2);
  });

  it('updates settings and configuration', async () => {
    const updated = await berth.ecs().send(new UpdateClusterSettingsCommand({ cluster: 'prod', settings: [{ name: 'containerInsights', value: 'enhanced' }] }));
    assert.deepEqual(updated.cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
    const configured = await berth.ecs().send(new UpdateClusterCommand({
      cluster: arn('prod'),
      configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
    }));
    assert.deepEqual(configured.cluster?.configuration, { executeCommandConfiguration: { logging: 'DEFAULT' } });
    await assert.rejects(
      berth.ecs().send(new UpdateClusterSettingsCommand({ cluster: 'prod', settings: [{ name: 'containerInsights', value: 'enhaced' }] })),
      { name: 'InvalidParameterException', message: "Invalid setting 'value'" },
    );
    await assert.rejects(berth.ecs().send(new UpdateClusterCommand({ cluster: 'nope', settings: [] })), { name: 'ClusterNotFoundException', message: 'Cluster not found.' });
  });

  it('associates the built-in capacity providers and checks the default strategy', async () => {
    const out = await berth.ecs().send(new PutClusterCapacityProvidersCommand({
      cluster: 'prod',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }],
    }));
    assert.deepEqual(out.cluster?.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);
    assert.deepEqual(out.cluster?.defaultCapacityProviderStrategy, [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }]);
    await assert.rejects(berth.ecs().send(new PutClusterCapacityProvidersCommand({
      cluster: 'prod', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
    })), { name: 'InvalidParameterException', message: /not associated with the cluster/ });
    await assert.rejects(berth.ecs().send(new PutClusterCapacityProvidersCommand({
      cluster: 'prod', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 0 }],
    })), { name: 'InvalidParameterException', message: /^There are no capacity providers with a weight value greater than zero/ });
    await assert.rejects(berth.ecs().send(new PutClusterCapacityProvidersCommand({
      cluster: 'prod', capacityProviders: ['MY_ASG'], defaultCapacityProviderStrategy: [],
    })), { name: 'InvalidParameterException' });
  });

  it('deletes a cluster: INACTIVE, still describable, gone from the list, and can be made again', async () => {
    const { cluster } = await berth.ecs().send(new DeleteClusterCommand({ cluster: 'p4' }));
    assert.equal(cluster?.status, 'INACTIVE');
    const described = await berth.ecs().send(new DescribeClustersCommand({ clusters: ['p4'] }));
    assert.equal(described.clusters?.[0]?.status, 'INACTIVE');
    const listed = await berth.ecs().send(new ListClustersCommand({}));
    assert.ok(!listed.clusterArns?.includes(arn('p4')));
    const again = await berth.ecs().send(new DeleteClusterCommand({ cluster: 'p4' }));
    assert.equal(again.cluster?.status, 'INACTIVE');
    const recreated = await berth.ecs().send(new CreateClusterCommand({ clusterName: 'p4' }));
    assert.equal(recreated.cluster?.status, 'ACTIVE');
    await assert.rejects(berth.ecs().send(new DeleteClusterCommand({ cluster: 'never-was' })), { name: 'ClusterNotFoundException', message: 'Cluster not found.' });
  });
});
