import type { CapacityProviderStrategyItem, ClusterConfiguration, ClusterServiceConnectDefaults, ClusterSetting } from '@aws-sdk/client-ecs';
import { fromDoc, toDoc } from './json-doc.js';
import { queryTemplate } from './query-template.js';
import type { Db } from './sqlite.js';

const selectOne = queryTemplate((db: Db, region: string, name: string) =>
  db.selectFrom('clusters').selectAll().where('region', '=', region).where('name', '=', name));

/** What Berth keeps of a cluster; counts and tags come from elsewhere when it is presented. */
export interface ClusterRecord {
  region: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
  body: ClusterBody;
}

/** The cluster's own settable parts, kept in AWS spelling. */
export interface ClusterBody {
  settings: ClusterSetting[];
  configuration?: ClusterConfiguration;
  serviceConnectDefaults?: ClusterServiceConnectDefaults;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
}

export class ClusterStore {
  constructor(private readonly db: Db) {}

  async get(region: string, name: string): Promise<ClusterRecord | undefined> {
    const [row] = await selectOne(this.db, region, name);
    return row && toRecord(row);
  }

  async getMany(region: string, names: readonly string[]): Promise<Map<string, ClusterRecord>> {
    const found = new Map<string, ClusterRecord>();
    for (const name of new Set(names)) {
      const record = await this.get(region, name);
      if (record) found.set(name, record);
    }
    return found;
  }

  /** ACTIVE clusters by name, after `afterName`, at most `limit`. */
  async listActive(region: string, afterName: string | undefined, limit: number): Promise<ClusterRecord[]> {
    let query = this.db.selectFrom('clusters').selectAll().where('region', '=', region).where('status', '=', 'ACTIVE');
    if (afterName !== undefined) query = query.where('name', '>', afterName);
    const rows = await query.orderBy('name').limit(limit).execute();
    return rows.map(toRecord);
  }

  async put(record: ClusterRecord): Promise<void> {
    const row = { region: record.region, name: record.name, status: record.status, created_at: record.createdAt, doc: toDoc(record.body) };
    await this.db.insertInto('clusters').values(row)
      .onConflict((c) => c.columns(['region', 'name']).doUpdateSet({ status: row.status, created_at: row.created_at, doc: row.doc }))
      .execute();
  }
}

function toRecord(row: { region: string; name: string; status: string; created_at: number; doc: string }): ClusterRecord {
  return {
    region: row.region,
    name: row.name,
    status: row.status as ClusterRecord['status'],
    createdAt: Number(row.created_at),
    body: fromDoc<ClusterBody>(row.doc),
  };
}
