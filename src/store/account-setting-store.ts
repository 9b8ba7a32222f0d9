import type { Db } from './sqlite.js';

export interface AccountSettingRow {
  principalArn: string;
  name: string;
  value: string;
}

/** Account settings as set per principal; the account default is the root principal's. */
export class AccountSettingStore {
  constructor(private readonly db: Db) {}

  async list(region: string, principalArns: readonly string[]): Promise<AccountSettingRow[]> {
    if (principalArns.length === 0) return [];
    return this.db.selectFrom('account_settings')
      .select(['principal_arn as principalArn', 'name', 'value'])
      .where('region', '=', region).where('principal_arn', 'in', principalArns)
      .orderBy('principal_arn').orderBy('name')
      .execute();
  }

  async put(region: string, row: AccountSettingRow): Promise<void> {
    await this.db.insertInto('account_settings')
      .values({ region, principal_arn: row.principalArn, name: row.name, value: row.value })
      .onConflict((c) => c.columns(['region', 'principal_arn', 'name']).doUpdateSet({ value: row.value }))
      .execute();
  }

  async remove(region: string, principalArn: string, name: string): Promise<void> {
    await this.db.deleteFrom('account_settings')
      .where('region', '=', region).where('principal_arn', '=', principalArn).where('name', '=', name)
      .execute();
  }
}
