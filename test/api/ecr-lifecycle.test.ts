import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateRepositoryCommand, DeleteLifecyclePolicyCommand, type ECRClient, GetLifecyclePolicyCommand, ListImagesCommand, PutLifecyclePolicyCommand,
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
});
