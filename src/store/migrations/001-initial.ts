import type { Kysely, Migration } from 'kysely';

/** Clusters, task definitions, tags, account settings and attributes (issue 2). */
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('clusters')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('clusters_pk', ['region', 'name'])
      .execute();

    await db.schema
      .createTable('task_definitions')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('family', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addColumn('deregistered_at', 'bigint')
      .addColumn('delete_requested_at', 'bigint')
      .addPrimaryKeyConstraint('task_definitions_pk', ['region', 'family', 'revision'])
      .execute();
    await db.schema
      .createTable('task_definition_families')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('family', 'text', (c) => c.notNull())
      .addColumn('last_revision', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('task_definition_families_pk', ['region', 'family'])
      .execute();
    await db.schema
      .createIndex('task_definitions_by_status')
      .on('task_definitions')
      .columns(['region', 'status', 'family', 'revision'])
      .execute();

    await db.schema
      .createTable('tags')
      .addColumn('resource_arn', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tags_pk', ['resource_arn', 'key'])
      .execute();

    await db.schema
      .createTable('account_settings')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('principal_arn', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('account_settings_pk', ['region', 'principal_arn', 'name'])
      .execute();

    await db.schema
      .createTable('attributes')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text')
      .addPrimaryKeyConstraint('attributes_pk', ['region', 'cluster', 'target_type', 'target_id', 'name'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['attributes', 'account_settings', 'tags', 'task_definition_families', 'task_definitions', 'clusters']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
