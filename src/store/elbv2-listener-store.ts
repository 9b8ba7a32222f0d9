import type { ListenerRecord, RuleRecord } from '../domain/elbv2/records.js';
import { fromDoc, toDoc } from './json-doc.js';
import type { Db } from './sqlite.js';

interface ListenerRow { arn: string; region: string; load_balancer_arn: string; port: number; doc: string }
interface RuleRow { arn: string; region: string; listener_arn: string; priority: number | null; doc: string }

/** ELBv2 listeners, by ARN, listed per load balancer in port order. */
export class Elbv2ListenerStore {
  constructor(private readonly db: Db) {}

  async get(arn: string): Promise<ListenerRecord | undefined> {
    const row = await this.db.selectFrom('elbv2_listeners').selectAll().where('arn', '=', arn).executeTakeFirst();
    return row && toListener(row);
  }

  async listByLoadBalancer(loadBalancerArn: string): Promise<ListenerRecord[]> {
    return (await this.db.selectFrom('elbv2_listeners').selectAll().where('load_balancer_arn', '=', loadBalancerArn).orderBy('port').execute()).map(toListener);
  }

  /** Every listener of every region (the data plane's view). */
  async listAll(): Promise<ListenerRecord[]> {
    return (await this.db.selectFrom('elbv2_listeners').selectAll().orderBy('load_balancer_arn').orderBy('port').execute()).map(toListener);
  }

  async insert(r: ListenerRecord): Promise<void> {
    await this.db.insertInto('elbv2_listeners')
      .values({ arn: r.arn, region: r.region, load_balancer_arn: r.loadBalancerArn, port: r.port, doc: toDoc(r.body) }).execute();
  }

  async update(r: ListenerRecord): Promise<void> {
    await this.db.updateTable('elbv2_listeners').set({ port: r.port, doc: toDoc(r.body) }).where('arn', '=', r.arn).execute();
  }

  async delete(arn: string): Promise<void> {
    await this.db.deleteFrom('elbv2_listeners').where('arn', '=', arn).execute();
  }
}

/** ELBv2 rules, by ARN, listed per listener by priority with the default rule (NULL) last. */
export class Elbv2RuleStore {
  constructor(private readonly db: Db) {}

  async get(arn: string): Promise<RuleRecord | undefined> {
    const row = await this.db.selectFrom('elbv2_rules').selectAll().where('arn', '=', arn).executeTakeFirst();
    return row && toRule(row);
  }

  async listByListener(listenerArn: string): Promise<RuleRecord[]> {
    const rows = await this.db.selectFrom('elbv2_rules').selectAll().where('listener_arn', '=', listenerArn).execute();
    return rows.map(toRule).sort(byPriority);
  }

  async listAll(): Promise<RuleRecord[]> {
    return (await this.db.selectFrom('elbv2_rules').selectAll().execute()).map(toRule).sort(byPriority);
  }

  async insert(r: RuleRecord): Promise<void> {
    await this.db.insertInto('elbv2_rules')
      .values({ arn: r.arn, region: r.region, listener_arn: r.listenerArn, priority: r.priority, doc: toDoc(r.body) }).execute();
  }

  async update(r: RuleRecord): Promise<void> {
    await this.db.updateTable('elbv2_rules').set({ priority: r.priority, doc: toDoc(r.body) }).where('arn', '=', r.arn).execute();
  }

  async delete(arn: string): Promise<void> {
    await this.db.deleteFrom('elbv2_rules').where('arn', '=', arn).execute();
  }
}

const byPriority = (a: RuleRecord, b: RuleRecord) => (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER);

const toListener = (row: ListenerRow): ListenerRecord => ({
  arn: row.arn, region: row.region, loadBalancerArn: row.load_balancer_arn, port: Number(row.port), body: fromDoc(row.doc),
});

const toRule = (row: RuleRow): RuleRecord => ({
  arn: row.arn, region: row.region, listenerArn: row.listener_arn, priority: row.priority === null ? null : Number(row.priority), body: fromDoc(row.doc),
});
