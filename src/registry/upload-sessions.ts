import { createHash, type Hash } from 'node:crypto';
import { truncate } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Scope } from '../domain/arn.js';
import type { Clock } from '../kit/clock.js';
import type { IdGen } from '../kit/id-gen.js';
import { KeyedLock } from '../kit/keyed-lock.js';
import type { UploadRecord } from '../store/registry-blob-store.js';
import type { Stores } from '../store/stores.js';
import { type BlobFiles, BlobTooLargeError, hashFile } from './blob-files.js';
import { RegistryError } from './oci-errors.js';

/** ECR's largest layer is 42,000 MiB; one upload may not grow past it. */
export const MAX_BLOB_BYTES = 42_000 * 1024 * 1024;

/**
 * Blob uploads: monolithic or chunked, resumable across requests (the session and its byte count
 * live in the store, the bytes in an upload file). The running sha256 of each session is kept in
 * memory so the final check costs nothing; after a restart it is rebuilt from the file. Chunks
 * of one session are taken one at a time.
 */
export class UploadSessions {
  readonly #hashes = new Map<string, { size: number; hash: Hash }>();
  readonly #sessions = new KeyedLock();
  /**
   * Held per digest while a blob's file and row are put in place together (upload, mount) or
   * taken away together (garbage collection), so neither sees the other half done.
   */
  readonly blobLocks = new KeyedLock();

  constructor(private readonly stores: Stores, private readonly files: BlobFiles, private readonly clock: Clock, private readonly idGen: IdGen) {}

  async start(scope: Scope, repository: string): Promise<UploadRecord> {
    const now = this.clock.now();
    const upload: UploadRecord = { id: this.idGen.uuid(), region: scope.region, repository, size: 0, createdAt: now, updatedAt: now };
    // Under the session's lock: a sweep must not take the file for an orphan before its row exists.
    return this.#sessions.run(upload.id, async () => {
      await this.files.createUpload(upload.id);
      await this.stores.registryBlobs.putUpload(upload);
      this.#hashes.set(upload.id, { size: 0, hash: createHash('sha256') });
      return upload;
    });
  }

  /** The open session `id` of this repository, or BLOB_UPLOAD_UNKNOWN. */
  async get(scope: Scope, repository: string, id: string): Promise<UploadRecord> {
    const upload = /^[0-9a-f-]{36}$/.test(id) ? await this.stores.registryBlobs.getUpload(id) : undefined;
    if (!upload || upload.region !== scope.region || upload.repository !== repository) {
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid: id.slice(0, 64) });
    }
    return upload;
  }

  /**
   * Appends a chunk. `startAt` (from Content-Range) must be where the upload stands. A chunk cut off
   * midway leaves the session as it was before it, so the client can resume from the same offset.
   */
  async append(upload: UploadRecord, body: Readable, startAt?: number): Promise<UploadRecord> {
    return this.#sessions.run(upload.id, async () => {
      const current = await this.stores.registryBlobs.getUpload(upload.id);
      if (!current) {
        body.resume();
        throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid: upload.id });
      }
      if (startAt !== undefined && startAt !== current.size) {
        body.resume();
        throw new RegistryError('BLOB_UPLOAD_INVALID', `chunk starts at ${startAt} but the upload holds ${current.size} bytes`, null, 416);
      }
      const state = await this.#hashOf(current);
      const next = state.hash.copy();
      const written = await this.files.append(current.id, current.size, body, next, MAX_BLOB_BYTES - current.size).catch((error: unknown) => {
        throw error instanceof BlobTooLargeError ? new RegistryError('SIZE_INVALID', error.message) : error;
      });
      const updated = { ...current, size: current.size + written, updatedAt: this.clock.now() };
      await this.stores.registryBlobs.putUpload(updated);
      this.#hashes.set(current.id, { size: updated.size, hash: next });
      return updated;
    });
  }

  /** Verifies the whole upload against `digest` and makes it a blob of the repository; the session ends either way. */
  async complete(scope: Scope, upload: UploadRecord, digest: string): Promise<number> {
    return this.#sessions.run(upload.id, async () => {
      const current = (await this.stores.registryBlobs.getUpload(upload.id)) ?? upload;
      const state = this.#hashes.get(current.id);
      this.#hashes.delete(current.id);
      await this.stores.registryBlobs.removeUpload(current.id);
      return this.blobLocks.run(digest, async () => {
        const size = await this.files.commit(current.id, digest, state?.size === current.size ? state.hash : undefined);
        await this.stores.registryBlobs.addAndLink(scope.region, current.repository, digest, size, this.clock.now());
        return size;
      });
    });
  }

  /** Links a blob repository `from` holds into `repository` (a cross-repository mount); false when `from` does not hold it. */
  async mount(scope: Scope, from: string, repository: string, digest: string): Promise<boolean> {
    return this.blobLocks.run(digest, async () => {
      const source = await this.stores.registryBlobs.linked(scope.region, from, digest);
      if (!source) return false;
      await this.stores.registryBlobs.addAndLink(scope.region, repository, digest, source.size, this.clock.now());
      return true;
    });
  }

  async cancel(upload: UploadRecord): Promise<void> {
    await this.#sessions.run(upload.id, async () => {
      this.#hashes.delete(upload.id);
      await this.stores.registryBlobs.removeUpload(upload.id);
      await this.files.discardUpload(upload.id);
    });
  }

  /** Drops the files of sessions whose repository is gone. */
  async discard(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.#hashes.delete(id);
      await this.files.discardUpload(id);
    }
  }

  /**
   * Ends sessions that received nothing since before `before`, and removes upload files no session
   * owns (left by a crash between the row and the file). A session with a chunk streaming in right
   * now is left alone. Resolves to the number of files removed.
   */
  async sweep(before: number): Promise<number> {
    let removed = 0;
    for (const id of await this.stores.registryBlobs.uploadsIdleSince(before)) {
      if (this.#sessions.held(id)) continue;
      removed += await this.#sessions.run(id, async () => {
        const current = await this.stores.registryBlobs.getUpload(id);
        if (!current || current.updatedAt >= before) return 0;
        this.#hashes.delete(id);
        // Row first: a crash before the file goes leaves an orphan file, swept below next time.
        await this.stores.registryBlobs.removeUpload(id);
        await this.files.discardUpload(id);
        return 1;
      });
    }
    const onDisk = await this.files.listUploads();
    const known = await this.stores.registryBlobs.existingUploads(onDisk);
    for (const id of onDisk.filter((i) => !known.has(i))) {
      removed += await this.#sessions.run(id, async () => {
        if (await this.stores.registryBlobs.getUpload(id)) return 0;
        await this.files.discardUpload(id);
        return 1;
      });
    }
    return removed;
  }

  async #hashOf(upload: UploadRecord): Promise<{ size: number; hash: Hash }> {
    const known = this.#hashes.get(upload.id);
    if (known && known.size === upload.size) return known;
    // After a restart: hash what the file holds up to the recorded size (a torn tail is cut off).
    await truncate(this.files.uploadPath(upload.id), upload.size);
    const rebuilt = { size: upload.size, hash: await hashFile(this.files.uploadPath(upload.id)) };
    this.#hashes.set(upload.id, rebuilt);
    return rebuilt;
  }
}
