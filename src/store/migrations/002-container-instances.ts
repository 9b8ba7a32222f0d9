import type { Kysely, Migration } from 'kysely';

/** Container instances: the capacity agents register (issue 3). */
export const containerInstances: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('container_instances')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('ec2_instance_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('managed', 'integer', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('container_instances_pk', ['region', 'cluster', 'id'])
      .execute();
    await db.schema
      .createIndex('container_instances_by_ec2_id')
      .on('container_instances')
      .columns(['region', 'cluster', 'ec2_instance_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('container_instances').execute();
  },
};
