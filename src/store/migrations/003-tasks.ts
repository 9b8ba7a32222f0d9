import type { Kysely, Migration } from 'kysely';

/** Tasks: what RunTask placed and agents report on (issue 3). */
export const tasks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('tasks')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('container_instance_id', 'text', (c) => c.notNull())
      .addColumn('last_status', 'text', (c) => c.notNull())
      .addColumn('desired_status', 'text', (c) => c.notNull())
      .addColumn('launch_type', 'text', (c) => c.notNull())
      .addColumn('task_group', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('family', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('stopped_at', 'bigint')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tasks_pk', ['region', 'cluster', 'id'])
      .execute();
    await db.schema.createIndex('tasks_by_instance').on('tasks').columns(['container_instance_id', 'desired_status']).execute();
    await db.schema.createIndex('tasks_by_status').on('tasks').columns(['region', 'cluster', 'desired_status', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('tasks').execute();
  },
};
