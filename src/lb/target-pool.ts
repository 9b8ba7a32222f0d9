/**
 * One target group's targets: their health states, the round-robin pick over them, in-flight
 * counts and deregistration draining. Health checks feed states in through the HealthChecker;
 * the pool alone decides who gets traffic.
 */
import { createHash } from 'node:crypto';
import { TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Pool } from 'undici';
import { HealthChecker, type Probe } from './health-checker.js';
import { healthCheckSettings, type TargetConfig, type TargetGroupConfig, targetKey } from './lb-config.js';
import type { LbTimers } from './lb-timers.js';

const { DRAINING, HEALTHY, INITIAL, UNAVAILABLE, UNUSED } = TargetHealthStateEnum;

export type TargetHealthListener = (
  targetGroupArn: string,
  target: TargetConfig,
  state: TargetHealthStateEnum,
  reasonCode: TargetHealthReasonEnum | undefined,
  description: string | undefined,
) => void;

export interface PoolTarget {
  readonly id: string;
  readonly port: number;
  readonly key: string;
  /** The AWSALB cookie value that leads back here. */
  readonly token: string;
  state: TargetHealthStateEnum;
  reason: TargetHealthReasonEnum | undefined;
  description: string | undefined;
  inFlight: number;
  /** Keep-alive connections to the target, made on first use (HTTP groups only). */
  dispatcher: Pool | undefined;
  /** Cancels the deregistration-delay timer while draining. */
  cancelDrain: (() => void) | undefined;
}

export interface TargetPoolDeps {
  timers: LbTimers;
  probe: Probe;
  onHealth: TargetHealthListener;
}

export class TargetPool {
  readonly #targets = new Map<string, PoolTarget>();
  readonly #byToken = new Map<string, PoolTarget>();
  readonly #checker: HealthChecker<PoolTarget>;
  /** Healthy targets (or all, with checks off), else every registered non-draining one (fail-open). */
  #routable: PoolTarget[] = [];
  #cursor = 0;
  /** least_outstanding_requests: the routable target with the fewest requests in flight (ties round robin). */
  #leastOutstanding = false;
  #protocol: TargetGroupConfig['protocol'] = 'HTTP';
  #inUse = false;
  #checksOn = true;
  #delayMs = 300_000;
  /** lb_cookie stickiness duration; 0 when off. */
  stickyMs = 0;

