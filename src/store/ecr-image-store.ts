import { fromDoc, toDoc } from './json-doc.js';
import { queryTemplate } from './query-template.js';
import type { Db } from './sqlite.js';

const selectImage = queryTemplate((db: Db, region: string, repository: string, digest: string) =>
  db.selectFrom('ecr_images').selectAll().where('region', '=', region).where('repository', '=', repository).where('digest', '=', digest));
const selectTag = queryTemplate((db: Db, region: string, repository: string, tag: string) =>
  db.selectFrom('ecr_image_tags').select('digest').where('region', '=', region).where('repository', '=', repository).where('tag', '=', tag));

/** One manifest in a repository. */
export interface ImageRecord {
  region: string;
  repository: string;
  digest: string;
  mediaType: string;
  /** ECR's imageSizeInBytes. */
  size: number;
  pushedAt: number;
  lastPulledAt?: number | undefined;
  /** The manifest exactly as pushed. */
  manifest: string;
  body: ImageBody;
}

export interface ImageBody {
  /** Blobs (config, layers) and child manifests it references. */
  blobs: string[];
  children: string[];
  artifactMediaType?: string;
  subjectManifestDigest?: string;
}

type ImageRow = { region: string; repository: string; digest: string; media_type: string; size: number; pushed_at: number; last_pulled_at: number | null; manifest: string; doc: string };

/** Images and their tags. A tag names one digest; a digest may carry any number of tags. */
export class EcrImageStore {
  constructor(private readonly db: Db) {}

  async get(region: string, repository: string, digest: string): Promise<ImageRecord | undefined> {
    const [row] = await selectImage(this.db, region, repository, digest);
    return row && toRecord(row);
  }

  async digestOfTag(region: string, repository: string, tag: string): Promise<string | undefined> {
    const [row] = await selectTag(this.db, region, repository, tag);
    return row?.digest;
  }

  /** Every image of a repository, oldest push first, then by digest. */
  async list(region: string, repository: string): Promise<ImageRecord[]> {
    const rows = await this.db.selectFrom('ecr_images').selectAll().where('region', '=', region).where('repository', '=', repository)
      .orderBy('pushed_at').orderBy('digest').execute();
    return rows.map(toRecord);
  }

  async count(region: string, repository: string): Promise<number> {
    const row = await this.db.selectFrom('ecr_images').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('region', '=', region).where('repository', '=', repository).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Tags by digest for a repository. */
  async tagsByDigest(region: string, repository: string): Promise<Map<string, string[]>> {
    const rows = await this.db.selectFrom('ecr_image_tags').select(['tag', 'digest']).where('region', '=', region).where('repository', '=', repository)
      .orderBy('tag').execute();
    const out = new Map<string, string[]>();
    for (const { tag, digest } of rows) out.set(digest, [...(out.get(digest) ?? []), tag]);
    return out;
  }

  /** Tags of one repository after `afterTag`, lexically, at most `limit`. */
  async listTags(region: string, repository: string, afterTag: string | undefined, limit: number): Promise<string[]> {
    let query = this.db.selectFrom('ecr_image_tags').select('tag').where('region', '=', region).where('repository', '=', repository);
    if (afterTag !== undefined) query = query.where('tag', '>', afterTag);
    return (await query.orderBy('tag').limit(limit).execute()).map((r) => r.tag);
  }

  async put(record: ImageRecord): Promise<void> {
    const row = {
      region: record.region, repository: record.repository, digest: record.digest, media_type: record.mediaType, size: record.size,
      pushed_at: record.pushedAt, last_pulled_at: record.lastPulledAt ?? null, manifest: record.manifest, doc: toDoc(record.body),
    };
    await this.db.insertInto('ecr_images').values(row)
      .onConflict((c) => c.columns(['region', 'repository', 'digest']).doUpdateSet({ media_type: row.media_type, size: row.size, pushed_at: row.pushed_at, manifest: row.manifest, doc: row.doc }))
      .execute();
  }

  async setTag(region: string, repository: string, tag: string, digest: string): Promise<void> {
    await this.db.insertInto('ecr_image_tags').values({ region, repository, tag, digest })
      .onConflict((c) => c.columns(['region', 'repository', 'tag']).doUpdateSet({ digest }))
      .execute();
  }

  async removeTag(region: string, repository: string, tag: string): Promise<void> {
    await this.db.deleteFrom('ecr_image_tags').where('region', '=', region).where('repository', '=', repository).where('tag', '=', tag).execute();
  }

  /** Removes an image and every tag on it. */
  async remove(region: string, repository: string, digest: string): Promise<void> {
    await this.db.deleteFrom('ecr_image_tags').where('region', '=', region).where('repository', '=', repository).where('digest', '=', digest).execute();
    await this.db.deleteFrom('ecr_images').where('region', '=', region).where('repository', '=', repository).where('digest', '=', digest).execute();
  }

  async removeAll(region: string, repository: string): Promise<void> {
    await this.db.deleteFrom('ecr_image_tags').where('region', '=', region).where('repository', '=', repository).execute();
    await this.db.deleteFrom('ecr_images').where('region', '=', region).where('repository', '=', repository).execute();
  }

  async markPulled(region: string, repository: string, digest: string, at: number): Promise<void> {
    await this.db.updateTable('ecr_images').set({ last_pulled_at: at })
      .where('region', '=', region).where('repository', '=', repository).where('digest', '=', digest).execute();
  }
}

function toRecord(row: ImageRow): ImageRecord {
  return {
    region: row.region, repository: row.repository, digest: row.digest, mediaType: row.media_type, size: Number(row.size),
    pushedAt: Number(row.pushed_at), lastPulledAt: row.last_pulled_at === null ? undefined : Number(row.last_pulled_at),
    manifest: row.manifest, body: fromDoc<ImageBody>(row.doc),
  };
}
