import type { Db } from './sqlite.js';

export interface AttributeRow {
  targetType: string;
  targetId: string;
  name: string;
  value: string | null;
}

/** Custom attributes on a cluster's resources (container instances), per region and cluster. */
export class AttributeStore {
  constructor(private readonly db: Db) {}

  async put(region: string, cluster: string, rows: readonly AttributeRow[]): Promise<void> {
    for (const r of rows) {
      await this.db.insertInto('attributes')
        .values({ region, cluster, target_type: r.targetType, target_id: r.targetId, name: r.name, value: r.value })
        .onConflict((c) => c.columns(['region', 'cluster', 'target_type', 'target_id', 'name']).doUpdateSet({ value: r.value }))
        .execute();
    }
  }

  async remove(region: string, cluster: string, rows: readonly Pick<AttributeRow, 'targetType' | 'targetId' | 'name'>[]): Promise<void> {
    for (const r of rows) {
      await this.db.deleteFrom('attributes')
        .where('region', '=', region).where('cluster', '=', cluster)
        .where('target_type', '=', r.targetType).where('target_id', '=', r.targetId).where('name', '=', r.name)
        .execute();
    }
  }

  /** The custom attributes of one target (a container instance ARN). */
  async forTarget(region: string, cluster: string, targetId: string): Promise<AttributeRow[]> {
    return this.db.selectFrom('attributes')
      .select(['target_type as targetType', 'target_id as targetId', 'name', 'value'])
      .where('region', '=', region).where('cluster', '=', cluster).where('target_id', '=', targetId)
      .orderBy('name')
      .execute();
  }

  async countForTarget(region: string, cluster: string, targetType: string, targetId: string): Promise<number> {
    const row = await this.db.selectFrom('attributes').select((eb) => eb.fn.countAll().as('n'))
      .where('region', '=', region).where('cluster', '=', cluster)
      .where('target_type', '=', targetType).where('target_id', '=', targetId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Attributes ordered by (target id, name), after the given key, at most `limit`. */
  async list(region: string, cluster: string, q: { targetType: string; name?: string | undefined; value?: string | undefined; after?: [string, string] | undefined; limit: number }): Promise<AttributeRow[]> {
    let query = this.db.selectFrom('attributes')
      .select(['target_type as targetType', 'target_id as targetId', 'name', 'value'])
      .where('region', '=', region).where('cluster', '=', cluster).where('target_type', '=', q.targetType);
    if (q.name !== undefined) query = query.where('name', '=', q.name);
    if (q.value !== undefined) query = query.where('value', '=', q.value);
    if (q.after) {
      const [id, name] = q.after;
      query = query.where((eb) => eb.or([eb('target_id', '>', id), eb.and([eb('target_id', '=', id), eb('name', '>', name)])]));
    }
    return query.orderBy('target_id').orderBy('name').limit(q.limit).execute();
  }
}