  constructor(readonly arn: string, private readonly deps: TargetPoolDeps) {
    this.#checker = new HealthChecker(deps.timers, deps.probe, (target, state, reason, description) => {
      this.#setHealth(target, state, reason, description);
    });
  }

  /** Level-triggered: brings targets and settings to `group`, `inUse` meaning some listener forwards here. */
  configure(group: TargetGroupConfig, inUse: boolean): void {
    const a = group.attributes ?? {};
    this.#protocol = group.protocol;
    this.#delayMs = (a.deregistrationDelaySeconds ?? 300) * 1000;
    this.#leastOutstanding = a.algorithm === 'least_outstanding_requests';
    this.stickyMs = a.stickinessEnabled && (a.stickinessType ?? 'lb_cookie') === 'lb_cookie' ? (a.stickinessDurationSeconds ?? 86_400) * 1000 : 0;
    const settings = healthCheckSettings(group);
    const lifecycleChanged = inUse !== this.#inUse || settings.enabled !== this.#checksOn;
    this.#inUse = inUse;
    this.#checksOn = settings.enabled;
    this.#checker.configure(settings, JSON.stringify([group.protocol, group.healthCheck ?? {}]));

    const wanted = new Map(group.targets.map((t) => [targetKey(t), t]));
    for (const [key, target] of this.#targets) if (!wanted.has(key) && target.state !== DRAINING) this.#drain(target);
    for (const [key, config] of wanted) {
      const target = this.#targets.get(key);
      if (!target) this.#register(config);
      else if (target.state === DRAINING) this.#reregister(target);
      else if (lifecycleChanged) this.#restart(target);
    }
    this.#recompute();
  }

  /** The next target round robin, or undefined when none is registered (ALB answers 503). */
  pick(): PoolTarget | undefined {
    const list = this.#routable;
    if (list.length === 0) return undefined;
    if (this.#cursor >= list.length) this.#cursor = 0;
    if (!this.#leastOutstanding) return list[this.#cursor++];
    let best: PoolTarget | undefined;
    for (let i = 0; i < list.length; i++) {
      const candidate = list[(this.#cursor + i) % list.length]!;
      if (!best || candidate.inFlight < best.inFlight) best = candidate;
    }
    this.#cursor += 1;
    return best;
  }

  /** The target an AWSALB cookie names, if it may still take this request. */
  sticky(token: string): PoolTarget | undefined {
    const target = this.#byToken.get(token);
    return target && this.#routable.includes(target) ? target : undefined;
  }

  begin(target: PoolTarget): void {
    target.inFlight += 1;
  }

  end(target: PoolTarget): void {
    target.inFlight -= 1;
    if (target.inFlight === 0 && target.state === DRAINING) this.#forget(target);
  }

  /** Keep-alive connections to `target`; targets of HTTPS groups are not verified, as ALB does not. */
  dispatcher(target: PoolTarget): Pool {
    if (target.dispatcher) return target.dispatcher;
    const scheme = this.#protocol === 'HTTPS' ? 'https' : 'http';
    const host = target.id.includes(':') ? `[${target.id}]` : target.id;
    target.dispatcher = new Pool(`${scheme}://${host}:${target.port}`, {
      keepAliveTimeout: 30_000,
      connect: scheme === 'https' ? { rejectUnauthorized: false } : undefined,
    });
    return target.dispatcher;
  }

  health(): { target: TargetConfig; state: TargetHealthStateEnum; reason?: TargetHealthReasonEnum; description?: string }[] {
    return [...this.#targets.values()].map((t) => ({
      target: { id: t.id, port: t.port },
      state: t.state,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.description ? { description: t.description } : {}),
    }));
  }

  /** Stops checks and drops connections; in-flight requests are left to finish. */
  async close(): Promise<void> {
    this.#checker.close();
    const closing: Promise<void>[] = [];
    for (const target of this.#targets.values()) {
      target.cancelDrain?.();
      if (target.dispatcher) closing.push(target.dispatcher.destroy().catch(() => undefined));
    }
    this.#targets.clear();
    this.#byToken.clear();
    this.#routable = [];
    await Promise.all(closing);
  }

  #register(config: TargetConfig): void {
    const key = targetKey(config);
    const target: PoolTarget = {
      id: config.id, port: config.port, key, token: tokenFor(key),
      // Not yet anything: #restart's first state is always reported.
      state: UNUSED, reason: TargetHealthReasonEnum.NOT_REGISTERED, description: undefined, inFlight: 0, dispatcher: undefined, cancelDrain: undefined,
    };
    this.#targets.set(key, target);
    this.#byToken.set(target.token, target);
    this.#restart(target);
  }

  #reregister(target: PoolTarget): void {
    target.cancelDrain?.();
    target.cancelDrain = undefined;
    this.#restart(target);
  }

  /** Puts a registered target at the start of its life under the current settings. */
  #restart(target: PoolTarget): void {
    this.#checker.unwatch(target);
    if (!this.#inUse) this.#setHealth(target, UNUSED, TargetHealthReasonEnum.NOT_IN_USE, 'Target group is not configured to receive traffic from the load balancer');
    else if (!this.#checksOn) this.#setHealth(target, UNAVAILABLE, TargetHealthReasonEnum.HEALTH_CHECK_DISABLED, 'Health checks are disabled');
    else {
      this.#setHealth(target, INITIAL, TargetHealthReasonEnum.INITIAL_HEALTH_CHECKING, 'Initial health checks in progress');
      this.#checker.watch(target);
    }
  }

  /** No new requests; gone once in-flight ones finish or the deregistration delay passes. */
  #drain(target: PoolTarget): void {
    this.#checker.unwatch(target);
    this.#setHealth(target, DRAINING, TargetHealthReasonEnum.DEREGISTRATION_IN_PROGRESS, 'Target deregistration is in progress');
    if (target.inFlight === 0 || this.#delayMs === 0) this.#forget(target);
    else target.cancelDrain = this.deps.timers.schedule(this.#delayMs, () => this.#forget(target));
  }

  #forget(target: PoolTarget): void {
    target.cancelDrain?.();
    target.cancelDrain = undefined;
    if (this.#targets.get(target.key) !== target) return;
    this.#targets.delete(target.key);
    this.#byToken.delete(target.token);
    // close() lets requests still in flight (past the delay) finish, then drops the connections.
    void target.dispatcher?.close().catch(() => undefined);
    target.dispatcher = undefined;
    this.#setHealth(target, UNUSED, TargetHealthReasonEnum.NOT_REGISTERED, 'Target is not registered to the target group');
  }

  #setHealth(target: PoolTarget, state: TargetHealthStateEnum, reason: TargetHealthReasonEnum | undefined, description: string | undefined): void {
    if (target.state === state && target.reason === reason && target.description === description) return;
    target.state = state;
    target.reason = reason;
    target.description = description;
    this.#recompute();
    this.deps.onHealth(this.arn, { id: target.id, port: target.port }, state, reason, description);
  }

  #recompute(): void {
    const live = [...this.#targets.values()].filter((t) => t.state !== DRAINING);
    const healthy = live.filter((t) => t.state === HEALTHY || t.state === UNAVAILABLE);
    this.#routable = healthy.length > 0 ? healthy : live;
  }
}

/** Stable across restarts and applies, so a client's cookie keeps naming the same target. */
function tokenFor(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}
