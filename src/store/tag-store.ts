import { queryTemplate } from './query-template.js';
import type { Db } from './sqlite.js';

const selectTags = queryTemplate((db: Db, resourceArn: string) =>
  db.selectFrom('tags').select(['key', 'value']).where('resource_arn', '=', resourceArn).orderBy('key'));

export interface TagRow {
  key: string;
  value: string;
}

/** Tags of any resource, keyed by the resource's ARN (which carries its region). */
export class TagStore {
  constructor(private readonly db: Db) {}

  async list(resourceArn: string): Promise<TagRow[]> {
    return selectTags(this.db, resourceArn);
  }

  async put(resourceArn: string, tags: readonly TagRow[]): Promise<void> {
    for (const tag of tags) {
      await this.db.insertInto('tags').values({ resource_arn: resourceArn, key: tag.key, value: tag.value })
        .onConflict((c) => c.columns(['resource_arn', 'key']).doUpdateSet({ value: tag.value }))
        .execute();
    }
  }

  async remove(resourceArn: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom('tags').where('resource_arn', '=', resourceArn).where('key', 'in', keys).execute();
  }

  async removeAll(resourceArn: string): Promise<void> {
    await this.db.deleteFrom('tags').where('resource_arn', '=', resourceArn).execute();
  }
}
