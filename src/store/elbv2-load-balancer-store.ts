import type { LoadBalancerType } from '../domain/elbv2/arns.js';
import type { LoadBalancerRecord, TargetGroupRecord } from '../domain/elbv2/records.js';
import { fromDoc, toDoc } from './json-doc.js';
import type { Db } from './sqlite.js';

interface LoadBalancerRow { arn: string; region: string; name: string; type: string; created_at: number; doc: string }
interface TargetGroupRow { arn: string; region: string; name: string; created_at: number; doc: string }

/** ELBv2 load balancers, by ARN; names are unique per region. */
export class Elbv2LoadBalancerStore {
  constructor(private readonly db: Db) {}

  async get(arn: string): Promise<LoadBalancerRecord | undefined> {
    const row = await this.db.selectFrom('elbv2_load_balancers').selectAll().where('arn', '=', arn).executeTakeFirst();
    return row && toLoadBalancer(row);
  }

  async getByName(region: string, name: string): Promise<LoadBalancerRecord | undefined> {
    const row = await this.db.selectFrom('elbv2_load_balancers').selectAll().where('region', '=', region).where('name', '=', name).executeTakeFirst();
    return row && toLoadBalancer(row);
  }

  /** Every load balancer of a region by name, or of every region when none is given. */
  async list(region?: string): Promise<LoadBalancerRecord[]> {
    let query = this.db.selectFrom('elbv2_load_balancers').selectAll();
    if (region !== undefined) query = query.where('region', '=', region);
    return (await query.orderBy('region').orderBy('name').execute()).map(toLoadBalancer);
  }

  async insert(r: LoadBalancerRecord): Promise<void> {
    await this.db.insertInto('elbv2_load_balancers')
      .values({ arn: r.arn, region: r.region, name: r.name, type: r.type, created_at: r.createdAt, doc: toDoc(r.body) }).execute();
  }

  async update(r: LoadBalancerRecord): Promise<void> {
    await this.db.updateTable('elbv2_load_balancers').set({ doc: toDoc(r.body) }).where('arn', '=', r.arn).execute();
  }

  async delete(arn: string): Promise<void> {
    await this.db.deleteFrom('elbv2_load_balancers').where('arn', '=', arn).execute();
  }
}

/** ELBv2 target groups, by ARN; names are unique per region. */
export class Elbv2TargetGroupStore {
  constructor(private readonly db: Db) {}

  async get(arn: string): Promise<TargetGroupRecord | undefined> {
    const row = await this.db.selectFrom('elbv2_target_groups').selectAll().where('arn', '=', arn).executeTakeFirst();
    return row && toTargetGroup(row);
  }

  async getByName(region: string, name: string): Promise<TargetGroupRecord | undefined> {
    const row = await this.db.selectFrom('elbv2_target_groups').selectAll().where('region', '=', region).where('name', '=', name).executeTakeFirst();
    return row && toTargetGroup(row);
  }

  async list(region?: string): Promise<TargetGroupRecord[]> {
    let query = this.db.selectFrom('elbv2_target_groups').selectAll();
    if (region !== undefined) query = query.where('region', '=', region);
    return (await query.orderBy('region').orderBy('name').execute()).map(toTargetGroup);
  }

  async insert(r: TargetGroupRecord): Promise<void> {
    await this.db.insertInto('elbv2_target_groups')
      .values({ arn: r.arn, region: r.region, name: r.name, created_at: r.createdAt, doc: toDoc(r.body) }).execute();
  }

  async update(r: TargetGroupRecord): Promise<void> {
    await this.db.updateTable('elbv2_target_groups').set({ doc: toDoc(r.body) }).where('arn', '=', r.arn).execute();
  }

  async delete(arn: string): Promise<void> {
    await this.db.deleteFrom('elbv2_target_groups').where('arn', '=', arn).execute();
  }
}

const toLoadBalancer = (row: LoadBalancerRow): LoadBalancerRecord => ({
  arn: row.arn, region: row.region, name: row.name, type: row.type as LoadBalancerType, createdAt: Number(row.created_at), body: fromDoc(row.doc),
});

const toTargetGroup = (row: TargetGroupRow): TargetGroupRecord => ({
  arn: row.arn, region: row.region, name: row.name, createdAt: Number(row.created_at), body: fromDoc(row.doc),
});
