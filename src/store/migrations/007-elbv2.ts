import type { Kysely, Migration } from 'kysely';

/**
 * ELBv2 (issue 6): load balancers, target groups, listeners, rules (the default rule included,
 * priority NULL), registered targets with their last recorded health, and which target groups each
 * listener or rule forwards to (so "in use" is one indexed lookup). Keyed by ARN, which carries the
 * region; `region` is kept as a column for listing.
 */
export const elbv2: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('elbv2_load_balancers')
      .addColumn('arn', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('elbv2_load_balancers_by_name').unique().on('elbv2_load_balancers').columns(['region', 'name']).execute();
    await db.schema
      .createTable('elbv2_target_groups')
      .addColumn('arn', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('elbv2_target_groups_by_name').unique().on('elbv2_target_groups').columns(['region', 'name']).execute();
    await db.schema
      .createTable('elbv2_listeners')
      .addColumn('arn', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('load_balancer_arn', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('elbv2_listeners_by_load_balancer').on('elbv2_listeners').columns(['load_balancer_arn', 'port']).execute();
    await db.schema
      .createTable('elbv2_rules')
      .addColumn('arn', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('listener_arn', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer')
      .addColumn('doc', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('elbv2_rules_by_listener').on('elbv2_rules').columns(['listener_arn', 'priority']).execute();
    await db.schema
      .createTable('elbv2_targets')
      .addColumn('target_group_arn', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('availability_zone', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('description', 'text')
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addColumn('drain_until', 'bigint')
      .addPrimaryKeyConstraint('elbv2_targets_pk', ['target_group_arn', 'id', 'port'])
      .execute();
    await db.schema
      .createTable('elbv2_target_group_links')
      .addColumn('resource_arn', 'text', (c) => c.notNull())
      .addColumn('target_group_arn', 'text', (c) => c.notNull())
      .addColumn('load_balancer_arn', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('elbv2_target_group_links_pk', ['resource_arn', 'target_group_arn'])
      .execute();
    await db.schema.createIndex('elbv2_target_group_links_by_group').on('elbv2_target_group_links').columns(['target_group_arn']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['elbv2_target_group_links', 'elbv2_targets', 'elbv2_rules', 'elbv2_listeners', 'elbv2_target_groups', 'elbv2_load_balancers']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
