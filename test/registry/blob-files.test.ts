import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { BlobFiles, DigestMismatchError } from '../../src/registry/blob-files.js';

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('BlobFiles: content-addressed blobs on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-blobs-'));
  const files = new BlobFiles(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  const upload = async (data: Buffer | string, digest = sha256(data)) => {
    const id = randomUUID();
    await files.init();
    await files.createUpload(id);
    const hash = createHash('sha256');
    await files.append(id, 0, Readable.from([Buffer.from(data)]), hash);
    return files.commit(id, digest, hash);
  };

  it('stores a blob under blobs/sha256/<2 hex>/<hex> once, whoever uploads it', async () => {
    assert.equal(await upload('hello'), 5);
    assert.equal(await upload('hello'), 5);
    const digest = sha256('hello');
    assert.equal(files.pathOf(digest), join(root, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7)));
    assert.equal(readFileSync(files.pathOf(digest), 'utf8'), 'hello');
    assert.deepEqual(readdirSync(join(root, 'uploads')), []);
  });

  it('keeps nothing when the bytes do not hash to the digest', async () => {
    const wrong = sha256('other');
    await assert.rejects(upload('mismatch', wrong), DigestMismatchError);
    assert.equal(await files.sizeOf(wrong), undefined);
    assert.equal(await files.sizeOf(sha256('mismatch')), undefined);
    assert.deepEqual(readdirSync(join(root, 'uploads')), []);
  });

  it('rolls a chunk cut off midway back to where it started', async () => {
    const id = randomUUID();
    await files.createUpload(id);
    await files.append(id, 0, Readable.from([Buffer.from('first')]), createHash('sha256'));
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(files.append(id, 5, failing, createHash('sha256')), /connection reset/);
    assert.equal(statSync(files.uploadPath(id)).size, 5);
    await files.discardUpload(id);
  });

  it('refuses paths that are not digests or upload ids', () => {
    assert.throws(() => files.pathOf('sha256:../../etc/passwd'));
    assert.throws(() => files.uploadPath('../x'));
  });
});
