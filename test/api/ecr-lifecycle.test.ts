import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateRepositoryCommand, DeleteLifecyclePolicyCommand, type ECRClient, GetLifecyclePolicyCommand, GetLifecyclePolicyPreviewCommand, ListImagesCommand,
  PutLifecyclePolicyCommand, StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { eventually } from '../support/eventually.js';
import { ecrClient, RawRegistry, registryAuth } from '../registry/registry-support.js';

describe('ECR lifecycle policies through @aws-sdk/client-ecr', () => {
  let berth: BerthProcess;
  let ecr: ECRClient;
  let registry: RawRegistry;
  const policyText = JSON.stringify({
    rules: [{ rulePriority: 1, description: 'keep two releases', selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } }],
  });

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    ecr = ecrClient(berth);
    registry = new RawRegistry(berth.url, await registryAuth(berth));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'releases' }));
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('stores, returns and deletes a policy; refuses an invalid one', async () => {
    await assert.rejects(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'releases' })), {
      name: 'LifecyclePolicyNotFoundException',
      message: "Lifecycle policy does not exist for the repository with name 'releases' in the registry with id '000000000000'",
    });
    await assert.rejects(ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'releases', lifecyclePolicyText: '{"rules":[{}]}' })), { name: 'InvalidParameterException' });
    const put = await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'releases', lifecyclePolicyText: policyText }));
    assert.equal(put.lifecyclePolicyText, policyText);
    assert.equal((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'releases' }))).lifecyclePolicyText, policyText);
    await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'releases' }));
    await assert.rejects(ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'releases' })), { name: 'LifecyclePolicyNotFoundException' });
    await assert.rejects(ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'nope', lifecyclePolicyText: policyText })), { name: 'RepositoryNotFoundException' });
  });

  it('expires the oldest releases beyond the count after a push, leaving other tags alone', async () => {
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'releases', lifecyclePolicyText: policyText }));
    await registry.pushImage('releases', 'prod', 'prod');
    for (const v of ['v1', 'v2', 'v3']) await registry.pushImage('releases', v, v);
    await eventually(async () => {
      const { imageIds } = await ecr.send(new ListImagesCommand({ repositoryName: 'releases' }));
      assert.deepEqual(imageIds?.map((id) => id.imageTag).sort(), ['prod', 'v2', 'v3']);
    });
    const { lastEvaluatedAt } = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'releases' }));
    assert.ok(lastEvaluatedAt instanceof Date);
  });

  it('previews what a policy would expire without expiring anything', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'previews' }));
    await assert.rejects(ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'previews' })), { name: 'LifecyclePolicyPreviewNotFoundException' });
    await assert.rejects(ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'previews' })), { name: 'LifecyclePolicyNotFoundException' });
    await assert.rejects(ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'previews', lifecyclePolicyText: '{}' })), { name: 'InvalidParameterException' });
    const pushed = [];
    for (const v of ['v1', 'v2', 'v3', 'v4']) pushed.push(await registry.pushImage('previews', v, `preview ${v}`));
    const started = await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'previews', lifecyclePolicyText: policyText }));
    assert.deepEqual([started.status, started.lifecyclePolicyText, started.repositoryName], ['IN_PROGRESS', policyText, 'previews']);

    const preview = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'previews' }));
    assert.equal(preview.status, 'COMPLETE');
    assert.equal(preview.summary?.expiringImageTotalCount, 2);
    assert.deepEqual(preview.previewResults?.map((r) => [r.imageTags, r.appliedRulePriority, r.action?.type]).sort(), [[['v1'], 1, 'EXPIRE'], [['v2'], 1, 'EXPIRE']]);
    assert.ok(preview.previewResults?.every((r) => r.imagePushedAt instanceof Date));
    const { imageIds } = await ecr.send(new ListImagesCommand({ repositoryName: 'previews' }));
    assert.equal(imageIds?.length, 4, 'a preview expires nothing');

    const first = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'previews', maxResults: 1 }));
    assert.equal(first.previewResults?.length, 1);
    const second = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'previews', maxResults: 1, nextToken: first.nextToken }));
    assert.equal(second.previewResults?.length, 1);
    assert.equal(second.nextToken, undefined);
    assert.notEqual(first.previewResults?.[0]?.imageDigest, second.previewResults?.[0]?.imageDigest);
    const byId = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'previews', imageIds: [{ imageDigest: pushed[0]!.digest }] }));
    assert.deepEqual(byId.previewResults?.map((r) => r.imageDigest), [pushed[0]!.digest]);
    const untagged = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'previews', filter: { tagStatus: 'UNTAGGED' } }));
    assert.deepEqual(untagged.previewResults, []);
  });
});
