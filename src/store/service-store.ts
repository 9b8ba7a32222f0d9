import type { ServiceRecord } from '../domain/ecs/service-record.js';
import { fromDoc, toDoc } from './json-doc.js';
import { queryTemplate } from './query-template.js';
import type { ServicesTable } from './schema.js';
import type { Db } from './sqlite.js';

export type { ServiceRecord } from '../domain/ecs/service-record.js';

type Body = Omit<ServiceRecord, 'region' | 'cluster' | 'name' | 'status' | 'launchType' | 'schedulingStrategy' | 'createdAt' | 'updatedAt' | 'version'>;

const selectOne = queryTemplate((db: Db, region: string, cluster: string, name: string) =>
  db.selectFrom('services').selectAll().where('region', '=', region).where('cluster', '=', cluster).where('name', '=', name));

export interface ServiceListQuery {
  launchType?: string | undefined;
  schedulingStrategy?: string | undefined;
  afterName?: string | undefined;
  limit: number;
}

/** A stopped service task waiting for the controller to account for it. */
export interface ServiceTaskStop {
  seq: number;
  taskId: string;
}

export class ServiceStore {
  constructor(private readonly db: Db) {}

  async get(region: string, cluster: string, name: string): Promise<ServiceRecord | undefined> {
    const [row] = await selectOne(this.db, region, cluster, name);
    return row && toRecord(row);
  }

  /** ACTIVE and DRAINING services of a cluster, by name. */
  async list(region: string, cluster: string, q: ServiceListQuery): Promise<ServiceRecord[]> {
    let query = this.db.selectFrom('services').selectAll()
      .where('region', '=', region).where('cluster', '=', cluster).where('status', '!=', 'INACTIVE');
    if (q.launchType !== undefined) query = query.where('launch_type', '=', q.launchType);
    if (q.schedulingStrategy !== undefined) query = query.where('scheduling_strategy', '=', q.schedulingStrategy);
    if (q.afterName !== undefined) query = query.where('name', '>', q.afterName);
    return (await query.orderBy('name').limit(q.limit).execute()).map(toRecord);
  }

  /** Every service the controller still has work for (ACTIVE or DRAINING), in every region. */
  async listLive(): Promise<ServiceRecord[]> {
    const rows = await this.db.selectFrom('services').selectAll().where('status', 'in', ['ACTIVE', 'DRAINING']).execute();
    return rows.map(toRecord);
  }

  /** Counts by status and launch type of a cluster's services that are not INACTIVE. */
  async countLive(region: string, cluster: string): Promise<{ status: string; launchType: string; n: number }[]> {
    const rows = await this.db.selectFrom('services')
      .select(['status', 'launch_type as launchType', (eb) => eb.fn.countAll().as('n')])
      .where('region', '=', region).where('cluster', '=', cluster).where('status', '!=', 'INACTIVE')
      .groupBy(['status', 'launch_type']).execute();
    return rows.map((r) => ({ status: r.status, launchType: r.launchType, n: Number(r.n) }));
  }

  /** Writes a new service (replacing an INACTIVE one of the same name). */
  async create(record: ServiceRecord): Promise<void> {
    const row = toRow(record);
    const { region: _r, cluster: _c, name: _n, ...changes } = row;
    await this.db.insertInto('services').values(row)
      .onConflict((c) => c.columns(['region', 'cluster', 'name']).doUpdateSet(changes))
      .execute();
  }

  /**
   * Writes `record` if nobody changed the service since it was read at `record.version`, and
   * bumps the version; false when someone did (the caller re-reads and tries again).
   */
  async update(record: ServiceRecord): Promise<boolean> {
    const { region, cluster, name, version, ...changes } = toRow({ ...record, version: record.version + 1 });
    const result = await this.db.updateTable('services').set({ ...changes, version })
      .where('region', '=', region).where('cluster', '=', cluster).where('name', '=', name).where('version', '=', record.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    record.version += 1;
    return true;
  }

  async addTaskStop(region: string, cluster: string, service: string, taskId: string): Promise<void> {
    await this.db.insertInto('service_task_stops').values({ region, cluster, service, task_id: taskId }).execute();
  }

  async pendingTaskStops(region: string, cluster: string, service: string, limit: number): Promise<ServiceTaskStop[]> {
    const rows = await this.db.selectFrom('service_task_stops').select(['seq', 'task_id'])
      .where('region', '=', region).where('cluster', '=', cluster).where('service', '=', service)
      .orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), taskId: r.task_id }));
  }

  /** Every service's unaccounted stops, oldest first (one read for a controller's full pass). */
  async allPendingTaskStops(limit: number): Promise<(ServiceTaskStop & { region: string; cluster: string; service: string })[]> {
    const rows = await this.db.selectFrom('service_task_stops').selectAll().orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), taskId: r.task_id, region: r.region, cluster: r.cluster, service: r.service }));
  }

  /** Forgets the stops up to `seq` once they are accounted for. */
  async ackTaskStops(region: string, cluster: string, service: string, seq: number): Promise<void> {
    await this.db.deleteFrom('service_task_stops')
      .where('region', '=', region).where('cluster', '=', cluster).where('service', '=', service).where('seq', '<=', seq)
      .execute();
  }
}

function toRow(record: ServiceRecord): ServicesTable {
  const { region, cluster, name, status, launchType, schedulingStrategy, createdAt, updatedAt, version, ...body } = record;
  return {
    region, cluster, name, status,
    launch_type: launchType,
    scheduling_strategy: schedulingStrategy,
    created_at: createdAt,
    updated_at: updatedAt,
    version,
    doc: toDoc(body satisfies Body),
  };
}

function toRecord(row: ServicesTable): ServiceRecord {
  return {
    ...fromDoc<Body>(row.doc),
    region: row.region,
    cluster: row.cluster,
    name: row.name,
    status: row.status as ServiceRecord['status'],
    launchType: row.launch_type as ServiceRecord['launchType'],
    schedulingStrategy: row.scheduling_strategy as ServiceRecord['schedulingStrategy'],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: Number(row.version),
  };
}
