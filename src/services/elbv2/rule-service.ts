import type {
  CreateRuleInput, CreateRuleOutput, DeleteRuleInput, DeleteRuleOutput, DescribeRulesInput, DescribeRulesOutput, ModifyRuleInput, ModifyRuleOutput,
  SetRulePrioritiesInput, SetRulePrioritiesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { elbResourceType, ruleArn } from '../../domain/elbv2/arns.js';
import { normalizeConditions } from '../../domain/elbv2/conditions.js';
import { outOfRange, priorityInUse, rulesNotFound, validation } from '../../domain/elbv2/errors.js';
import { pageOf } from '../../domain/elbv2/paging.js';
import { presentRule } from '../../domain/elbv2/present.js';
import type { ListenerRecord, RuleRecord } from '../../domain/elbv2/records.js';
import { validateTags } from '../../domain/elbv2/tags.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';
import { type Elbv2Deps, requireListener, requireLoadBalancer, requireRule } from './elbv2-context.js';
import { checkedActions } from './forward-targets.js';

const MAX_RULES_PER_LISTENER = 100;

/** Listener rules: conditions and actions at a priority; the default rule is the listener's default actions. */
export class RuleService {
  constructor(private readonly deps: Elbv2Deps) {}

  async create(scope: Scope, input: CreateRuleInput): Promise<CreateRuleOutput> {
    const tags = validateTags(input.Tags);
    const priority = checkPriority(input.Priority);
    const conditions = normalizeConditions(input.Conditions);
    const rule = await this.deps.stores.transaction(async (tx) => {
      const listener = await requireListener(tx, scope, input.ListenerArn ?? '');
      const lb = await requireLoadBalancer(tx, scope, listener.loadBalancerArn);
      if (lb.type === 'network') throw validation('Rules are not supported for listeners of network load balancers');
      const rules = await tx.elbRules.listByListener(listener.arn);
      if (rules.some((r) => r.priority === priority)) throw priorityInUse(priority);
      if (rules.length > MAX_RULES_PER_LISTENER) throw new ServiceError('TooManyRulesException', `You've reached the limit on the number of rules per load balancer (${MAX_RULES_PER_LISTENER})`);
      const { actions, targetGroupArns } = await checkedActions(tx, scope, lb, listener.body.Protocol, input.Actions, 'actions');
      const created: RuleRecord = { arn: ruleArn(listener.arn, this.deps.idGen.hex(8)), region: scope.region, listenerArn: listener.arn, priority, body: { Conditions: conditions, Actions: actions } };
      await tx.elbRules.insert(created);
      await tx.elbTargets.link(created.arn, lb.arn, targetGroupArns);
      await tx.tags.put(created.arn, tags);
      return presentRule(created, listener);
    });
    this.deps.changes.emit();
    return { Rules: [rule] };
  }

  async describe(scope: Scope, input: DescribeRulesInput): Promise<DescribeRulesOutput> {
    const { stores } = this.deps;
    let records: RuleRecord[];
    if (input.RuleArns?.length) {
      if (input.ListenerArn !== undefined) throw validation('Listener rule ARNs and a listener ARN cannot be specified at the same time');
      records = [];
      for (const arn of new Set(input.RuleArns)) {
        const found = elbResourceType(scope, arn) === 'listener-rule' ? await stores.elbRules.get(arn) : undefined;
        if (!found) throw rulesNotFound();
        records.push(found);
      }
    } else if (input.ListenerArn !== undefined) {
      records = await stores.elbRules.listByListener((await requireListener(stores, scope, input.ListenerArn)).arn);
    } else {
      throw validation('You must specify either listener rule ARNs or a listener ARN');
    }
    // Rules in evaluation order (the default rule last), listener by listener.
    const key = (r: RuleRecord) => `${r.listenerArn}#${r.priority === null ? 'z' : String(r.priority).padStart(5, '0')}`;
    const page = pageOf(records.sort((a, b) => key(a).localeCompare(key(b))), key, input.Marker, input.PageSize);
    const Rules = await this.#present(stores, scope, page.items);
    return page.NextMarker ? { Rules, NextMarker: page.NextMarker } : { Rules };
  }

  async modify(scope: Scope, input: ModifyRuleInput): Promise<ModifyRuleOutput> {
    if (input.Conditions === undefined && input.Actions === undefined) throw validation('Either conditions or actions must be specified');
    const rule = await this.deps.stores.transaction(async (tx) => {
      const record = await requireRule(tx, scope, input.RuleArn ?? '');
      const listener = await requireListener(tx, scope, record.listenerArn);
      const lb = await requireLoadBalancer(tx, scope, listener.loadBalancerArn);
      if (record.priority === null) {
        if (input.Conditions?.length) throw new ServiceError('OperationNotPermittedException', 'Conditions cannot be added to a default rule');
        if (input.Actions !== undefined) {
          const { actions, targetGroupArns } = await checkedActions(tx, scope, lb, listener.body.Protocol, input.Actions, 'actions');
          listener.body.DefaultActions = actions;
          await tx.elbListeners.update(listener);
          await tx.elbTargets.link(listener.arn, lb.arn, targetGroupArns);
        }
        return presentRule(record, listener);
      }
      if (input.Conditions !== undefined) record.body.Conditions = normalizeConditions(input.Conditions);
      if (input.Actions !== undefined) {
        const { actions, targetGroupArns } = await checkedActions(tx, scope, lb, listener.body.Protocol, input.Actions, 'actions');
        record.body.Actions = actions;
        await tx.elbTargets.link(record.arn, lb.arn, targetGroupArns);
      }
      await tx.elbRules.update(record);
      return presentRule(record, listener);
    });
    this.deps.changes.emit();
    return { Rules: [rule] };
  }

  async delete(scope: Scope, input: DeleteRuleInput): Promise<DeleteRuleOutput> {
    await this.deps.stores.transaction(async (tx) => {
      const record = await requireRule(tx, scope, input.RuleArn ?? '');
      if (record.priority === null) throw new ServiceError('OperationNotPermittedException', `Default rule '${record.arn}' cannot be deleted`);
      await tx.elbTargets.unlink(record.arn);
      await tx.tags.removeAll(record.arn);
      await tx.elbRules.delete(record.arn);
    });
    this.deps.changes.emit();
    return {};
  }

  async setPriorities(scope: Scope, input: SetRulePrioritiesInput): Promise<SetRulePrioritiesOutput> {
    const pairs = input.RulePriorities ?? [];
    const seen = new Set<number>();
    for (const p of pairs) {
      const priority = checkPriority(p.Priority);
      if (seen.has(priority)) throw validation(`Priority '${priority}' was provided multiple times`);
      seen.add(priority);
    }
    const rules = await this.deps.stores.transaction(async (tx) => {
      const changed: RuleRecord[] = [];
      for (const p of pairs) {
        const record = await requireRule(tx, scope, p.RuleArn ?? '');
        if (record.priority === null) throw new ServiceError('OperationNotPermittedException', 'The default rule\'s priority cannot be changed');
        changed.push({ ...record, priority: p.Priority! });
      }
      const moving = new Set(changed.map((r) => r.arn));
      for (const r of changed) {
        const others = await tx.elbRules.listByListener(r.listenerArn);
        if (others.some((o) => !moving.has(o.arn) && o.priority === r.priority)) throw priorityInUse(r.priority!);
      }
      for (const r of changed) await tx.elbRules.update(r);
      return this.#present(tx, scope, changed);
    });
    this.deps.changes.emit();
    return { Rules: rules };
  }

  async #present(stores: Stores, scope: Scope, records: readonly RuleRecord[]) {
    const listeners = new Map<string, ListenerRecord>();
    const out = [];
    for (const r of records) {
      let listener = listeners.get(r.listenerArn);
      if (!listener) listeners.set(r.listenerArn, (listener = await requireListener(stores, scope, r.listenerArn)));
      out.push(presentRule(r, listener));
    }
    return out;
  }
}

function checkPriority(priority: number | undefined): number {
  if (priority === undefined) throw validation('A rule priority must be specified');
  if (!Number.isInteger(priority) || priority < 1 || priority > 50000) throw outOfRange(priority, 'priority', 1, 50000);
  return priority;
}
