import { createHash, type Hash } from 'node:crypto';
import { truncate } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Scope } from '../domain/arn.js';
import type { Clock } from '../kit/clock.js';
import type { IdGen } from '../kit/id-gen.js';
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
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(private readonly stores: Stores, private readonly files: BlobFiles, private readonly clock: Clock, private readonly idGen: IdGen) {}

  async start(scope: Scope, repository: string): Promise<UploadRecord> {
    const upload: UploadRecord = { id: this.idGen.uuid(), region: scope.region, repository, size: 0, createdAt: this.clock.now() };
    await this.files.createUpload(upload.id);
    await this.stores.registryBlobs.putUpload(upload);
    this.#hashes.set(upload.id, { size: 0, hash: createHash('sha256') });
    return upload;
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
    return this.#exclusive(upload.id, async () => {
      const current = (await this.stores.registryBlobs.getUpload(upload.id)) ?? upload;
      if (startAt !== undefined && startAt !== current.size) {
        body.resume();
        throw new RegistryError('BLOB_UPLOAD_INVALID', `chunk starts at ${startAt} but the upload holds ${current.size} bytes`, null, 416);
      }
      const state = await this.#hashOf(current);
      const next = state.hash.copy();
      const written = await this.files.append(current.id, current.size, body, next, MAX_BLOB_BYTES - current.size).catch((error: unknown) => {
        throw error instanceof BlobTooLargeError ? new RegistryError('SIZE_INVALID', error.message) : error;
      });
      const updated = { ...current, size: current.size + written };
      await this.stores.registryBlobs.putUpload(updated);
      this.#hashes.set(current.id, { size: updated.size, hash: next });
      return updated;
    });
  }

  /** Verifies the whole upload against `digest` and makes it a blob of the repository; the session ends either way. */
  async complete(scope: Scope, upload: UploadRecord, digest: string): Promise<number> {
    return this.#exclusive(upload.id, async () => {
      const current = (await this.stores.registryBlobs.getUpload(upload.id)) ?? upload;
      const state = this.#hashes.get(current.id);
      this.#hashes.delete(current.id);
      await this.stores.registryBlobs.removeUpload(current.id);
      const size = await this.files.commit(current.id, digest, state?.size === current.size ? state.hash : undefined);
      await this.stores.registryBlobs.addAndLink(scope.region, current.repository, digest, size, this.clock.now());
      return size;
    });
  }

  async cancel(upload: UploadRecord): Promise<void> {
    await this.#exclusive(upload.id, async () => {
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

  async #hashOf(upload: UploadRecord): Promise<{ size: number; hash: Hash }> {
    const known = this.#hashes.get(upload.id);
    if (known && known.size === upload.size) return known;
    // After a restart: hash what the file holds up to the recorded size (a torn tail is cut off).
    await truncate(this.files.uploadPath(upload.id), upload.size);
    const rebuilt = { size: upload.size, hash: await hashFile(this.files.uploadPath(upload.id)) };
    this.#hashes.set(upload.id, rebuilt);
    return rebuilt;
  }

  async #exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    this.#locks.set(id, run);
    try {
      return await run;
    } finally {
      if (this.#locks.get(id) === run) this.#locks.delete(id);
    }
  }
}
