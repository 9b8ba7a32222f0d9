import type { ServiceDeployment, ServiceRevision } from '@aws-sdk/client-ecs';
import { sql } from 'kysely';
import { fromDoc, toDoc } from './json-doc.js';
import type { Db } from './sqlite.js';

/** Keys of a service's deployment or revision. */
export interface ServiceKey {
  region: string;
  cluster: string;
  service: string;
}

export interface ServiceDeploymentQuery {
  statuses?: readonly string[] | undefined;
  createdAfter?: number | undefined;
  createdBefore?: number | undefined;
}

/**
 * The history behind ListServiceDeployments, DescribeServiceDeployments and
 * DescribeServiceRevisions: AWS shapes kept as documents, by service and id.
 */
export class ServiceHistoryStore {
  constructor(private readonly db: Db) {}

  async putDeployment(key: ServiceKey, id: string, deployment: ServiceDeployment): Promise<void> {
    const row = { ...keyRow(key), id, status: deployment.status ?? 'PENDING', created_at: deployment.createdAt?.getTime() ?? 0, doc: toDoc(deployment) };
    await this.db.insertInto('service_deployments').values(row)
      .onConflict((c) => c.columns(['region', 'cluster', 'service', 'id']).doUpdateSet({ status: row.status, doc: row.doc }))
      .execute();
  }

  async getDeployment(key: ServiceKey, id: string): Promise<ServiceDeployment | undefined> {
    const row = await this.db.selectFrom('service_deployments').select('doc').where('region', '=', key.region).where('cluster', '=', key.cluster)
      .where('service', '=', key.service).where('id', '=', id).executeTakeFirst();
    return row && reviveDates(fromDoc<ServiceDeployment>(row.doc));
  }

  /** Newest first. */
  async listDeployments(key: ServiceKey, q: ServiceDeploymentQuery): Promise<ServiceDeployment[]> {
    let query = this.db.selectFrom('service_deployments').select('doc').where('region', '=', key.region).where('cluster', '=', key.cluster).where('service', '=', key.service);
    if (q.statuses?.length) query = query.where('status', 'in', q.statuses);
    if (q.createdAfter !== undefined) query = query.where('created_at', '>=', q.createdAfter);
    if (q.createdBefore !== undefined) query = query.where('created_at', '<=', q.createdBefore);
    // Same-millisecond deployments keep the order they were written in (rowid).
    const rows = await query.orderBy('created_at', 'desc').orderBy(sql`rowid`, 'desc').execute();
    return rows.map((r) => reviveDates(fromDoc<ServiceDeployment>(r.doc)));
  }

  async putRevision(key: ServiceKey, id: string, revision: ServiceRevision): Promise<void> {
    await this.db.insertInto('service_revisions').values({ ...keyRow(key), id, doc: toDoc(revision) })
      .onConflict((c) => c.columns(['region', 'cluster', 'service', 'id']).doNothing())
      .execute();
  }

  async getRevision(key: ServiceKey, id: string): Promise<ServiceRevision | undefined> {
    const row = await this.db.selectFrom('service_revisions').select('doc').where('region', '=', key.region).where('cluster', '=', key.cluster)
      .where('service', '=', key.service).where('id', '=', id).executeTakeFirst();
    return row && reviveDates(fromDoc<ServiceRevision>(row.doc));
  }
}

const keyRow = (key: ServiceKey) => ({ region: key.region, cluster: key.cluster, service: key.service });

const DATE_KEYS = new Set(['createdAt', 'startedAt', 'finishedAt', 'stoppedAt', 'updatedAt']);

/** JSON turns Dates into strings; the AWS shapes want them back as Dates. */
function reviveDates<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reviveDates) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, DATE_KEYS.has(k) && typeof v === 'string' ? new Date(v) : reviveDates(v)])) as T;
}
