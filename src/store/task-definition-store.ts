import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { sql } from 'kysely';
import { fromDoc, toDoc } from './json-doc.js';
import { queryTemplate } from './query-template.js';
import type { Db } from './sqlite.js';
import type { TaskDefinitionsTable } from './schema.js';

export type TaskDefinitionStatus = 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';

export interface TaskDefinitionListQuery {
  family?: string | undefined;
  status: TaskDefinitionStatus;
  descending: boolean;
  after?: { family: string; revision: number } | undefined;
  limit: number;
}

export interface FamilyListQuery {
  prefix?: string | undefined;
  status: 'ACTIVE' | 'INACTIVE' | 'ALL';
  after?: string | undefined;
  limit: number;
}

const takeRevision = queryTemplate((db: Db, region: string, family: string) =>
  db.insertInto('task_definition_families').values({ region, family, last_revision: 1 })
    .onConflict((c) => c.columns(['region', 'family']).doUpdateSet((eb) => ({ last_revision: eb('task_definition_families.last_revision', '+', 1) })))
    .returning('last_revision'));
const insertOne = queryTemplate((db: Db, region: string, family: string, revision: number, status: string, doc: string,
  registeredAt: number, deregisteredAt: number | null, deleteRequestedAt: number | null) =>
  db.insertInto('task_definitions').values({
    region, family, revision, status, doc,
    registered_at: registeredAt, deregistered_at: deregisteredAt, delete_requested_at: deleteRequestedAt,
  }));
const selectOne = queryTemplate((db: Db, region: string, family: string, revision: number) =>
  db.selectFrom('task_definitions').selectAll().where('region', '=', region).where('family', '=', family).where('revision', '=', revision));
const selectLatestActive = queryTemplate((db: Db, region: string, family: string) =>
  db.selectFrom('task_definitions').selectAll().where('region', '=', region).where('family', '=', family).where('status', '=', 'ACTIVE')
    .orderBy('revision', 'desc').limit(1));

/**
 * Task definition revisions. A family's revision numbers are never reused, even after
 * DeleteTaskDefinitions (as ECS promises): a per-family counter hands them out.
 */
export class TaskDefinitionStore {
  constructor(private readonly db: Db) {}

  /**
   * The next revision of `family`, taken in one atomic statement (so concurrent registrations, even
   * from several servers, never share one). A revision taken by a request that then fails is skipped.
   */
  async takeRevision(region: string, family: string): Promise<number> {
    const [row] = await takeRevision(this.db, region, family);
    return Number(row!.last_revision);
  }

  async insert(region: string, definition: TaskDefinition): Promise<void> {
    const { family, revision, status, registeredAt, deregisteredAt, deleteRequestedAt, ...rest } = definition;
    await insertOne(this.db, region, family!, revision!, status ?? 'ACTIVE', toDoc({ family, revision, ...rest }),
      registeredAt!.getTime(), deregisteredAt?.getTime() ?? null, deleteRequestedAt?.getTime() ?? null);
  }

  async get(region: string, family: string, revision: number): Promise<TaskDefinition | undefined> {
    const [row] = await selectOne(this.db, region, family, revision);
    return row && toDefinition(row);
  }

  async latestActive(region: string, family: string): Promise<TaskDefinition | undefined> {
    const [row] = await selectLatestActive(this.db, region, family);
    return row && toDefinition(row);
  }

  async setStatus(region: string, family: string, revision: number, status: TaskDefinitionStatus, at: number): Promise<void> {
    const stamp = status === 'INACTIVE' ? { deregistered_at: at } : status === 'DELETE_IN_PROGRESS' ? { delete_requested_at: at } : {};
    await this.db.updateTable('task_definitions').set({ status, ...stamp })
      .where('region', '=', region).where('family', '=', family).where('revision', '=', revision)
      .execute();
  }

  /** Revisions ordered by family then revision (both reversed when descending). */
  async list(region: string, q: TaskDefinitionListQuery): Promise<{ family: string; revision: number }[]> {
    const dir = q.descending ? 'desc' : 'asc';
    let query = this.db.selectFrom('task_definitions').select(['family', 'revision'])
      .where('region', '=', region).where('status', '=', q.status);
    if (q.family !== undefined) query = query.where('family', '=', q.family);
    if (q.after) {
      const { family, revision } = q.after;
      query = query.where((eb) => q.descending
        ? eb.or([eb('family', '<', family), eb.and([eb('family', '=', family), eb('revision', '<', revision)])])
        : eb.or([eb('family', '>', family), eb.and([eb('family', '=', family), eb('revision', '>', revision)])]));
    }
    return query.orderBy('family', dir).orderBy('revision', dir).limit(q.limit).execute();
  }

  /**
   * Family names: ACTIVE ones have an ACTIVE revision, INACTIVE ones have none; families whose
   * every revision is being deleted are gone.
   */
  async families(region: string, q: FamilyListQuery): Promise<string[]> {
    let query = this.db.selectFrom('task_definitions').select('family')
      .where('region', '=', region).where('status', '!=', 'DELETE_IN_PROGRESS');
    // Family names are ASCII letters, digits, '-' and '_', all below '\x7f': a range is a prefix match.
    if (q.prefix) query = query.where('family', '>=', q.prefix).where('family', '<', `${q.prefix}\x7f`);
    if (q.after !== undefined) query = query.where('family', '>', q.after);
    const active = sql<number>`sum(case when status = 'ACTIVE' then 1 else 0 end)`;
    let grouped = query.groupBy('family');
    if (q.status === 'ACTIVE') grouped = grouped.having(active, '>', 0);
    if (q.status === 'INACTIVE') grouped = grouped.having(active, '=', 0);
    const rows = await grouped.orderBy('family').limit(q.limit).execute();
    return rows.map((r) => r.family);
  }
}

function toDefinition(row: TaskDefinitionsTable): TaskDefinition {
  const definition: TaskDefinition = { ...fromDoc<TaskDefinition>(row.doc), status: row.status as TaskDefinitionStatus };
  definition.registeredAt = new Date(Number(row.registered_at));
  if (row.deregistered_at !== null) definition.deregisteredAt = new Date(Number(row.deregistered_at));
  if (row.delete_requested_at !== null) definition.deleteRequestedAt = new Date(Number(row.delete_requested_at));
  return definition;
}
