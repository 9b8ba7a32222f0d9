import type { Action, LoadBalancerStateEnum, Matcher, RuleCondition, TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerType } from '../../domain/elbv2/arns.js';
import type { TargetGroupRecord } from '../../domain/elbv2/records.js';
import type { Elbv2Deps } from './elbv2-context.js';
import type { TargetService } from './target-service.js';

/**
 * The routing configuration as plain data, for the load balancer data plane: per load balancer its
 * listeners with their rules in evaluation order (default actions separate), and every target group
 * with its health check settings, attributes and registered targets (draining ones flagged).
 * Conditions and actions are ELBv2's own shapes, as DescribeRules returns them.
 */
export interface LoadBalancingConfig {
  loadBalancers: LoadBalancerView[];
  targetGroups: TargetGroupView[];
}

export interface LoadBalancerView {
  arn: string;
  region: string;
  name: string;
  type: LoadBalancerType;
  scheme: string;
  dnsName: string;
  state: LoadBalancerStateEnum;
  /** `idle_timeout.timeout_seconds` (application load balancers). */
  idleTimeoutSeconds?: number;
  attributes: Record<string, string>;
  listeners: ListenerView[];
}

export interface ListenerView {
  arn: string;
  port: number;
  protocol: string;
  defaultActions: Action[];
  /** Lowest priority first; the default rule is not among them (it is `defaultActions`). */
  rules: { arn: string; priority: number; conditions: RuleCondition[]; actions: Action[] }[];
}

export interface TargetGroupView {
  arn: string;
  region: string;
  name: string;
  protocol: string;
  port: number;
  targetType: string;
  /** Some listener or rule forwards to it (otherwise its targets are `unused`). */
  inUse: boolean;
  healthCheck: {
    enabled: boolean;
    protocol?: string;
    port: string;
    path?: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThresholdCount: number;
    unhealthyThresholdCount: number;
    matcher?: Matcher;
  };
  attributes: {
    deregistrationDelaySeconds: number;
    stickinessEnabled: boolean;
    stickinessType?: string;
    stickinessDurationSeconds?: number;
    slowStartSeconds?: number;
    algorithm?: string;
    /** Every attribute as DescribeTargetGroupAttributes shows it. */
    all: Record<string, string>;
  };
  targets: { id: string; port: number; availabilityZone?: string; state: TargetHealthStateEnum; reason?: TargetHealthReasonEnum; drainUntil?: number }[];
}

/** The data plane's window on ELBv2: read the configuration, hear of changes, report health and state. */
export class LoadBalancingView {
  constructor(private readonly deps: Elbv2Deps, private readonly targets: TargetService) {}

  /** Calls `listener` after every configuration change; returns the function that stops it. */
  onConfigChanged(listener: () => void): () => void {
    return this.deps.changes.on(listener);
  }

  async snapshot(): Promise<LoadBalancingConfig> {
    const { stores, clock } = this.deps;
    await stores.elbTargets.purgeDrained(clock.now());
    const [lbs, listeners, rules, groups, targets, used] = await Promise.all([
      stores.elbLoadBalancers.list(), stores.elbListeners.listAll(), stores.elbRules.listAll(), stores.elbTargetGroups.list(), stores.elbTargets.listAll(),
      stores.elbTargets.groupsInUse(),
    ]);
    return {
      loadBalancers: lbs.map((lb) => ({
        arn: lb.arn, region: lb.region, name: lb.name, type: lb.type, scheme: lb.body.Scheme, dnsName: lb.body.DNSName, state: lb.body.State.Code,
        ...(lb.body.attributes['idle_timeout.timeout_seconds'] ? { idleTimeoutSeconds: Number(lb.body.attributes['idle_timeout.timeout_seconds']) } : {}),
        attributes: lb.body.attributes,
        listeners: listeners.filter((l) => l.loadBalancerArn === lb.arn).map((l) => ({
          arn: l.arn, port: l.port, protocol: l.body.Protocol, defaultActions: l.body.DefaultActions,
          rules: rules.filter((r) => r.listenerArn === l.arn && r.priority !== null)
            .map((r) => ({ arn: r.arn, priority: r.priority!, conditions: r.body.Conditions, actions: r.body.Actions })),
        })),
      })),
      targetGroups: groups.map((g) => targetGroupView(g, used.has(g.arn), targets.filter((t) => t.targetGroupArn === g.arn))),
    };
  }

  /** Records a health check outcome for a registered target; false when it is not registered (or draining). */
  recordTargetHealth(targetGroupArn: string, target: { id: string; port: number }, state: TargetHealthStateEnum, reason?: TargetHealthReasonEnum, description?: string): Promise<boolean> {
    return this.targets.recordTargetHealth(targetGroupArn, target, state, reason, description);
  }

  /** Records a load balancer's state as the data plane found it (e.g. `failed` when a port cannot be bound). */
  async setLoadBalancerState(arn: string, code: LoadBalancerStateEnum, reason?: string): Promise<void> {
    const lb = await this.deps.stores.elbLoadBalancers.get(arn);
    if (!lb) return;
    lb.body.State = reason === undefined ? { Code: code } : { Code: code, Reason: reason };
    await this.deps.stores.elbLoadBalancers.update(lb);
  }
}

function targetGroupView(g: TargetGroupRecord, inUse: boolean, targets: TargetGroupView['targets']): TargetGroupView {
  const b = g.body;
  const a = b.attributes;
  const num = (key: string) => (a[key] === undefined ? undefined : Number(a[key]));
  return {
    arn: g.arn, region: g.region, name: g.name, protocol: b.Protocol ?? '', port: b.Port ?? 0, targetType: b.TargetType, inUse,
    healthCheck: {
      enabled: b.HealthCheckEnabled, ...(b.HealthCheckProtocol ? { protocol: b.HealthCheckProtocol } : {}), port: b.HealthCheckPort,
      ...(b.HealthCheckPath ? { path: b.HealthCheckPath } : {}), intervalSeconds: b.HealthCheckIntervalSeconds, timeoutSeconds: b.HealthCheckTimeoutSeconds,
      healthyThresholdCount: b.HealthyThresholdCount, unhealthyThresholdCount: b.UnhealthyThresholdCount, ...(b.Matcher ? { matcher: b.Matcher } : {}),
    },
    attributes: {
      deregistrationDelaySeconds: num('deregistration_delay.timeout_seconds') ?? 0,
      stickinessEnabled: a['stickiness.enabled'] === 'true',
      ...(a['stickiness.type'] ? { stickinessType: a['stickiness.type'] } : {}),
      ...(num('stickiness.lb_cookie.duration_seconds') !== undefined ? { stickinessDurationSeconds: num('stickiness.lb_cookie.duration_seconds')! } : {}),
      ...(num('slow_start.duration_seconds') !== undefined ? { slowStartSeconds: num('slow_start.duration_seconds')! } : {}),
      ...(a['load_balancing.algorithm.type'] ? { algorithm: a['load_balancing.algorithm.type'] } : {}),
      all: a,
    },
    targets: targets.map((t) => ({
      id: t.id, port: t.port, ...(t.availabilityZone ? { availabilityZone: t.availabilityZone } : {}), state: t.state,
      ...(t.reason ? { reason: t.reason } : {}), ...(t.drainUntil !== undefined ? { drainUntil: t.drainUntil } : {}),
    })),
  };
}
