import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BatchDeleteImageCommand, BatchGetImageCommand, CreateRepositoryCommand, DeleteRepositoryCommand, DescribeImagesCommand,
  type ECRClient, ListImagesCommand, PutImageCommand, PutImageTagMutabilityCommand,
} from '@aws-sdk/client-ecr';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { ecrClient, RawRegistry, registryAuth, sha256 } from '../registry/registry-support.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

describe('ECR images through @aws-sdk/client-ecr', () => {
  let berth: BerthProcess;
  let ecr: ECRClient;
  let registry: RawRegistry;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    ecr = ecrClient(berth);
    registry = new RawRegistry(berth.url, await registryAuth(berth));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'images' }));
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('describes pushed images: size, push time, tags, media types, last pull', async () => {
    const before = Date.now();
    const one = await registry.pushImage('images', 'v1', 'one', DOCKER_MANIFEST);
    const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: 'images', imageIds: [{ imageTag: 'v1' }] }));
    const detail = imageDetails![0]!;
    assert.equal(detail.imageDigest, one.digest);
    assert.deepEqual(detail.imageTags, ['v1']);
    assert.equal(detail.imageSizeInBytes, one.layerSize);
    assert.equal(detail.imageManifestMediaType, DOCKER_MANIFEST);
    assert.equal(detail.artifactMediaType, 'application/vnd.docker.container.image.v1+json');
    assert.ok(detail.imagePushedAt!.getTime() >= before - 1000);
    assert.equal(detail.lastRecordedPullTime, undefined);
    assert.equal((await registry.fetch(`/v2/images/manifests/v1`)).status, 200);
    const pulled = await ecr.send(new DescribeImagesCommand({ repositoryName: 'images', imageIds: [{ imageDigest: one.digest }] }));
    assert.ok(pulled.imageDetails![0]!.lastRecordedPullTime instanceof Date);
    await assert.rejects(ecr.send(new DescribeImagesCommand({ repositoryName: 'images', imageIds: [{ imageTag: 'nope' }] })), {
      name: 'ImageNotFoundException',
      message: "The image with imageId {imageDigest:'null', imageTag:'nope'} does not exist within the repository with name 'images' in the registry with id '000000000000'",
    });
  });

  it('PutImage tags an existing manifest, gets it back with BatchGetImage, and lists by tag status', async () => {
    const two = await registry.pushImage('images', 'v2', 'two');
    const put = await ecr.send(new PutImageCommand({ repositoryName: 'images', imageManifest: two.manifest, imageTag: 'stable' }));
    assert.deepEqual(put.image?.imageId, { imageDigest: two.digest, imageTag: 'stable' });
    await assert.rejects(ecr.send(new PutImageCommand({ repositoryName: 'images', imageManifest: two.manifest, imageTag: 'stable' })), { name: 'ImageAlreadyExistsException' });
    await assert.rejects(ecr.send(new PutImageCommand({ repositoryName: 'images', imageManifest: two.manifest, imageDigest: sha256('other') })), { name: 'ImageDigestDoesNotMatchException' });
    await assert.rejects(ecr.send(new PutImageCommand({ repositoryName: 'images', imageManifest: '{not json', imageTag: 'x' })), { name: 'InvalidParameterException' });
    const missing = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: sha256('nothing'), size: 1 }, layers: [] });
    await assert.rejects(ecr.send(new PutImageCommand({ repositoryName: 'images', imageManifest: missing, imageTag: 'x' })), { name: 'LayersNotFoundException' });

    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'images', imageIds: [{ imageTag: 'stable' }, { imageTag: 'gone' }, { imageDigest: 'sha256:bad' }, {}] }));
    assert.equal(got.images?.length, 1);
    assert.equal(got.images![0]!.imageManifest, two.manifest);
    assert.equal(got.images![0]!.imageManifestMediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(got.failures?.map((f) => f.failureCode), ['ImageNotFound', 'InvalidImageDigest', 'MissingDigestAndTag']);
    assert.equal(got.failures![0]!.failureReason, 'Requested image not found');

    // Moving v2 to another image leaves the old one untagged.
    await registry.pushImage('images', 'v2', 'two-again');
    const untagged = await ecr.send(new ListImagesCommand({ repositoryName: 'images', filter: { tagStatus: 'UNTAGGED' } }));
    assert.deepEqual(untagged.imageIds, []);
    const tagged = await ecr.send(new ListImagesCommand({ repositoryName: 'images', filter: { tagStatus: 'TAGGED' } }));
    assert.ok(tagged.imageIds!.some((id) => id.imageTag === 'stable' && id.imageDigest === two.digest));
    assert.equal(tagged.imageIds!.filter((id) => id.imageTag === 'v2').length, 1);
  });

  it('keeps tags immutable where the repository says so, with its exclusions', async () => {
    await ecr.send(new CreateRepositoryCommand({
      repositoryName: 'frozen', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
    }));
    const a = await registry.pushImage('frozen', 'v1', 'a');
    await registry.pushImage('frozen', 'latest', 'a');
    const b = await registry.pushImage('frozen', 'latest', 'b'); // excluded: mutable
    await assert.rejects(ecr.send(new PutImageCommand({ repositoryName: 'frozen', imageManifest: b.manifest, imageTag: 'v1' })), {
      name: 'ImageTagAlreadyExistsException',
      message: "The image tag 'v1' already exists in the 'frozen' repository and cannot be overwritten because the repository is immutable.",
    });
    const res = await registry.putManifest('frozen', 'v1', b.manifest, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(res.status, 400);
    assert.equal(await registry.errorCode(res), 'TAG_INVALID');
    // The same image again under the same tag is a no-op for a registry push.
    assert.equal((await registry.putManifest('frozen', 'v1', a.manifest, 'application/vnd.oci.image.manifest.v1+json')).status, 201);
    await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'frozen', imageTagMutability: 'MUTABLE' }));
    await ecr.send(new PutImageCommand({ repositoryName: 'frozen', imageManifest: b.manifest, imageTag: 'v1' }));
  });

  it('stores an OCI index with its media type and refuses to delete an image it lists', async () => {
    const child = await registry.pushImage('images', 'child', 'child');
    const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: child.digest, size: child.manifest.length, platform: { architecture: 'amd64', os: 'linux' } }] });
    const res = await registry.putManifest('images', 'multi', index, OCI_INDEX);
    assert.equal(res.status, 201);
    const got = await registry.fetch('/v2/images/manifests/multi');
    assert.equal(got.headers.get('content-type'), OCI_INDEX);
    assert.equal(got.headers.get('docker-content-digest'), sha256(index));
    assert.equal(await got.text(), index);
    const detail = (await ecr.send(new DescribeImagesCommand({ repositoryName: 'images', imageIds: [{ imageTag: 'multi' }] }))).imageDetails![0]!;
    assert.equal(detail.imageManifestMediaType, OCI_INDEX);
    assert.equal(detail.imageSizeInBytes, child.layerSize);
    const refused = await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'images', imageIds: [{ imageDigest: child.digest }] }));
    assert.equal(refused.failures?.[0]?.failureCode, 'ImageReferencedByManifestList');
    const badIndex = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ digest: sha256('absent'), size: 2 }] });
    const badRes = await registry.putManifest('images', 'bad-index', badIndex, OCI_INDEX);
    assert.equal(await registry.errorCode(badRes), 'MANIFEST_BLOB_UNKNOWN');
  });

  it('deletes by tag (the image goes with its last tag) and by digest, reporting ECR failure codes', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'deletes' }));
    const x = await registry.pushImage('deletes', 'x1', 'x');
    await ecr.send(new PutImageCommand({ repositoryName: 'deletes', imageManifest: x.manifest, imageTag: 'x2' }));
    const y = await registry.pushImage('deletes', 'y1', 'y');
    const first = await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'deletes', imageIds: [{ imageTag: 'x1' }, { imageTag: 'nope' }, { imageDigest: 'sha256:xyz' }] }));
    assert.deepEqual(first.imageIds, [{ imageDigest: x.digest, imageTag: 'x1' }]);
    assert.deepEqual(first.failures, [
      { imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
      { imageId: { imageDigest: 'sha256:xyz' }, failureCode: 'InvalidImageDigest', failureReason: "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'" },
    ]);
    const second = await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'deletes', imageIds: [{ imageTag: 'x2' }, { imageDigest: y.digest }] }));
    assert.deepEqual(second.imageIds, [{ imageDigest: x.digest, imageTag: 'x2' }, { imageDigest: y.digest, imageTag: 'y1' }]);
    assert.deepEqual((await ecr.send(new ListImagesCommand({ repositoryName: 'deletes' }))).imageIds, []);
  });

  it('will not delete a repository with images unless forced', async () => {
    await assert.rejects(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'images' })), {
      name: 'RepositoryNotEmptyException',
      message: "The repository with name 'images' in registry with id '000000000000' cannot be deleted because it still contains images",
    });
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'images', force: true }));
    const res = await registry.fetch('/v2/images/tags/list');
    assert.equal(res.status, 404);
    assert.equal(await registry.errorCode(res), 'NAME_UNKNOWN');
  });
});
