import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateRepositoryCommand, DeleteRepositoryCommand, DeleteRepositoryPolicyCommand, DescribeRegistryCommand, DescribeRepositoriesCommand,
  type ECRClient, GetAuthorizationTokenCommand, GetRepositoryPolicyCommand, ListTagsForResourceCommand, PutImageTagMutabilityCommand,
  SetRepositoryPolicyCommand, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { ecrClient, RawRegistry, registryAuth } from '../registry/registry-support.js';

describe('ECR repositories through @aws-sdk/client-ecr', () => {
  let berth: BerthProcess;
  let ecr: ECRClient;
  let host: string;
  const arn = (name: string) => `arn:aws:ecr:us-east-1:000000000000:repository/${name}`;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    ecr = ecrClient(berth);
    host = new URL(berth.url).host;
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('creates a repository with ECR defaults and a URI on this registry', async () => {
    const { repository } = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team-a/web-app' }));
    assert.equal(repository?.repositoryArn, arn('team-a/web-app'));
    assert.equal(repository?.registryId, '000000000000');
    assert.equal(repository?.repositoryUri, `${host}/team-a/web-app`);
    assert.equal(repository?.imageTagMutability, 'MUTABLE');
    assert.deepEqual(repository?.imageScanningConfiguration, { scanOnPush: false });
    assert.deepEqual(repository?.encryptionConfiguration, { encryptionType: 'AES256' });
    assert.ok(repository?.createdAt instanceof Date);
  });

  it('keeps the settings given: IMMUTABLE_WITH_EXCLUSION, scanning, KMS encryption, tags', async () => {
    const filters = [{ filterType: 'WILDCARD' as const, filter: 'latest' }, { filterType: 'WILDCARD' as const, filter: 'dev-*' }];
    const { repository } = await ecr.send(new CreateRepositoryCommand({
      repositoryName: 'configured',
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: filters,
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:000000000000:key/k1' },
      tags: [{ Key: 'team', Value: 'a' }],
    }));
    assert.equal(repository?.imageTagMutability, 'IMMUTABLE_WITH_EXCLUSION');
    assert.deepEqual(repository?.imageTagMutabilityExclusionFilters, filters);
    assert.deepEqual(repository?.imageScanningConfiguration, { scanOnPush: true });
    assert.deepEqual(repository?.encryptionConfiguration, { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:000000000000:key/k1' });
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['configured'] }));
    assert.deepEqual(described.repositories?.[0], repository);
    const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn('configured') }));
    assert.deepEqual(tags.tags, [{ Key: 'team', Value: 'a' }]);
  });

  it('refuses a duplicate, an invalid name and an exclusion setting without filters', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'dup' }));
    await assert.rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: 'dup' })),
      { name: 'RepositoryAlreadyExistsException', message: "The repository with name 'dup' already exists in the registry with id '000000000000'" });
    for (const bad of ['Upper', '../escape', '/absolute', 'a//b', 'a..b', 'trailing/', 'x']) {
      await assert.rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: bad })), { name: 'InvalidParameterException' }, bad);
    }
    await assert.rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: 'needs-filters', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' })),
      { name: 'InvalidParameterException' });
  });

  it('describes by name (unknown names are RepositoryNotFoundException) and pages through all', async () => {
    await assert.rejects(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['dup', 'nope'] })),
      { name: 'RepositoryNotFoundException', message: "The repository with name 'nope' does not exist in the registry with id '000000000000'" });
    for (const n of ['page-1', 'page-2', 'page-3']) await ecr.send(new CreateRepositoryCommand({ repositoryName: n }));
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 2, nextToken }));
      assert.ok((page.repositories?.length ?? 0) <= 2);
      names.push(...(page.repositories ?? []).map((r) => r.repositoryName!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(names, [...names].sort());
    for (const n of ['configured', 'dup', 'page-1', 'page-2', 'page-3', 'team-a/web-app']) assert.ok(names.includes(n), n);
    // Regions are separate registries.
    const west = await ecrClient(berth, 'eu-west-1').send(new DescribeRepositoriesCommand({}));
    assert.deepEqual(west.repositories, []);
  });

  it('changes tag mutability', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'mutability' }));
    const out = await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'mutability', imageTagMutability: 'IMMUTABLE' }));
    assert.deepEqual({ ...out, $metadata: undefined }, { $metadata: undefined, registryId: '000000000000', repositoryName: 'mutability', imageTagMutability: 'IMMUTABLE' });
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['mutability'] }));
    assert.equal(described.repositories?.[0]?.imageTagMutability, 'IMMUTABLE');
    await assert.rejects(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'nope', imageTagMutability: 'IMMUTABLE' })), { name: 'RepositoryNotFoundException' });
  });

  it('stores, returns and deletes a repository policy', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'policy' }));
    await assert.rejects(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'policy' })),
      { name: 'RepositoryPolicyNotFoundException', message: "Repository policy does not exist for the repository with name 'policy' in the registry with id '000000000000'" });
    const policyText = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }] });
    const set = await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policy', policyText }));
    assert.equal(set.policyText, policyText);
    assert.equal((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'policy' }))).policyText, policyText);
    await assert.rejects(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policy', policyText: 'not json' })), { name: 'InvalidParameterException' });
    const deleted = await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'policy' }));
    assert.equal(deleted.policyText, policyText);
    await assert.rejects(ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'policy' })), { name: 'RepositoryPolicyNotFoundException' });
  });

  it('tags and untags a repository; unknown repositories and bad ARNs are refused', async () => {
    await ecr.send(new TagResourceCommand({ resourceArn: arn('dup'), tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await ecr.send(new UntagResourceCommand({ resourceArn: arn('dup'), tagKeys: ['a'] }));
    assert.deepEqual((await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn('dup') }))).tags, [{ Key: 'b', Value: '2' }]);
    await assert.rejects(ecr.send(new ListTagsForResourceCommand({ resourceArn: arn('nope') })), { name: 'RepositoryNotFoundException' });
    await assert.rejects(ecr.send(new TagResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/x', tags: [] })), { name: 'InvalidParameterException' });
  });

  it('deletes a repository, with its tags', async () => {
    const { repository } = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'dup' }));
    assert.equal(repository?.repositoryName, 'dup');
    await assert.rejects(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'dup' })), { name: 'RepositoryNotFoundException' });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'dup' }));
    assert.deepEqual((await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn('dup') }))).tags, []);
  });

  it('describes the registry', async () => {
    const out = await ecr.send(new DescribeRegistryCommand({}));
    assert.equal(out.registryId, '000000000000');
    assert.deepEqual(out.replicationConfiguration, { rules: [] });
  });

  it('hands out 12-hour registry credentials for user AWS that the registry accepts', async () => {
    const before = Date.now();
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    assert.equal(authorizationData?.length, 1);
    const data = authorizationData![0]!;
    assert.equal(data.proxyEndpoint, `http://${host}`);
    const hours = (data.expiresAt!.getTime() - before) / 3_600_000;
    assert.ok(hours > 11.9 && hours <= 12.01, `expires in ${hours} h`);
    const [user, password] = Buffer.from(data.authorizationToken!, 'base64').toString().split(':');
    assert.equal(user, 'AWS');
    assert.ok(password && password.length > 20);
    const ok = await new RawRegistry(berth.url, await registryAuth(berth)).fetch('/v2/');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('docker-distribution-api-version'), 'registry/2.0');
  });
});
