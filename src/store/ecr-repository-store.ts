import type { EncryptionConfiguration, ImageScanningConfiguration, ImageTagMutabilityExclusionFilter, ImageTagMutability } from '@aws-sdk/client-ecr';
import { fromDoc, toDoc } from './json-doc.js';
import { queryTemplate } from './query-template.js';
import type { Db } from './sqlite.js';

const selectOne = queryTemplate((db: Db, region: string, name: string) =>
  db.selectFrom('ecr_repositories').selectAll().where('region', '=', region).where('name', '=', name));

/** What Berth keeps of an ECR repository; ARN and URI are derived when it is presented. */
export interface RepositoryRecord {
  region: string;
  name: string;
  createdAt: number;
  body: RepositoryBody;
}

/** The repository's settable parts, in ECR's spelling. */
export interface RepositoryBody {
  imageTagMutability: ImageTagMutability;
  imageTagMutabilityExclusionFilters?: ImageTagMutabilityExclusionFilter[];
  imageScanningConfiguration: ImageScanningConfiguration;
  encryptionConfiguration: EncryptionConfiguration;
  policyText?: string;
  lifecyclePolicyText?: string;
  /** When the lifecycle policy last ran (epoch ms). */
  lifecycleEvaluatedAt?: number;
  /** The policy the last StartLifecyclePolicyPreview tries out (not "lifecyclePolicyText": withLifecyclePolicy matches that key). */
  previewPolicyText?: string;
}

export class EcrRepositoryStore {
  constructor(private readonly db: Db) {}

  async get(region: string, name: string): Promise<RepositoryRecord | undefined> {
    const [row] = await selectOne(this.db, region, name);
    return row && toRecord(row);
  }

  /** Repositories by name after `afterName`, at most `limit`. */
  async list(region: string, afterName: string | undefined, limit: number): Promise<RepositoryRecord[]> {
    let query = this.db.selectFrom('ecr_repositories').selectAll().where('region', '=', region);
    if (afterName !== undefined) query = query.where('name', '>', afterName);
    return (await query.orderBy('name').limit(limit).execute()).map(toRecord);
  }

  /** Every repository (any region) whose document holds a lifecycle policy. */
  async withLifecyclePolicy(): Promise<{ region: string; name: string }[]> {
    return this.db.selectFrom('ecr_repositories').select(['region', 'name']).where('doc', 'like', '%"lifecyclePolicyText"%').orderBy('region').orderBy('name').execute();
  }

  async insert(record: RepositoryRecord): Promise<void> {
    await this.db.insertInto('ecr_repositories')
      .values({ region: record.region, name: record.name, created_at: record.createdAt, doc: toDoc(record.body) })
      .execute();
  }

  async update(record: RepositoryRecord): Promise<void> {
    await this.db.updateTable('ecr_repositories').set({ doc: toDoc(record.body) })
      .where('region', '=', record.region).where('name', '=', record.name).execute();
  }

  async delete(region: string, name: string): Promise<void> {
    await this.db.deleteFrom('ecr_repositories').where('region', '=', region).where('name', '=', name).execute();
  }
}

function toRecord(row: { region: string; name: string; created_at: number; doc: string }): RepositoryRecord {
  return { region: row.region, name: row.name, createdAt: Number(row.created_at), body: fromDoc<RepositoryBody>(row.doc) };
}
