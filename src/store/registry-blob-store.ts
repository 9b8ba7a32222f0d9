import { queryTemplate } from './query-template.js';
import type { Db } from './sqlite.js';

const selectLinked = queryTemplate((db: Db, region: string, repository: string, digest: string) =>
  db.selectFrom('registry_blob_links').innerJoin('registry_blobs', 'registry_blobs.digest', 'registry_blob_links.digest')
    .select(['registry_blobs.digest', 'registry_blobs.size'])
    .where('registry_blob_links.region', '=', region).where('registry_blob_links.repository', '=', repository)
    .where('registry_blob_links.digest', '=', digest));

/** Digests per `in (…)` list, well under SQLite's limit on bound values. */
const CHUNK = 500;

export interface BlobRow {
  digest: string;
  size: number;
}

export interface UploadRecord {
  id: string;
  region: string;
  repository: string;
  size: number;
  createdAt: number;
  /** When it last received bytes (or started). */
  updatedAt: number;
}

/** Metadata of the registry's blobs, their links to repositories, and open upload sessions. */
export class RegistryBlobStore {
  constructor(private readonly db: Db) {}

  /** The blob if `repository` may serve it. */
  async linked(region: string, repository: string, digest: string): Promise<BlobRow | undefined> {
    const [row] = await selectLinked(this.db, region, repository, digest);
    return row && { digest: row.digest, size: Number(row.size) };
  }

  /** Which of `digests` `repository` may serve. */
  async linkedSet(region: string, repository: string, digests: readonly string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await this.db.selectFrom('registry_blob_links').select('digest')
      .where('region', '=', region).where('repository', '=', repository).where('digest', 'in', [...new Set(digests)]).execute();
    return new Set(rows.map((r) => r.digest));
  }

  /** Records a blob now on disk (idempotent) and links it to a repository, as of `at`. */
  async addAndLink(region: string, repository: string, digest: string, size: number, at: number): Promise<void> {
    await this.db.insertInto('registry_blobs').values({ digest, size, created_at: at }).onConflict((c) => c.column('digest').doNothing()).execute();
    await this.db.insertInto('registry_blob_links').values({ region, repository, digest, linked_at: at })
      .onConflict((c) => c.columns(['region', 'repository', 'digest']).doUpdateSet({ linked_at: at })).execute();
  }

  /** Marks an existing link as just used (a client checked it is there before naming it in a manifest). */
  async touchLink(region: string, repository: string, digest: string, at: number): Promise<void> {
    await this.db.updateTable('registry_blob_links').set({ linked_at: at })
      .where('region', '=', region).where('repository', '=', repository).where('digest', '=', digest).execute();
  }

  async unlinkAll(region: string, repository: string): Promise<void> {
    await this.db.deleteFrom('registry_blob_links').where('region', '=', region).where('repository', '=', repository).execute();
  }

  /** Every repository that links some blob, including any whose repository row is gone. */
  async linkingRepositories(): Promise<{ region: string; repository: string }[]> {
    return this.db.selectFrom('registry_blob_links').select(['region', 'repository']).distinct().execute();
  }

  /** Blobs a repository last linked before `before`. */
  async linksOlderThan(region: string, repository: string, before: number): Promise<string[]> {
    const rows = await this.db.selectFrom('registry_blob_links').select('digest')
      .where('region', '=', region).where('repository', '=', repository).where('linked_at', '<', before).execute();
    return rows.map((r) => r.digest);
  }

  async unlink(region: string, repository: string, digests: readonly string[]): Promise<void> {
    for (let i = 0; i < digests.length; i += CHUNK) {
      await this.db.deleteFrom('registry_blob_links').where('region', '=', region).where('repository', '=', repository)
        .where('digest', 'in', digests.slice(i, i + CHUNK)).execute();
    }
  }

  /** Blobs created before `before` that no repository links. */
  async unlinkedBlobs(before: number): Promise<string[]> {
    const rows = await this.db.selectFrom('registry_blobs').select('digest').where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('registry_blob_links as l').select('l.digest').whereRef('l.digest', '=', 'registry_blobs.digest'))))
      .execute();
    return rows.map((r) => r.digest);
  }

  /** Deletes the blob's row if it is still unlinked and older than `before` (one statement, so atomic); true if it did. */
  async removeIfUnlinked(digest: string, before: number): Promise<boolean> {
    const result = await this.db.deleteFrom('registry_blobs').where('digest', '=', digest).where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('registry_blob_links as l').select('l.digest').where('l.digest', '=', digest))))
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Which of `digests` have a blob row. */
  async existing(digests: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < digests.length; i += CHUNK) {
      const rows = await this.db.selectFrom('registry_blobs').select('digest').where('digest', 'in', digests.slice(i, i + CHUNK)).execute();
      for (const r of rows) found.add(r.digest);
    }
    return found;
  }

  async getUpload(id: string): Promise<UploadRecord | undefined> {
    const row = await this.db.selectFrom('registry_uploads').selectAll().where('id', '=', id).executeTakeFirst();
    return row && {
      id: row.id, region: row.region, repository: row.repository, size: Number(row.size), createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
    };
  }

  async putUpload(upload: UploadRecord): Promise<void> {
    const row = { id: upload.id, region: upload.region, repository: upload.repository, size: upload.size, created_at: upload.createdAt, updated_at: upload.updatedAt };
    await this.db.insertInto('registry_uploads').values(row).onConflict((c) => c.column('id').doUpdateSet({ size: row.size, updated_at: row.updated_at })).execute();
  }

  async removeUpload(id: string): Promise<void> {
    await this.db.deleteFrom('registry_uploads').where('id', '=', id).execute();
  }

  /** Ids of a repository's open uploads (to discard with it). */
  async uploadsOf(region: string, repository: string): Promise<string[]> {
    const rows = await this.db.selectFrom('registry_uploads').select('id').where('region', '=', region).where('repository', '=', repository).execute();
    return rows.map((r) => r.id);
  }

  /** Ids of uploads that received nothing since before `before`. */
  async uploadsIdleSince(before: number): Promise<string[]> {
    const rows = await this.db.selectFrom('registry_uploads').select('id').where('updated_at', '<', before).execute();
    return rows.map((r) => r.id);
  }

  /** Which of `ids` are open uploads. */
  async existingUploads(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db.selectFrom('registry_uploads').select('id').where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) found.add(r.id);
    }
    return found;
  }
}
