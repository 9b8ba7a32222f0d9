import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MEDIA_TYPES } from '../../src/domain/ecr/manifest.js';
import { BlobFiles } from '../../src/registry/blob-files.js';
import { InProcessRegistry } from './in-process-registry.js';
import { type RawRegistry, sha256 } from './registry-support.js';

const HOUR = 60 * 60_000;

/** Blob files with a hook run just before a blob's file is removed. */
class HookedFiles extends BlobFiles {
  beforeRemove: ((digest: string) => Promise<void>) | undefined;
  override async removeBlob(digest: string): Promise<void> {
    await this.beforeRemove?.(digest);
    await super.removeBlob(digest);
  }
}

describe('registry garbage collection (in process, fake clock)', () => {
  let r: InProcessRegistry;
  let files: HookedFiles;
  const repositories = ['shared-one', 'shared-two', 'solo', 'fresh', 'multi', 'headed', 'doomed', 'uploads'];

  before(async () => {
    r = await InProcessRegistry.start((root) => (files = new HookedFiles(root)));
    for (const name of repositories) await r.repositories.create(r.scope, { repositoryName: name });
  });
  after(() => r.close());

  const deleteImages = async (repositoryName: string, ...digests: string[]) => {
    const out = await r.images.batchDelete(r.scope, { repositoryName, imageIds: digests.map((imageDigest) => ({ imageDigest })) });
    assert.deepEqual(out.failures, [], `deleting ${digests.join(', ')} from ${repositoryName}`);
  };
  /** 'OK' with the bytes, or the registry's error code. */
  const getBlob = async (client: RawRegistry, repository: string, digest: string) => {
    const res = await client.fetch(`/v2/${repository}/blobs/${digest}`);
    return res.status === 200 ? Buffer.from(await res.arrayBuffer()).toString() : await client.errorCode(res);
  };
  /** Moves past the grace period and runs one pass. */
  const collectLater = async (ms = 2 * HOUR) => {
    r.clock.advance(ms);
    return r.gc.collect();
  };

  it('keeps a blob another repository still uses when the image goes from one', async () => {
    const client = r.client();
    const one = await client.pushImage('shared-one', 'v1', 'shared');
    const two = await client.pushImage('shared-two', 'v1', 'shared');
    assert.equal(one.layerDigest, two.layerDigest, 'both repositories hold the same layer');
    await deleteImages('shared-one', one.digest);
    const report = await collectLater();
    assert.equal(report.links, 2, 'shared-one lets go of its config and layer');
    const later = r.client();
    assert.ok(existsSync(r.blobPath(one.layerDigest)), 'the layer file stays on disk');
    assert.equal(await getBlob(later, 'shared-two', one.layerDigest), 'layer of shared');
    assert.equal(await getBlob(later, 'shared-one', one.layerDigest), 'BLOB_UNKNOWN', 'shared-one no longer serves it');
  });

  it('removes a blob no manifest references from disk and store; the same content can be pushed again', async () => {
    const client = r.client();
    const image = await client.pushImage('solo', 'v1', 'solo');
    await deleteImages('solo', image.digest);
    const report = await collectLater();
    assert.equal(report.blobs, 2, 'config and layer are collected');
    for (const digest of [image.layerDigest, image.configDigest]) {
      assert.equal(existsSync(r.blobPath(digest)), false, `${digest} is gone from disk`);
      assert.equal(await r.hasBlobRow(digest), false, `${digest} is gone from the store`);
    }
    const later = r.client();
    assert.equal(await getBlob(later, 'solo', image.layerDigest), 'BLOB_UNKNOWN');
    assert.equal((await later.fetch(`/v2/solo/blobs/${image.layerDigest}`, { method: 'HEAD' })).status, 404);
    const again = await later.pushImage('solo', 'v1', 'solo');
    assert.equal(again.digest, image.digest, 'the same manifest');
    assert.equal(await getBlob(later, 'solo', image.layerDigest), 'layer of solo');
  });

  it('keeps a blob uploaded within the grace period though no manifest names it yet', async () => {
    const client = r.client();
    const digest = await client.pushBlob('fresh', 'a layer whose manifest is on its way');
    await collectLater(30 * 60_000);
    assert.ok(existsSync(r.blobPath(digest)), 'kept within the grace period');
    assert.equal(await getBlob(r.client(), 'fresh', digest), 'a layer whose manifest is on its way');
    await collectLater(HOUR);
    assert.equal(existsSync(r.blobPath(digest)), false, 'collected once the grace period is over');
  });

  it('never loses a blob pushed again while a pass removes it', async () => {
    const content = 'raced layer';
    await r.client().pushBlob('fresh', content);
    r.clock.advance(2 * HOUR);
    let pushed: Promise<string> | undefined;
    files.beforeRemove = async () => {
      files.beforeRemove = undefined;
      // Between the row's delete and the file's: the same bytes come in again. With the digest's
      // lock the push waits for the removal, so give up waiting for it after a moment.
      pushed = r.client().pushBlob('fresh', content);
      await Promise.race([pushed.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200))]);
    };
    const report = await r.gc.collect();
    assert.equal(report.blobs, 1, 'the pass did remove the old blob');
    assert.ok(pushed, 'the push ran during the removal');
    const digest = await pushed;
    assert.equal(await getBlob(r.client(), 'fresh', digest), content, 'the push that succeeded is served');
  });

  it('keeps the blobs of the images an index lists, and lets them go with the index', async () => {
    const client = r.client();
    const children = [];
    for (const arch of ['amd64', 'arm64']) {
      const child = await client.pushImage('multi', `tmp-${arch}`, `multi-${arch}`);
      // Leave the child untagged, as docker buildx does: only the index names it.
      await r.images.batchDelete(r.scope, { repositoryName: 'multi', imageIds: [{ imageTag: `tmp-${arch}` }] });
      assert.equal((await client.putManifest('multi', child.digest, child.manifest, MEDIA_TYPES.ociManifest)).status, 201);
      children.push({ ...child, arch });
    }
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: children.map((c) => ({ mediaType: MEDIA_TYPES.ociManifest, digest: c.digest, size: c.manifest.length, platform: { os: 'linux', architecture: c.arch } })),
    });
    assert.equal((await client.putManifest('multi', 'latest', index, MEDIA_TYPES.ociIndex)).status, 201);
    await collectLater();
    const later = r.client();
    for (const child of children) {
      assert.equal(await getBlob(later, 'multi', child.layerDigest), `layer of multi-${child.arch}`, `${child.arch} layer kept for the index`);
      assert.ok(existsSync(r.blobPath(child.configDigest)), `${child.arch} config kept for the index`);
    }
    await deleteImages('multi', sha256(index), ...children.map((c) => c.digest));
    await r.gc.collect();
    for (const child of children) assert.equal(existsSync(r.blobPath(child.layerDigest)), false, `${child.arch} layer collected with the index`);
  });

  it('keeps a link a client just checked with HEAD, so the manifest naming it can follow', async () => {
    const client = r.client();
    const image = await client.pushImage('headed', 'v1', 'headed');
    await deleteImages('headed', image.digest);
    r.clock.advance(2 * HOUR);
    const later = r.client();
    for (const digest of [image.configDigest, image.layerDigest]) {
      assert.equal((await later.fetch(`/v2/headed/blobs/${digest}`, { method: 'HEAD' })).status, 200, `docker finds ${digest} and skips its upload`);
    }
    await r.gc.collect();
    assert.equal((await later.putManifest('headed', 'v1', image.manifest, MEDIA_TYPES.ociManifest)).status, 201, 'the manifest still finds its blobs');
  });

  it('collects the blobs of a repository deleted with force', async () => {
    const image = await r.client().pushImage('doomed', 'v1', 'doomed');
    await r.repositories.delete(r.scope, { repositoryName: 'doomed', force: true });
    await collectLater();
    assert.equal(existsSync(r.blobPath(image.layerDigest)), false, 'layer collected');
    assert.equal(await r.hasBlobRow(image.configDigest), false, 'config row collected');
  });

  it('sweeps abandoned uploads and files no row names, and keeps active uploads', async () => {
    const uploadFile = (id: string) => join(r.dataDir, 'registry', 'uploads', id);
    const client = r.client();
    const stale = await client.fetch('/v2/uploads/blobs/uploads/', { method: 'POST' });
    const staleId = String(stale.headers.get('docker-upload-uuid'));
    assert.equal((await client.fetch(`/v2/uploads/blobs/uploads/${staleId}`, { method: 'PATCH', body: 'half a layer' })).status, 202);
    r.clock.advance(23 * HOUR);
    const later = r.client();
    const active = await later.fetch('/v2/uploads/blobs/uploads/', { method: 'POST' });
    const activeId = String(active.headers.get('docker-upload-uuid'));
    const orphanUpload = randomUUID();
    writeFileSync(uploadFile(orphanUpload), 'left by a crash');
    // A blob file whose row is gone (a SIGKILL between the row's delete and the file's).
    const orphanBlob = sha256('orphaned blob');
    mkdirSync(dirname(r.blobPath(orphanBlob)), { recursive: true });
    writeFileSync(r.blobPath(orphanBlob), 'orphaned blob');

    const report = await collectLater(2 * HOUR);
    assert.equal(report.orphanBlobFiles, 1, 'one orphan blob file');
    assert.equal(existsSync(r.blobPath(orphanBlob)), false, 'orphan blob file removed');
    assert.equal(existsSync(uploadFile(orphanUpload)), false, 'orphan upload file removed');
    assert.equal(existsSync(uploadFile(staleId)), false, 'idle upload file removed');
    const latest = r.client();
    const staleStatus = await latest.fetch(`/v2/uploads/blobs/uploads/${staleId}`);
    assert.equal(await latest.errorCode(staleStatus), 'BLOB_UPLOAD_UNKNOWN');
    assert.equal((await latest.fetch(`/v2/uploads/blobs/uploads/${activeId}`)).status, 204, 'the upload started 2 hours ago stays');
    assert.ok(existsSync(uploadFile(activeId)), 'its file stays');
  });
});
