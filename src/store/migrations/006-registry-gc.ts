import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Registry garbage collection (issue 5): when each repository last linked (pushed, mounted or
 * checked with HEAD) a blob, so a blob uploaded moments before its manifest is not collected;
 * and when each upload session last received bytes, so abandoned ones can be swept.
 */
export const registryGc: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('registry_blob_links').addColumn('linked_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    // Existing links count from their blob's arrival: none of them is younger than that.
    await sql`update registry_blob_links set linked_at = coalesce((select b.created_at from registry_blobs b where b.digest = registry_blob_links.digest), 0)`.execute(db);
    await db.schema.alterTable('registry_uploads').addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await sql`update registry_uploads set updated_at = created_at`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('registry_uploads').dropColumn('updated_at').execute();
    await db.schema.alterTable('registry_blob_links').dropColumn('linked_at').execute();
  },
};
