import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Attribute, type ContainerInstanceStatus, CreateClusterCommand, DeleteAttributesCommand, DeleteClusterCommand,
  DeregisterContainerInstanceCommand, DescribeClustersCommand, DescribeContainerInstancesCommand, ListAttributesCommand,
  type ListContainerInstancesRequest, ListContainerInstancesCommand, ListTagsForResourceCommand, PutAttributesCommand,
  RegisterContainerInstanceCommand, type RegisterContainerInstanceRequest, type Resource, TagResourceCommand,
  UntagResourceCommand, UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

describe('ECS container instances through @aws-sdk/client-ecs', () => {
  let berth: BerthProcess;
  const account = 'arn:aws:ecs:us-east-1:000000000000';
  const instanceArn = (id: string, cluster = 'fleet') => `${account}:container-instance/${cluster}/${id}`;
  const idOf = (arn: string) => arn.split('/').at(-1)!;
  const unknownId = 'ffffffffffffffffffffffffffffffff';
  const totalResources: Resource[] = [
    { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: 3900 },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
  ];
  const versionInfo = { agentVersion: '1.89.0', agentHash: 'f1c43ae5', dockerVersion: 'DockerVersion: 25.0.8' };
  const agentAttributes = (zone: string): Attribute[] => [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.cpu-architecture', value: 'x86_64' },
    { name: 'ecs.availability-zone', value: zone },
    { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.41' },
  ];
  const identity = (instanceId: string, zone = 'us-east-1a') =>
    JSON.stringify({ instanceId, availabilityZone: zone, region: 'us-east-1', instanceType: 't3.medium', accountId: '000000000000', imageId: 'ami-0abcdef1234567890' });
  const register = (instanceId: string, zone = 'us-east-1a', input: Partial<RegisterContainerInstanceRequest> = {}) =>
    berth.ecs().send(new RegisterContainerInstanceCommand({
      cluster: 'fleet', totalResources, versionInfo, attributes: agentAttributes(zone), instanceIdentityDocument: identity(instanceId, zone), ...input,
    }));
  const list = async (input: Partial<ListContainerInstancesRequest> = {}) =>
    ((await berth.ecs().send(new ListContainerInstancesCommand({ cluster: 'fleet', ...input }))).containerInstanceArns ?? []).sort();
  const describeCis = (containerInstances: string[], cluster = 'fleet') =>
    berth.ecs().send(new DescribeContainerInstancesCommand({ cluster, containerInstances, include: ['TAGS'] }));
  const setState = (containerInstances: string[], status: ContainerInstanceStatus) =>
    berth.ecs().send(new UpdateContainerInstancesStateCommand({ cluster: 'fleet', containerInstances, status }));
  const putAttributes = (attributes: Attribute[]) => berth.ecs().send(new PutAttributesCommand({ cluster: 'fleet', attributes }));
  const listAttributes = async (attributeName?: string) =>
    (await berth.ecs().send(new ListAttributesCommand({ cluster: 'fleet', targetType: 'container-instance', attributeName }))).attributes ?? [];
  const clusterCount = async (cluster: string) =>
    (await berth.ecs().send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0]?.registeredContainerInstancesCount;
  const invalid = { name: 'InvalidParameterException' };
  let web = '';
  let east1b = '';
  let east1c = '';

  before(async () => {
    berth = await startBerthProcess();
    await berth.ecs().send(new CreateClusterCommand({ clusterName: 'fleet' }));
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('registers an instance with what its agent reports, all of it remaining while no task runs', async () => {
    const startedAt = Date.now();
    const { containerInstance } = await register('i-0123456789abcdef0', 'us-east-1a', { tags: [{ key: 'role', value: 'web' }] });
    const { containerInstanceArn, registeredAt, ...rest } = containerInstance!;
    assert.match(containerInstanceArn!, /^arn:aws:ecs:us-east-1:000000000000:container-instance\/fleet\/[0-9a-f]{32}$/);
    web = containerInstanceArn!;
    assert.ok(registeredAt instanceof Date && registeredAt.getTime() >= startedAt - 1000 && registeredAt.getTime() <= Date.now() + 1000);
    assert.deepEqual(rest, {
      ec2InstanceId: 'i-0123456789abcdef0',
      version: 1,
      versionInfo,
      registeredResources: totalResources,
      remainingResources: totalResources,
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      attributes: agentAttributes('us-east-1a'),
      attachments: [],
    });
  });

  it('gives the same EC2 instance its container instance back when it registers again', async () => {
    const [first] = (await describeCis([web])).containerInstances!;
    const { containerInstance } = await register('i-0123456789abcdef0');
    assert.equal(containerInstance?.containerInstanceArn, web);
    assert.equal(containerInstance?.version, 2);
    assert.deepEqual(containerInstance?.registeredAt, first?.registeredAt);
    assert.deepEqual(await list(), [web]);
    assert.equal(await clusterCount('fleet'), 1);
  });

  it('refuses an unknown cluster, bad resources and a bad identity document', async () => {
    await assert.rejects(register('i-0aaaaaaaaaaaaaaaa', 'us-east-1a', { cluster: 'nope' }), { name: 'ClusterNotFoundException', message: 'Cluster not found.' });
    const badResources: Resource[][] = [
      totalResources.filter((r) => r.name !== 'MEMORY'),
      [{ name: 'CPU', type: 'INTEGER', integerValue: -1 }, ...totalResources.slice(1)],
      [...totalResources.slice(0, 2), { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '70000'] }],
    ];
    for (const resources of badResources) await assert.rejects(register('i-0aaaaaaaaaaaaaaaa', 'us-east-1a', { totalResources: resources }), invalid);
    for (const document of ['not json', '{"instanceId":"not an id"}', '{}']) {
      await assert.rejects(register('i-0aaaaaaaaaaaaaaaa', 'us-east-1a', { instanceIdentityDocument: document }), invalid, document);
    }
    assert.deepEqual(await list(), [web], 'a refused registration leaves nothing behind');
  });

  it('describes by ARN or bare id, with tags when asked, and reports unknown ones as MISSING', async () => {
    const byArn = await describeCis([web, unknownId, instanceArn(unknownId)]);
    assert.deepEqual(byArn.containerInstances?.map((c) => [c.containerInstanceArn, c.ec2InstanceId, c.tags]), [[web, 'i-0123456789abcdef0', [{ key: 'role', value: 'web' }]]]);
    assert.deepEqual(byArn.failures, [{ arn: instanceArn(unknownId), reason: 'MISSING' }, { arn: instanceArn(unknownId), reason: 'MISSING' }]);
    const byId = await berth.ecs().send(new DescribeContainerInstancesCommand({ cluster: `${account}:cluster/fleet`, containerInstances: [idOf(web)] }));
    assert.equal(byId.containerInstances?.[0]?.containerInstanceArn, web);
    assert.equal(byId.containerInstances?.[0]?.tags, undefined, 'tags only with include TAGS');
    assert.deepEqual(byId.failures, []);
    await berth.ecs().send(new CreateClusterCommand({ clusterName: 'other' }));
    assert.deepEqual((await describeCis([web], 'other')).failures, [{ arn: web, reason: 'MISSING' }], 'an instance belongs to one cluster');
  });

  it('lists by status, by cluster query language filter, and page by page', async () => {
    east1b = (await register('i-0bbbbbbbbbbbbbbbb', 'us-east-1b')).containerInstance!.containerInstanceArn!;
    east1c = (await register('i-0cccccccccccccccc', 'us-east-1c')).containerInstance!.containerInstanceArn!;
    const all = [web, east1b, east1c].sort();
    assert.deepEqual(await list(), all);
    assert.deepEqual(await list({ status: 'ACTIVE' }), all);
    assert.deepEqual(await list({ status: 'DRAINING' }), []);
    assert.deepEqual(await list({ status: 'REGISTERING' }), []);
    await assert.rejects(list({ status: 'INACTIVE' as ContainerInstanceStatus }), invalid);
    assert.deepEqual(await list({ filter: 'attribute:ecs.availability-zone == us-east-1a' }), [web]);
    assert.deepEqual(await list({ filter: 'attribute:ecs.availability-zone in [us-east-1b, us-east-1c]' }), [east1b, east1c].sort());
    assert.deepEqual(await list({ filter: 'ec2InstanceId == i-0cccccccccccccccc' }), [east1c]);
    assert.deepEqual(await list({ filter: "attribute:ecs.os-type == linux and not(ec2InstanceId == 'i-0123456789abcdef0')" }), [east1b, east1c].sort());
    assert.deepEqual(await list({ filter: 'attribute:ecs.availability-zone == eu-west-1a' }), []);
    for (const filter of ['attribute:ecs.availability-zone ==', 'color == blue', 'attribute:ecs.availability-zone in [us-east-1b']) {
      await assert.rejects(list({ filter }), invalid, filter);
    }
    const first = await berth.ecs().send(new ListContainerInstancesCommand({ cluster: 'fleet', maxResults: 2 }));
    assert.equal(first.containerInstanceArns?.length, 2);
    assert.ok(first.nextToken);
    const second = await berth.ecs().send(new ListContainerInstancesCommand({ cluster: 'fleet', maxResults: 2, nextToken: first.nextToken }));
    assert.equal(second.nextToken, undefined);
    assert.deepEqual([...first.containerInstanceArns!, ...second.containerInstanceArns!].sort(), all);
    const filtered = await berth.ecs().send(new ListContainerInstancesCommand({ cluster: 'fleet', maxResults: 1, filter: 'attribute:ecs.availability-zone != us-east-1a' }));
    const rest = await berth.ecs().send(new ListContainerInstancesCommand({ cluster: 'fleet', maxResults: 1, filter: 'attribute:ecs.availability-zone != us-east-1a', nextToken: filtered.nextToken }));
    assert.deepEqual([...filtered.containerInstanceArns!, ...rest.containerInstanceArns!].sort(), [east1b, east1c].sort());
    await assert.rejects(list({ maxResults: 101 }), invalid);
    await assert.rejects(list({ nextToken: 'garbage!' }), invalid);
    await assert.rejects(list({ cluster: 'nope' }), { name: 'ClusterNotFoundException' });
    assert.equal(await clusterCount('fleet'), 3);
  });

  it('puts custom attributes on an instance by ARN or bare id, filters on them and deletes them', async () => {
    const put = await putAttributes([{ name: 'stack', value: 'prod', targetId: web }, { name: 'stack', value: 'dev', targetId: idOf(east1b), targetType: 'container-instance' }]);
    assert.deepEqual(put.attributes?.map((a) => [a.targetId, a.value]), [[web, 'prod'], [east1b, 'dev']]);
    assert.deepEqual(await listAttributes(), [
      { name: 'stack', targetType: 'container-instance', targetId: web, value: 'prod' },
      { name: 'stack', targetType: 'container-instance', targetId: east1b, value: 'dev' },
    ].sort((a, b) => a.targetId.localeCompare(b.targetId)));
    assert.deepEqual(await list({ filter: 'attribute:stack == prod' }), [web]);
    assert.deepEqual(await list({ filter: 'attribute:stack exists' }), [web, east1b].sort());
    assert.deepEqual(await list({ filter: 'attribute:stack !exists' }), [east1c]);
    const [described] = (await describeCis([web])).containerInstances!;
    assert.deepEqual(described?.attributes, [...agentAttributes('us-east-1a'), { name: 'stack', value: 'prod' }]);

    await berth.ecs().send(new DeleteAttributesCommand({ cluster: 'fleet', attributes: [{ name: 'stack', targetId: idOf(east1b) }] }));
    assert.deepEqual((await listAttributes()).map((a) => a.targetId), [web]);
    assert.deepEqual(await list({ filter: 'attribute:stack exists' }), [web]);

    await putAttributes(Array.from({ length: 9 }, (_, i) => ({ name: `slot${i}`, value: 'x', targetId: web })));
    await assert.rejects(putAttributes([{ name: 'slot9', targetId: idOf(web) }]), {
      name: 'AttributeLimitExceededException', message: 'You can apply up to 10 custom attributes for each resource.',
    });
    assert.deepEqual(await listAttributes('slot9'), [], 'the refused attribute is not stored');
    assert.equal((await listAttributes()).length, 10);
    assert.deepEqual(await list({ filter: 'attribute:slot8 == x' }), [web]);
  });

  it('drains instances and makes them active again, reporting unknown ones as MISSING', async () => {
    const drained = await setState([web, idOf(east1b), unknownId], 'DRAINING');
    assert.deepEqual(drained.containerInstances?.map((c) => [c.containerInstanceArn, c.status]), [[web, 'DRAINING'], [east1b, 'DRAINING']]);
    assert.deepEqual(drained.failures, [{ arn: instanceArn(unknownId), reason: 'MISSING' }]);
    assert.deepEqual(await list({ status: 'DRAINING' }), [web, east1b].sort());
    assert.deepEqual(await list({ status: 'ACTIVE' }), [east1c]);
    assert.deepEqual(await list(), [web, east1b, east1c].sort(), 'the default lists every status but INACTIVE');
    assert.equal(await clusterCount('fleet'), 3, 'draining instances still count as registered');
    const reregistered = await register('i-0123456789abcdef0');
    assert.equal(reregistered.containerInstance?.status, 'DRAINING', 'an agent restart does not undo draining');

    const active = await setState([web, east1b], 'ACTIVE');
    assert.deepEqual(active.containerInstances?.map((c) => c.status), ['ACTIVE', 'ACTIVE']);
    assert.deepEqual(await list({ status: 'DRAINING' }), []);
    for (const status of ['INACTIVE', 'draining', 'REGISTERING'] as ContainerInstanceStatus[]) {
      await assert.rejects(setState([web], status), invalid, status);
    }
    await assert.rejects(setState(Array.from({ length: 11 }, () => web), 'DRAINING'), invalid, 'at most 10 instances per call');
  });

  it('tags a container instance by its ARN', async () => {
    await berth.ecs().send(new TagResourceCommand({ resourceArn: web, tags: [{ key: 'env', value: 'prod' }] }));
    const tagged = await berth.ecs().send(new ListTagsForResourceCommand({ resourceArn: web }));
    assert.deepEqual(tagged.tags, [{ key: 'env', value: 'prod' }, { key: 'role', value: 'web' }]);
    await berth.ecs().send(new UntagResourceCommand({ resourceArn: web, tagKeys: ['role'] }));
    assert.deepEqual((await describeCis([web])).containerInstances?.[0]?.tags, [{ key: 'env', value: 'prod' }]);
    await assert.rejects(berth.ecs().send(new ListTagsForResourceCommand({ resourceArn: instanceArn(unknownId) })), { name: 'ResourceNotFoundException' });
  });

  it('deregisters an instance: INACTIVE in the response, then gone from lists, describes and attributes', async () => {
    const { containerInstance } = await berth.ecs().send(new DeregisterContainerInstanceCommand({ cluster: 'fleet', containerInstance: idOf(east1c) }));
    assert.equal(containerInstance?.containerInstanceArn, east1c);
    assert.equal(containerInstance?.status, 'INACTIVE');
    assert.equal(containerInstance?.ec2InstanceId, 'i-0cccccccccccccccc');
    assert.deepEqual(await list(), [web, east1b].sort());
    assert.deepEqual(await list({ filter: 'ec2InstanceId == i-0cccccccccccccccc' }), []);
    assert.deepEqual((await describeCis([east1c])).failures, [{ arn: east1c, reason: 'MISSING' }]);
    assert.deepEqual((await setState([east1c], 'DRAINING')).failures, [{ arn: east1c, reason: 'MISSING' }]);
    await assert.rejects(putAttributes([{ name: 'stack', targetId: east1c }]), { name: 'TargetNotFoundException' });
    await assert.rejects(berth.ecs().send(new ListTagsForResourceCommand({ resourceArn: east1c })), { name: 'ResourceNotFoundException' });
    for (const ref of [east1c, unknownId]) {
      await assert.rejects(berth.ecs().send(new DeregisterContainerInstanceCommand({ cluster: 'fleet', containerInstance: ref })), invalid, ref);
    }
    assert.equal(await clusterCount('fleet'), 2);

    const back = await register('i-0cccccccccccccccc', 'us-east-1c');
    assert.notEqual(back.containerInstance?.containerInstanceArn, east1c, 'a deregistered host registers as a new instance');
    assert.equal(back.containerInstance?.status, 'ACTIVE');
    await assert.rejects(register('i-0cccccccccccccccc', 'us-east-1c', { containerInstanceArn: east1c }), {
      name: 'ClientException', message: `Container instance ${idOf(east1c)} is inactive.`,
    });
  });

  it('keeps a cluster with instances from being deleted until they are deregistered', async () => {
    await berth.ecs().send(new CreateClusterCommand({ clusterName: 'doomed' }));
    const { containerInstance } = await register('i-0dddddddddddddddd', 'us-east-1a', { cluster: 'doomed' });
    assert.match(containerInstance!.containerInstanceArn!, /:container-instance\/doomed\/[0-9a-f]{32}$/);
    assert.equal(await clusterCount('doomed'), 1);
    await assert.rejects(berth.ecs().send(new DeleteClusterCommand({ cluster: 'doomed' })), {
      name: 'ClusterContainsContainerInstancesException', message: 'The Cluster cannot be deleted while Container Instances are active or draining.',
    });
    await berth.ecs().send(new DeregisterContainerInstanceCommand({ cluster: 'doomed', containerInstance: containerInstance!.containerInstanceArn! }));
    assert.equal(await clusterCount('doomed'), 0);
    const { cluster } = await berth.ecs().send(new DeleteClusterCommand({ cluster: 'doomed' }));
    assert.equal(cluster?.status, 'INACTIVE');
    await assert.rejects(register('i-0eeeeeeeeeeeeeeee', 'us-east-1a', { cluster: 'doomed' }), { name: 'ClusterNotFoundException' });
  });
});
