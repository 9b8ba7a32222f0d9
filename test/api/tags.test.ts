import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand, DeleteClusterCommand, DescribeClustersCommand, DescribeTaskDefinitionCommand, ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand, type Tag, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

describe('ECS tags through @aws-sdk/client-ecs', () => {
  let berth: BerthProcess;
  const clusterArn = (name: string, region = 'us-east-1') => `arn:aws:ecs:${region}:000000000000:cluster/${name}`;
  const tdArn = (family: string, revision: number, region = 'us-east-1') => `arn:aws:ecs:${region}:000000000000:task-definition/${family}:${revision}`;
  const byKey = (tags: Tag[] | undefined) => [...(tags ?? [])].sort((a, b) => (a.key! < b.key! ? -1 : 1));
  const listTags = async (resourceArn: string, region?: string) =>
    byKey((await berth.ecs(region).send(new ListTagsForResourceCommand({ resourceArn }))).tags);
  const tag = (resourceArn: string, tags: Tag[], region?: string) => berth.ecs(region).send(new TagResourceCommand({ resourceArn, tags }));
  const untag = (resourceArn: string, tagKeys: string[]) => berth.ecs().send(new UntagResourceCommand({ resourceArn, tagKeys }));
  const manyTags = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));
  const registerTd = (family: string, tags?: Tag[]) =>
    berth.ecs().send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'main', image: 'busybox', memory: 64 }], tags }));

  before(async () => {
    berth = await startBerthProcess();
    await berth.ecs().send(new CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'team', value: 'core' }, { key: 'env', value: 'prod' }] }));
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('lists the tags a cluster was created with', async () => {
    assert.deepEqual(await listTags(clusterArn('tagged')), [{ key: 'env', value: 'prod' }, { key: 'team', value: 'core' }]);
  });

  it('tags and untags a cluster: new keys added, existing values replaced, unknown keys ignored', async () => {
    const out = await tag(clusterArn('tagged'), [{ key: 'env', value: 'staging' }, { key: 'cost-center', value: '42' }, { key: 'empty', value: '' }]);
    assert.deepEqual(Object.keys(out).filter((k) => k !== '$metadata'), []);
    assert.deepEqual(await listTags(clusterArn('tagged')), [
      { key: 'cost-center', value: '42' }, { key: 'empty', value: '' }, { key: 'env', value: 'staging' }, { key: 'team', value: 'core' },
    ]);
    await untag(clusterArn('tagged'), ['cost-center', 'empty', 'never-set']);
    assert.deepEqual(await listTags(clusterArn('tagged')), [{ key: 'env', value: 'staging' }, { key: 'team', value: 'core' }]);
    const described = await berth.ecs().send(new DescribeClustersCommand({ clusters: ['tagged'], include: ['TAGS'] }));
    assert.deepEqual(byKey(described.clusters?.[0]?.tags), [{ key: 'env', value: 'staging' }, { key: 'team', value: 'core' }]);
  });

  it('tags task definition revisions, each on its own', async () => {
    await registerTd('tagged-td', [{ key: 'stage', value: 'one' }]);
    await registerTd('tagged-td');
    assert.deepEqual(await listTags(tdArn('tagged-td', 1)), [{ key: 'stage', value: 'one' }]);
    assert.deepEqual(await listTags(tdArn('tagged-td', 2)), []);
    await tag(tdArn('tagged-td', 2), [{ key: 'stage', value: 'two' }, { key: 'owner', value: 'me@example.com' }]);
    await untag(tdArn('tagged-td', 2), ['owner']);
    assert.deepEqual(await listTags(tdArn('tagged-td', 2)), [{ key: 'stage', value: 'two' }]);
    assert.deepEqual(await listTags(tdArn('tagged-td', 1)), [{ key: 'stage', value: 'one' }]);
    const described = await berth.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'tagged-td:2', include: ['TAGS'] }));
    assert.deepEqual(described.tags, [{ key: 'stage', value: 'two' }]);
  });

  it('reports an unknown or deleted cluster as ClusterNotFoundException', async () => {
    const notFound = { name: 'ClusterNotFoundException', message: 'Cluster not found.' };
    await assert.rejects(listTags(clusterArn('nope')), notFound);
    await assert.rejects(tag(clusterArn('nope'), [{ key: 'a', value: 'b' }]), notFound);
    await assert.rejects(untag(clusterArn('nope'), ['a']), notFound);
    await berth.ecs().send(new CreateClusterCommand({ clusterName: 'doomed' }));
    await berth.ecs().send(new DeleteClusterCommand({ cluster: 'doomed' }));
    await assert.rejects(tag(clusterArn('doomed'), [{ key: 'a', value: 'b' }]), notFound);
  });

  it('reports an unknown task definition revision as ClientException', async () => {
    await assert.rejects(listTags(tdArn('tagged-td', 9)), { name: 'ClientException', message: 'Unable to describe task definition.' });
    await assert.rejects(tag(tdArn('no-such-family', 1), [{ key: 'a', value: 'b' }]), { name: 'ClientException', message: 'Unable to describe task definition.' });
    // Tags belong to one revision: an ARN naming only the family tags nothing.
    await assert.rejects(tag('arn:aws:ecs:us-east-1:000000000000:task-definition/tagged-td', [{ key: 'a', value: 'b' }]),
      { name: 'ClientException', message: 'Unable to describe task definition.' });
  });

  it('refuses ARNs that are not ECS resources ECS can tag', async () => {
    const invalid = { name: 'InvalidParameterException', message: 'The ARN provided is invalid.' };
    await assert.rejects(listTags('arn:aws:ecr:us-east-1:000000000000:repository/app'), invalid);
    await assert.rejects(tag('arn:aws:s3:::bucket', [{ key: 'a', value: 'b' }]), invalid);
    await assert.rejects(listTags('arn:aws:ecs:us-east-1:000000000000:widget/w'), invalid);
    await assert.rejects(listTags('not-an-arn'), { name: 'ClientException', message: /ARNSyntaxException/ });
  });

  it('keeps tags regional: a resource in another region is not found', async () => {
    await berth.ecs('eu-west-1').send(new CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'team', value: 'europe' }] }));
    assert.deepEqual(await listTags(clusterArn('tagged', 'eu-west-1'), 'eu-west-1'), [{ key: 'team', value: 'europe' }]);
    assert.deepEqual((await listTags(clusterArn('tagged'))).find((t) => t.key === 'team'), { key: 'team', value: 'core' });
    await assert.rejects(listTags(clusterArn('tagged', 'eu-west-1')), { name: 'ResourceNotFoundException' });
    await assert.rejects(tag(clusterArn('tagged', 'eu-west-1'), [{ key: 'x', value: 'y' }]), { name: 'ResourceNotFoundException' });
    await assert.rejects(listTags(tdArn('tagged-td', 1), 'eu-west-1'), { name: 'ResourceNotFoundException' });
    assert.deepEqual(await listTags(clusterArn('tagged', 'eu-west-1'), 'eu-west-1'), [{ key: 'team', value: 'europe' }], 'nothing leaked across');
  });

  it('rejects the reserved aws: prefix in any case, at tag time and at create time', async () => {
    for (const key of ['aws:owner', 'AWS:owner', 'Aws:x']) {
      await assert.rejects(tag(clusterArn('tagged'), [{ key, value: 'v' }]), { name: 'InvalidParameterException' }, key);
    }
    await assert.rejects(berth.ecs().send(new CreateClusterCommand({ clusterName: 'reserved', tags: [{ key: 'aws:x', value: 'v' }] })), { name: 'InvalidParameterException' });
    await assert.rejects(registerTd('reserved', [{ key: 'aws:x', value: 'v' }]), { name: 'InvalidParameterException' });
    const described = await berth.ecs().send(new DescribeClustersCommand({ clusters: ['reserved'] }));
    assert.deepEqual(described.failures?.map((f) => f.reason), ['MISSING'], 'a refused create makes nothing');
    assert.ok(!(await listTags(clusterArn('tagged'))).some((t) => t.key?.toLowerCase().startsWith('aws:')));
  });

  it('rejects bad keys and values', async () => {
    for (const bad of [{ key: '', value: 'v' }, { key: 'k'.repeat(129), value: 'v' }, { key: 'k', value: 'v'.repeat(257) }, { key: 'semi;colon', value: 'v' }]) {
      await assert.rejects(tag(clusterArn('tagged'), [bad]), { name: 'InvalidParameterException' }, bad.key.slice(0, 20));
    }
    await tag(clusterArn('tagged'), [{ key: 'k'.repeat(128), value: 'v'.repeat(256) }]);
    await untag(clusterArn('tagged'), ['k'.repeat(128)]);
  });

  it('allows 50 tags per resource and no more, counting keys already there', async () => {
    await berth.ecs().send(new CreateClusterCommand({ clusterName: 'full' }));
    await assert.rejects(tag(clusterArn('full'), manyTags(51)), { name: 'InvalidParameterException' });
    assert.deepEqual(await listTags(clusterArn('full')), [], 'a refused call changes nothing');
    await tag(clusterArn('full'), manyTags(45));
    await assert.rejects(tag(clusterArn('full'), manyTags(6, 'extra')), { name: 'InvalidParameterException' });
    assert.equal((await listTags(clusterArn('full'))).length, 45);
    await tag(clusterArn('full'), manyTags(5, 'extra'));
    await tag(clusterArn('full'), [{ key: 'k0', value: 'replaced' }]);
    const tags = await listTags(clusterArn('full'));
    assert.equal(tags.length, 50);
    assert.deepEqual(tags.find((t) => t.key === 'k0'), { key: 'k0', value: 'replaced' });
    await assert.rejects(tag(clusterArn('full'), [{ key: 'one-more', value: 'x' }]), { name: 'InvalidParameterException' });
    await assert.rejects(berth.ecs().send(new CreateClusterCommand({ clusterName: 'too-many', tags: manyTags(51) })), { name: 'InvalidParameterException' });
    await assert.rejects(registerTd('too-many', manyTags(51)), { name: 'InvalidParameterException' });
  });
});
