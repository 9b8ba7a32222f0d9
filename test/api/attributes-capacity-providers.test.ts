import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type Attribute, CreateClusterCommand, DeleteAttributesCommand, DescribeCapacityProvidersCommand, type DescribeCapacityProvidersRequest,
  ListAttributesCommand, type ListAttributesRequest, PutAttributesCommand, type TargetType,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

describe('ECS attributes and capacity providers through @aws-sdk/client-ecs', () => {
  let berth: BerthProcess;
  const instanceArn = 'arn:aws:ecs:us-east-1:000000000000:container-instance/attrs/0123456789abcdef0123456789abcdef';
  const cpArn = (name: string, region = 'us-east-1') => `arn:aws:ecs:${region}:000000000000:capacity-provider/${name}`;
  const fargate = (region = 'us-east-1') => ({ capacityProviderArn: cpArn('FARGATE', region), name: 'FARGATE', status: 'ACTIVE' });
  const fargateSpot = (region = 'us-east-1') => ({ capacityProviderArn: cpArn('FARGATE_SPOT', region), name: 'FARGATE_SPOT', status: 'ACTIVE' });
  const put = (attributes: Attribute[], cluster: string | undefined = 'attrs') => berth.ecs().send(new PutAttributesCommand({ cluster, attributes }));
  const listAttributes = (input: Partial<ListAttributesRequest> = {}) =>
    berth.ecs().send(new ListAttributesCommand({ cluster: 'attrs', targetType: 'container-instance', ...input }));
  const describeCps = (input: DescribeCapacityProvidersRequest = {}, region?: string) =>
    berth.ecs(region).send(new DescribeCapacityProvidersCommand(input));

  before(async () => {
    berth = await startBerthProcess();
    await berth.ecs().send(new CreateClusterCommand({ clusterName: 'attrs' }));
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  describe('attributes', () => {
    it('lists no attributes on a cluster without container instances', async () => {
      const out = await listAttributes();
      assert.deepEqual(out.attributes, []);
      assert.equal(out.nextToken, undefined);
      assert.deepEqual((await listAttributes({ attributeName: 'stack', attributeValue: 'prod', maxResults: 5 })).attributes, []);
    });

    it('reports a container instance that does not exist as TargetNotFoundException, and stores nothing', async () => {
      for (const targetId of [instanceArn, '0123456789abcdef0123456789abcdef']) {
        await assert.rejects(put([{ name: 'stack', value: 'prod', targetId, targetType: 'container-instance' }]),
          { name: 'TargetNotFoundException', message: new RegExp(`^Could not find ${targetId}`) }, targetId);
      }
      await assert.rejects(put([{ name: 'stack', targetId: instanceArn }]), { name: 'TargetNotFoundException' });
      await assert.rejects(berth.ecs().send(new DeleteAttributesCommand({ cluster: 'attrs', attributes: [{ name: 'stack', targetId: instanceArn }] })),
        { name: 'TargetNotFoundException' });
      assert.deepEqual((await listAttributes()).attributes, []);
    });

    it('reports an unknown cluster as ClusterNotFoundException', async () => {
      const notFound = { name: 'ClusterNotFoundException', message: 'Cluster not found.' };
      await assert.rejects(put([{ name: 'stack', targetId: instanceArn }], 'nope'), notFound);
      await assert.rejects(listAttributes({ cluster: 'nope' }), notFound);
      await assert.rejects(listAttributes({ cluster: 'arn:aws:ecs:eu-west-1:000000000000:cluster/attrs' }), notFound);
      await assert.rejects(berth.ecs().send(new ListAttributesCommand({ targetType: 'container-instance' })), notFound, 'default cluster does not exist');
      await assert.rejects(berth.ecs().send(new DeleteAttributesCommand({ cluster: 'nope', attributes: [{ name: 'a', targetId: instanceArn }] })), notFound);
    });

    it('accepts only container-instance as targetType', async () => {
      for (const targetType of ['task', 'CONTAINER-INSTANCE', ''] as unknown as TargetType[]) {
        await assert.rejects(listAttributes({ targetType }), { name: 'InvalidParameterException', message: 'targetType must be container-instance' }, targetType);
      }
      await assert.rejects(put([{ name: 'stack', targetId: instanceArn, targetType: 'service' as TargetType }]),
        { name: 'InvalidParameterException', message: 'targetType must be container-instance' });
    });

    it('validates attributes before looking for their target', async () => {
      const invalid = { name: 'InvalidParameterException' };
      await assert.rejects(put([]), { ...invalid, message: 'attributes can not be empty' });
      await assert.rejects(put(Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, targetId: instanceArn }))), invalid);
      for (const attribute of [{ name: 'bad name' }, { name: 'x'.repeat(129) }, { name: 'ok', value: ' padded' }, { name: 'ok', value: 'semi;colon' }]) {
        await assert.rejects(put([{ ...attribute, targetId: instanceArn }]), invalid, attribute.name);
      }
      await assert.rejects(listAttributes({ attributeValue: 'prod' }), invalid, 'a value needs a name');
      await assert.rejects(listAttributes({ maxResults: 101 }), invalid);
    });
  });

  describe('capacity providers', () => {
    it('describes FARGATE and FARGATE_SPOT when no names are given, with ARNs in the request\'s region', async () => {
      const out = await describeCps();
      assert.deepEqual(out.capacityProviders, [fargate(), fargateSpot()]);
      assert.deepEqual(out.failures, []);
      assert.equal(out.nextToken, undefined);
      assert.deepEqual((await describeCps({}, 'ap-northeast-1')).capacityProviders, [fargate('ap-northeast-1'), fargateSpot('ap-northeast-1')]);
    });

    it('describes by name or ARN and reports unknown ones as MISSING', async () => {
      const out = await describeCps({ capacityProviders: ['FARGATE_SPOT', cpArn('FARGATE'), 'MY_ASG', 'fargate', cpArn('FARGATE', 'eu-west-1')] });
      assert.deepEqual(out.capacityProviders, [fargateSpot(), fargate()]);
      assert.deepEqual(out.failures, [
        { arn: 'MY_ASG', reason: 'MISSING' },
        { arn: 'fargate', reason: 'MISSING' },
        { arn: cpArn('FARGATE', 'eu-west-1'), reason: 'MISSING' },
      ]);
      const wrongType = await describeCps({ capacityProviders: ['arn:aws:ecs:us-east-1:000000000000:cluster/FARGATE', 'arn:aws:ecs:us-east-1:000000000000:FARGATE'] });
      assert.deepEqual(wrongType.capacityProviders, []);
      assert.equal(wrongType.failures?.length, 2, 'an ARN of another resource type names no capacity provider');
    });

    it('includes tags only when asked', async () => {
      const plain = await describeCps({ capacityProviders: ['FARGATE'] });
      assert.equal(plain.capacityProviders?.[0]?.tags, undefined);
      const tagged = await describeCps({ include: ['TAGS'] });
      assert.deepEqual(tagged.capacityProviders, [{ ...fargate(), tags: [] }, { ...fargateSpot(), tags: [] }]);
    });

    it('pages with maxResults and nextToken, ten at most', async () => {
      const first = await describeCps({ maxResults: 1 });
      assert.deepEqual(first.capacityProviders, [fargate()]);
      assert.ok(first.nextToken);
      const second = await describeCps({ maxResults: 1, nextToken: first.nextToken });
      assert.deepEqual(second.capacityProviders, [fargateSpot()]);
      assert.equal(second.nextToken, undefined);
      await assert.rejects(describeCps({ maxResults: 11 }), { name: 'InvalidParameterException' });
      await assert.rejects(describeCps({ nextToken: 'garbage!' }), { name: 'InvalidParameterException' });
    });
  });
});
