import type { TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TargetRecord } from '../domain/elbv2/records.js';
import type { Db } from './sqlite.js';
import type { Elbv2TargetsTable } from './schema.js';

/** Registered targets with their last recorded health, and which listeners and rules use which target groups. */
export class Elbv2TargetStore {
  constructor(private readonly db: Db) {}

  async list(targetGroupArn: string): Promise<TargetRecord[]> {
    const rows = await this.db.selectFrom('elbv2_targets').selectAll().where('target_group_arn', '=', targetGroupArn).orderBy('registered_at').orderBy('id').orderBy('port').execute();
    return rows.map(toTarget);
  }

  async listAll(): Promise<TargetRecord[]> {
    return (await this.db.selectFrom('elbv2_targets').selectAll().orderBy('target_group_arn').orderBy('registered_at').orderBy('id').execute()).map(toTarget);
  }

  /** Registers (or re-registers, ending any draining) a target. */
  async put(t: TargetRecord): Promise<void> {
    const values = {
      target_group_arn: t.targetGroupArn, id: t.id, port: t.port, availability_zone: t.availabilityZone ?? null, state: t.state,
      reason: t.reason ?? null, description: t.description ?? null, registered_at: t.registeredAt, drain_until: t.drainUntil ?? null,
    };
    await this.db.insertInto('elbv2_targets').values(values)
      .onConflict((c) => c.columns(['target_group_arn', 'id', 'port']).doUpdateSet(values)).execute();
  }

  /** Records a health check outcome; false when the target is not registered (any more). */
  async setHealth(targetGroupArn: string, id: string, port: number, state: TargetHealthStateEnum, reason: TargetHealthReasonEnum | undefined, description: string | undefined): Promise<boolean> {
    const result = await this.db.updateTable('elbv2_targets').set({ state, reason: reason ?? null, description: description ?? null })
      .where('target_group_arn', '=', targetGroupArn).where('id', '=', id).where('port', '=', port).where('drain_until', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(targetGroupArn: string, id: string, port: number): Promise<void> {
    await this.db.deleteFrom('elbv2_targets').where('target_group_arn', '=', targetGroupArn).where('id', '=', id).where('port', '=', port).execute();
  }

  async removeAll(targetGroupArn: string): Promise<void> {
    await this.db.deleteFrom('elbv2_targets').where('target_group_arn', '=', targetGroupArn).execute();
  }

  /** Forgets targets whose draining ended before `now`. */
  async purgeDrained(now: number): Promise<void> {
    await this.db.deleteFrom('elbv2_targets').where('drain_until', '<=', now).execute();
  }

  /** Sets which target groups a listener or rule forwards to. */
  async link(resourceArn: string, loadBalancerArn: string, targetGroupArns: readonly string[]): Promise<void> {
    await this.unlink(resourceArn);
    for (const tg of targetGroupArns) {
      await this.db.insertInto('elbv2_target_group_links').values({ resource_arn: resourceArn, target_group_arn: tg, load_balancer_arn: loadBalancerArn }).execute();
    }
  }

  async unlink(resourceArn: string): Promise<void> {
    await this.db.deleteFrom('elbv2_target_group_links').where('resource_arn', '=', resourceArn).execute();
  }

  /** The listeners and rules forwarding to a target group, with their load balancers. */
  async usersOf(targetGroupArn: string): Promise<{ resourceArn: string; loadBalancerArn: string }[]> {
    const rows = await this.db.selectFrom('elbv2_target_group_links').select(['resource_arn', 'load_balancer_arn']).where('target_group_arn', '=', targetGroupArn).execute();
    return rows.map((r) => ({ resourceArn: r.resource_arn, loadBalancerArn: r.load_balancer_arn }));
  }

  /** Every target group some listener or rule forwards to. */
  async groupsInUse(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('elbv2_target_group_links').select('target_group_arn').distinct().execute();
    return new Set(rows.map((r) => r.target_group_arn));
  }

  /** The target groups some listener or rule of this load balancer forwards to. */
  async groupsOf(loadBalancerArn: string): Promise<string[]> {
    const rows = await this.db.selectFrom('elbv2_target_group_links').select('target_group_arn').distinct().where('load_balancer_arn', '=', loadBalancerArn).orderBy('target_group_arn').execute();
    return rows.map((r) => r.target_group_arn);
  }
}

const toTarget = (row: Elbv2TargetsTable): TargetRecord => ({
  targetGroupArn: row.target_group_arn,
  id: row.id,
  port: Number(row.port),
  ...(row.availability_zone !== null ? { availabilityZone: row.availability_zone } : {}),
  state: row.state as TargetHealthStateEnum,
  ...(row.reason !== null ? { reason: row.reason as TargetHealthReasonEnum } : {}),
  ...(row.description !== null ? { description: row.description } : {}),
  registeredAt: Number(row.registered_at),
  ...(row.drain_until !== null ? { drainUntil: Number(row.drain_until) } : {}),
});
