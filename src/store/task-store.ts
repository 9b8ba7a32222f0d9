import { sql } from 'kysely';
import type { TaskRecord, TaskReservation } from '../domain/ecs/task-record.js';
import { fromDoc, toDoc } from './json-doc.js';
import { queryTemplate } from './query-template.js';
import type { TasksTable } from './schema.js';
import type { Db } from './sqlite.js';

export type { TaskRecord, TaskReservation } from '../domain/ecs/task-record.js';

type Body = Omit<TaskRecord, 'region' | 'cluster' | 'id' | 'containerInstanceId' | 'lastStatus' | 'desiredStatus' | 'launchType' | 'group' | 'startedBy' | 'family' | 'createdAt' | 'stoppedAt' | 'version'>;

const selectOne = queryTemplate((db: Db, region: string, cluster: string, id: string) =>
  db.selectFrom('tasks').selectAll().where('region', '=', region).where('cluster', '=', cluster).where('id', '=', id));
const selectLiveOnInstance = queryTemplate((db: Db, instanceId: string) =>
  db.selectFrom('tasks').selectAll().where('container_instance_id', '=', instanceId).where('last_status', '!=', 'STOPPED'));

const selectLiveInGroup = queryTemplate((db: Db, region: string, cluster: string, group: string) =>
  db.selectFrom('tasks').selectAll().where('region', '=', region).where('cluster', '=', cluster)
    .where('task_group', '=', group).where('last_status', '!=', 'STOPPED'));

const countLive = queryTemplate((db: Db, region: string, cluster: string) =>
  db.selectFrom('tasks')
    .select(['last_status as lastStatus', 'launch_type as launchType', (eb) => eb.fn.countAll().as('n')])
    .where('region', '=', region).where('cluster', '=', cluster).where('last_status', '!=', 'STOPPED')
    .groupBy(['last_status', 'launch_type']));

/** A live task as placement sees it. */
export interface LiveReservation {
  instanceId: string;
  group: string;
  lastStatus: string;
  reservation: TaskReservation;
}

export interface TaskListQuery {
  desiredStatus: 'RUNNING' | 'STOPPED';
  family?: string | undefined;
  startedBy?: string | undefined;
  group?: string | undefined;
  launchType?: string | undefined;
  containerInstanceId?: string | undefined;
  afterId?: string | undefined;
  limit: number;
}

export class TaskStore {
  constructor(private readonly db: Db) {}

  async get(region: string, cluster: string, id: string): Promise<TaskRecord | undefined> {
    const [row] = await selectOne(this.db, region, cluster, id);
    return row && toRecord(row);
  }

  /** Tasks on an instance that are not STOPPED yet: what it runs and what it has reserved. */
  async liveOnInstance(instanceId: string): Promise<TaskRecord[]> {
    return (await selectLiveOnInstance(this.db, instanceId)).map(toRecord);
  }

  /** Every service's tasks that are not STOPPED yet (one read for a controller's full pass). */
  async liveServiceTasks(): Promise<TaskRecord[]> {
    const rows = await this.db.selectFrom('tasks').selectAll().where('last_status', '!=', 'STOPPED').where('task_group', 'like', 'service:%').execute();
    return rows.map(toRecord);
  }

  /** A group's tasks that are not STOPPED yet (a service's: `service:<name>`). */
  async liveInGroup(region: string, cluster: string, group: string): Promise<TaskRecord[]> {
    return (await selectLiveInGroup(this.db, region, cluster, group)).map(toRecord);
  }

  /**
   * What the live tasks on these instances hold, for placement: one query, and only the
   * reservation taken out of each document (SQLite's json_extract), not whole tasks.
   */
  async reservationsOn(instanceIds: readonly string[]): Promise<LiveReservation[]> {
    if (instanceIds.length === 0) return [];
    const rows = await this.db.selectFrom('tasks')
      .select(['container_instance_id as instanceId', 'task_group as group', 'last_status as lastStatus', sql<string>`json_extract(doc, '$.reservation')`.as('reservation')])
      .where('container_instance_id', 'in', instanceIds).where('last_status', '!=', 'STOPPED')
      .execute();
    return rows.map((r) => ({ instanceId: r.instanceId, group: r.group, lastStatus: r.lastStatus, reservation: JSON.parse(r.reservation) as TaskReservation }));
  }

  async list(region: string, cluster: string, q: TaskListQuery): Promise<TaskRecord[]> {
    let query = this.db.selectFrom('tasks').selectAll()
      .where('region', '=', region).where('cluster', '=', cluster).where('desired_status', '=', q.desiredStatus);
    if (q.family !== undefined) query = query.where('family', '=', q.family);
    if (q.startedBy !== undefined) query = query.where('started_by', '=', q.startedBy);
    if (q.group !== undefined) query = query.where('task_group', '=', q.group);
    if (q.launchType !== undefined) query = query.where('launch_type', '=', q.launchType);
    if (q.containerInstanceId !== undefined) query = query.where('container_instance_id', '=', q.containerInstanceId);
    if (q.afterId !== undefined) query = query.where('id', '>', q.afterId);
    return (await query.orderBy('id').limit(q.limit).execute()).map(toRecord);
  }

  /** Counts by lastStatus of the tasks in a cluster that are not STOPPED. */
  async countLive(region: string, cluster: string): Promise<{ lastStatus: string; launchType: string; n: number }[]> {
    const rows = await countLive(this.db, region, cluster);
    return rows.map((r) => ({ lastStatus: r.lastStatus, launchType: r.launchType, n: Number(r.n) }));
  }

  async put(record: TaskRecord): Promise<void> {
    const { region, cluster, id, containerInstanceId, lastStatus, desiredStatus, launchType, group, startedBy, family, createdAt, stoppedAt, version, ...body } = record;
    const row: TasksTable = {
      region, cluster, id,
      container_instance_id: containerInstanceId,
      last_status: lastStatus,
      desired_status: desiredStatus,
      launch_type: launchType,
      task_group: group,
      started_by: startedBy,
      family,
      created_at: createdAt,
      stopped_at: stoppedAt ?? null,
      version,
      doc: toDoc(body satisfies Body),
    };
    const { region: _r, cluster: _c, id: _i, ...changes } = row;
    await this.db.insertInto('tasks').values(row)
      .onConflict((c) => c.columns(['region', 'cluster', 'id']).doUpdateSet(changes))
      .execute();
  }

  /** Forgets STOPPED tasks that stopped before `cutoff` (ECS keeps them describable for a while). */
  async purgeStoppedBefore(cutoff: number): Promise<number> {
    const result = await this.db.deleteFrom('tasks').where('last_status', '=', 'STOPPED').where('stopped_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRecord(row: TasksTable): TaskRecord {
  return {
    ...fromDoc<Body>(row.doc),
    region: row.region,
    cluster: row.cluster,
    id: row.id,
    containerInstanceId: row.container_instance_id,
    lastStatus: row.last_status,
    desiredStatus: row.desired_status as TaskRecord['desiredStatus'],
    launchType: row.launch_type as TaskRecord['launchType'],
    group: row.task_group,
    startedBy: row.started_by,
    family: row.family,
    createdAt: Number(row.created_at),
    ...(row.stopped_at === null ? {} : { stoppedAt: Number(row.stopped_at) }),
    version: Number(row.version),
  };
}
