import type { Clock } from '../kit/clock.js';
import type { Stores } from '../store/stores.js';
import type { BlobFiles } from './blob-files.js';
import type { UploadSessions } from './upload-sessions.js';

export interface RegistryGcOptions {
  /** Links and blobs younger than this are kept: their manifest may be on its way. */
  graceMs: number;
  /** Upload sessions idle this long are abandoned. */
  uploadIdleMs: number;
}

export const DEFAULT_REGISTRY_GC: RegistryGcOptions = { graceMs: 60 * 60_000, uploadIdleMs: 24 * 60 * 60_000 };

/** What one pass removed. */
export interface RegistryGcReport {
  uploads: number;
  links: number;
  blobs: number;
  /** Blob files no row named (left by a crash between the row's delete and the file's). */
  orphanBlobFiles: number;
}

/**
 * Garbage collection of the registry, safe beside pushes in flight:
 * 1. a repository's links to blobs none of its manifests names go, once older than the grace
 *    (checked and deleted in one transaction, so a manifest PUT either sees the link or fails);
 * 2. blobs no repository links go, row first then file, under the digest's lock, so an upload of
 *    the same bytes never finds a file about to vanish; a SIGKILL in between leaves a file
 *    without a row, which step 3 removes next time;
 * 3. blob files without a row go;
 * plus upload sessions idle past their limit, and upload files without a session.
 * Every manifest in a repository needs its blobs linked there (ImagePush checks), and an index's
 * children are images of the same repository, so "no link" means "no manifest anywhere needs it".
 */
export class RegistryGc {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stores: Stores,
    private readonly files: BlobFiles,
    private readonly uploads: UploadSessions,
    private readonly clock: Clock,
    private readonly options: RegistryGcOptions = DEFAULT_REGISTRY_GC,
  ) {}

  /** Runs one pass, after any pass still running. */
  collect(): Promise<RegistryGcReport> {
    const run = this.#tail.catch(() => undefined).then(() => this.#collect());
    this.#tail = run;
    return run;
  }

  /** Resolves once no pass is running (to close the store after). */
  async idle(): Promise<void> {
    await this.#tail.catch(() => undefined);
  }

  async #collect(): Promise<RegistryGcReport> {
    const now = this.clock.now();
    const uploads = await this.uploads.sweep(now - this.options.uploadIdleMs);
    const links = await this.#unlinkUnreferenced(now - this.options.graceMs);
    const blobs = await this.#removeUnlinkedBlobs(now - this.options.graceMs);
    const orphanBlobFiles = await this.#removeOrphanFiles();
    return { uploads, links, blobs, orphanBlobFiles };
  }

  /** One short transaction per repository, so pushes wait on a repository's worth at most. */
  async #unlinkUnreferenced(before: number): Promise<number> {
    let removed = 0;
    for (const { region, repository } of await this.stores.registryBlobs.linkingRepositories()) {
      removed += await this.stores.transaction(async (tx) => {
        const old = await tx.registryBlobs.linksOlderThan(region, repository, before);
        if (old.length === 0) return 0;
        const referenced = new Set((await tx.ecrImages.list(region, repository)).flatMap((image) => image.body.blobs));
        const unreferenced = old.filter((digest) => !referenced.has(digest));
        await tx.registryBlobs.unlink(region, repository, unreferenced);
        return unreferenced.length;
      });
    }
    return removed;
  }

  async #removeUnlinkedBlobs(before: number): Promise<number> {
    let removed = 0;
    for (const digest of await this.stores.registryBlobs.unlinkedBlobs(before)) {
      removed += await this.uploads.blobLocks.run(digest, async () => {
        // Rechecked in the delete itself: a push or mount since the listing keeps it.
        if (!(await this.stores.registryBlobs.removeIfUnlinked(digest, before))) return 0;
        await this.files.removeBlob(digest);
        return 1;
      });
    }
    return removed;
  }

  async #removeOrphanFiles(): Promise<number> {
    const onDisk = await this.files.listBlobs();
    const known = await this.stores.registryBlobs.existing(onDisk);
    let removed = 0;
    for (const digest of onDisk.filter((d) => !known.has(d))) {
      removed += await this.uploads.blobLocks.run(digest, async () => {
        if ((await this.stores.registryBlobs.existing([digest])).size > 0) return 0;
        await this.files.removeBlob(digest);
        return 1;
      });
    }
    return removed;
  }
}
