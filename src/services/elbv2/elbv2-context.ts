import type { Scope } from '../../domain/arn.js';
import { elbResourceType } from '../../domain/elbv2/arns.js';
import { listenerNotFound, loadBalancerNotFound, rulesNotFound, targetGroupNotFound } from '../../domain/elbv2/errors.js';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from '../../domain/elbv2/records.js';
import type { Clock } from '../../kit/clock.js';
import type { IdGen } from '../../kit/id-gen.js';
import type { Stores } from '../../store/stores.js';

/**
 * Tells whoever serves traffic (the load balancer data plane) that the routing configuration
 * changed: a load balancer, listener, rule, target group or target was added, changed or removed.
 * Listeners re-read the whole view; the signal carries no detail, so none can be missed.
 */
export class ConfigChanges {
  readonly #listeners = new Set<() => void>();

  on(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // a listener's failure is its own; the API call that changed the configuration succeeded
      }
    }
  }
}

/** What every ELBv2 service needs. */
export interface Elbv2Deps {
  stores: Stores;
  clock: Clock;
  idGen: IdGen;
  changes: ConfigChanges;
}

/** The resource an ARN names in this scope, or its NotFound error. */
export async function requireLoadBalancer(stores: Stores, scope: Scope, arn: string): Promise<LoadBalancerRecord> {
  const found = elbResourceType(scope, arn) === 'loadbalancer' ? await stores.elbLoadBalancers.get(arn) : undefined;
  if (!found) throw loadBalancerNotFound(arn);
  return found;
}

export async function requireTargetGroup(stores: Stores, scope: Scope, arn: string): Promise<TargetGroupRecord> {
  const found = elbResourceType(scope, arn) === 'targetgroup' ? await stores.elbTargetGroups.get(arn) : undefined;
  if (!found) throw targetGroupNotFound(arn);
  return found;
}

export async function requireListener(stores: Stores, scope: Scope, arn: string): Promise<ListenerRecord> {
  const found = elbResourceType(scope, arn) === 'listener' ? await stores.elbListeners.get(arn) : undefined;
  if (!found) throw listenerNotFound(arn);
  return found;
}

export async function requireRule(stores: Stores, scope: Scope, arn: string): Promise<RuleRecord> {
  const found = elbResourceType(scope, arn) === 'listener-rule' ? await stores.elbRules.get(arn) : undefined;
  if (!found) throw rulesNotFound();
  return found;
}

/** Tag rows in ELBv2's shape. */
export const toTags = (rows: readonly { key: string; value: string }[]) => rows.map((t) => ({ Key: t.key, Value: t.value }));
