import type { Kysely, Migration } from 'kysely';

/**
 * ECR (issue 5): repositories, images (one row per manifest digest, its bytes kept as sent) and
 * their tags; the registry's content-addressed blobs (shared by every repository), which blobs
 * each repository may serve, and resumable upload sessions.
 */
export const ecr: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ecr_repositories')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ecr_repositories_pk', ['region', 'name'])
      .execute();
    await db.schema
      .createTable('ecr_images')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('pushed_at', 'bigint', (c) => c.notNull())
      .addColumn('last_pulled_at', 'bigint')
      .addColumn('manifest', 'text', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ecr_images_pk', ['region', 'repository', 'digest'])
      .execute();
    await db.schema
      .createTable('ecr_image_tags')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('tag', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ecr_image_tags_pk', ['region', 'repository', 'tag'])
      .execute();
    await db.schema.createIndex('ecr_image_tags_by_digest').on('ecr_image_tags').columns(['region', 'repository', 'digest']).execute();
    await db.schema
      .createTable('registry_blobs')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('registry_blob_links')
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('registry_blob_links_pk', ['region', 'repository', 'digest'])
      .execute();
    await db.schema.createIndex('registry_blob_links_by_digest').on('registry_blob_links').columns(['digest']).execute();
    await db.schema
      .createTable('registry_uploads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['registry_uploads', 'registry_blob_links', 'registry_blobs', 'ecr_image_tags', 'ecr_images', 'ecr_repositories']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
