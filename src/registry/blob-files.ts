import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSha256Digest } from '../domain/ecr/names.js';

/** The content did not hash to the digest the client named; nothing of it was kept. */
export class DigestMismatchError extends Error {
  constructor(readonly expected: string, readonly actual: string) {
    super(`provided digest ${expected} did not match uploaded content (${actual})`);
  }
}

/** An upload grew past the largest blob accepted; the chunk that did it was not kept. */
export class BlobTooLargeError extends Error {}

/**
 * Read and write size of blob files. Node's defaults (64 KiB reads; one write per socket-sized body
 * chunk, often 16-64 KiB) cost a thread-pool round trip per small chunk; at 1 MiB Berth's CPU per
 * 100 MB blob served fell from ~0.35 s to ~0.1 s (curl), per 105 MB `docker pull` from ~0.6 s to
 * ~0.35 s, and the per-write cost of a push ~7× (bench/registry-push-pull.ts).
 */
const IO_CHUNK_BYTES = 1024 * 1024;

/**
 * Blobs on disk, content-addressed: `<root>/blobs/sha256/ab/<hex>`, written once and shared by every
 * repository. Uploads grow in `<root>/uploads/<id>` (same filesystem, so the final rename is atomic)
 * and only a file whose bytes hash to the named digest is renamed into place.
 */
export class BlobFiles {
  readonly #blobs: string;
  readonly #uploads: string;

  constructor(root: string) {
    this.#blobs = join(root, 'blobs', 'sha256');
    this.#uploads = join(root, 'uploads');
  }

  async init(): Promise<void> {
    await mkdir(this.#blobs, { recursive: true });
    // Upload files outlive a restart only as resumable sessions the store still knows.
    await mkdir(this.#uploads, { recursive: true });
  }

  pathOf(digest: string): string {
    if (!isSha256Digest(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    const hex = digest.slice('sha256:'.length);
    return join(this.#blobs, hex.slice(0, 2), hex);
  }

  /** The blob's size on disk, or undefined when it is not there. */
  async sizeOf(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(digest))).size;
    } catch {
      return undefined;
    }
  }

  read(digest: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(digest), { highWaterMark: IO_CHUNK_BYTES, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  uploadPath(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`not an upload id: ${id}`);
    return join(this.#uploads, id);
  }

  async createUpload(id: string): Promise<void> {
    await (await open(this.uploadPath(id), 'wx')).close();
  }

  /**
   * Writes `body` at `offset` of upload `id`, feeding `hash` as it goes; resolves to the bytes written.
   * If the body fails or is cut short, the file goes back to `offset` bytes and the error is rethrown,
   * so the upload stays exactly as it was before this chunk.
   */
  async append(id: string, offset: number, body: Readable, hash: Hash, maxBytes = Number.MAX_SAFE_INTEGER): Promise<number> {
    const path = this.uploadPath(id);
    let written = 0;
    try {
      await pipeline(body, async function* (source: AsyncIterable<Buffer>) {
        // Socket-sized chunks are gathered into IO_CHUNK_BYTES writes: one file system round trip
        // (a thread pool hand-off) per chunk costs more than the copy.
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        for await (const chunk of source) {
          written += chunk.length;
          if (written > maxBytes) throw new BlobTooLargeError(`upload larger than the ${maxBytes} bytes it may still grow`);
          hash.update(chunk);
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= IO_CHUNK_BYTES) {
            yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
            pending = [];
            pendingBytes = 0;
          }
        }
        if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
      }, createWriteStream(path, { flags: 'r+', start: offset, highWaterMark: IO_CHUNK_BYTES }));
      return written;
    } catch (error) {
      await truncate(path, offset).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Makes upload `id` the blob `digest` if its bytes hash to it (`hash` holds them all; without it
   * the file is hashed again). Removes the upload file either way. Resolves to the blob's size.
   */
  async commit(id: string, digest: string, hash?: Hash): Promise<number> {
    const path = this.uploadPath(id);
    try {
      const actual = `sha256:${(hash ?? await hashFile(path)).digest('hex')}`;
      if (actual !== digest) throw new DigestMismatchError(digest, actual);
      // No fsync: the store's commits are in the OS, not on the platter, when they return (WAL,
      // synchronous=NORMAL), so a killed process loses nothing and a power cut may lose the
      // newest of both alike. The rename is what makes a blob appear whole or not at all.
      const size = (await stat(path)).size;
      const target = this.pathOf(digest);
      if ((await this.sizeOf(digest)) === size) return size; // already stored: deduplicated
      await mkdir(dirname(target), { recursive: true });
      await rename(path, target);
      return size;
    } finally {
      await rm(path, { force: true });
    }
  }

  async discardUpload(id: string): Promise<void> {
    await rm(this.uploadPath(id), { force: true });
  }

  /** Deletes a blob's file (garbage collection; its row is gone first). */
  async removeBlob(digest: string): Promise<void> {
    await rm(this.pathOf(digest), { force: true });
  }

  /** Digests of every blob file on disk (anything else in the tree is left alone). */
  async listBlobs(): Promise<string[]> {
    const digests: string[] = [];
    for (const prefix of await readdir(this.#blobs)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      const names = await readdir(join(this.#blobs, prefix)).catch(() => [] as string[]);
      for (const name of names) if (/^[0-9a-f]{64}$/.test(name) && name.startsWith(prefix)) digests.push(`sha256:${name}`);
    }
    return digests;
  }

  /** Ids of every upload file on disk. */
  async listUploads(): Promise<string[]> {
    return (await readdir(this.#uploads)).filter((name) => /^[0-9a-f-]{36}$/.test(name));
  }
}

export async function hashFile(path: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: IO_CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash;
}
