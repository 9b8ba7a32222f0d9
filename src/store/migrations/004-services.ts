import type { Kysely, Migration } from 'kysely';

/**
 * Services (issue 4): the service documents, the outbox of their tasks' stops that the service
 * controller consumes exactly once (circuit breaker, launch throttle), the history of service
 * deployments and revisions, and an index to find a service's tasks by group.
 */
export const services: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('services')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('launch_type', 'text', (c) => c.notNull())
      .addColumn('scheduling_strategy', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('services_pk', ['region', 'cluster', 'name'])
      .execute();
    await db.schema.createIndex('services_by_status').on('services').columns(['status', 'region', 'cluster', 'name']).execute();
    await db.schema
      .createTable('service_task_stops')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('service_task_stops_by_service').on('service_task_stops').columns(['region', 'cluster', 'service', 'seq']).execute();
    await db.schema
      .createTable('service_deployments')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_deployments_pk', ['region', 'cluster', 'service', 'id'])
      .execute();
    await db.schema.createIndex('service_deployments_by_time').on('service_deployments').columns(['region', 'cluster', 'service', 'created_at']).execute();
    await db.schema
      .createTable('service_revisions')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_revisions_pk', ['region', 'cluster', 'service', 'id'])
      .execute();
    await db.schema.createIndex('tasks_by_group').on('tasks').columns(['region', 'cluster', 'task_group', 'desired_status']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('tasks_by_group').execute();
    for (const table of ['service_revisions', 'service_deployments', 'service_task_stops', 'services']) await db.schema.dropTable(table).execute();
  },
};
