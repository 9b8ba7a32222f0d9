import { queryTemplate } from './query-template.js';
import type { Db } from './sqlite.js';

const selectLinked = queryTemplate((db: Db, region: string, repository: string, digest: string) =>
  db.selectFrom('registry_blob_links').innerJoin('registry_blobs', 'registry_blobs.digest', 'registry_blob_links.digest')
    .select(['registry_blobs.digest', 'registry_blobs.size'])
    .where('registry_blob_links.region', '=', region).where('registry_blob_links.repository', '=', repository)
    .where('registry_blob_links.digest', '=', digest));

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

  /** Records a blob now on disk (idempotent) and links it to a repository. */
  async addAndLink(region: string, repository: string, digest: string, size: number, at: number): Promise<void> {
    await this.db.insertInto('registry_blobs').values({ digest, size, created_at: at }).onConflict((c) => c.column('digest').doNothing()).execute();
    await this.db.insertInto('registry_blob_links').values({ region, repository, digest })
      .onConflict((c) => c.columns(['region', 'repository', 'digest']).doNothing()).execute();
  }

  async unlinkAll(region: string, repository: string): Promise<void> {
    await this.db.deleteFrom('registry_blob_links').where('region', '=', region).where('repository', '=', repository).execute();
  }

  async getUpload(id: string): Promise<UploadRecord | undefined> {
    const row = await this.db.selectFrom('registry_uploads').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, region: row.region, repository: row.repository, size: Number(row.size), createdAt: Number(row.created_at) };
  }

  async putUpload(upload: UploadRecord): Promise<void> {
    const row = { id: upload.id, region: upload.region, repository: upload.repository, size: upload.size, created_at: upload.createdAt };
    await this.db.insertInto('registry_uploads').values(row).onConflict((c) => c.column('id').doUpdateSet({ size: row.size })).execute();
  }

  async removeUpload(id: string): Promise<void> {
    await this.db.deleteFrom('registry_uploads').where('id', '=', id).execute();
  }

  /** Ids of a repository's open uploads (to discard with it). */
  async uploadsOf(region: string, repository: string): Promise<string[]> {
    const rows = await this.db.selectFrom('registry_uploads').select('id').where('region', '=', region).where('repository', '=', repository).execute();
    return rows.map((r) => r.id);
  }
}
