/**
 * The ALB/NLB data plane: listeners on host ports, target pools with health checks, driven by
 * plain data. apply() is level-triggered and idempotent: whatever ran before, afterwards the
 * listeners, rules and targets are the ones in the config. Listeners that stay on the same port
 * keep their sockets (and clients' keep-alive connections); targets that stay keep their
 * health and connections.
 */
import type { TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { compileActions, forwardedGroups } from './actions.js';
import type { Probe } from './health-checker.js';
import { HttpListener, type HttpRouting } from './http-listener.js';
import type { DataPlaneConfig, ListenerConfig, LoadBalancerConfig, TargetConfig } from './lb-config.js';
import { type LbTimers, systemTimers } from './lb-timers.js';
import { createProbe, createProbeAgent } from './probes.js';
import { compileConditions } from './rule-matcher.js';
import { type TargetHealthListener, TargetPool } from './target-pool.js';
import { TcpListener } from './tcp-listener.js';

export type { TargetHealthListener } from './target-pool.js';

export interface LoadBalancerDataPlaneOptions {
  /** Where listeners bind; default 127.0.0.1. */
  host?: string;
  /** Health-check intervals and timeouts, deregistration delays, cookie expiry. */
  timers?: LbTimers;
  /** Weighted forward's randomness, in [0, 1). */
  random?: () => number;
  /** Called on every change of a target's health state or reason. */
  onTargetHealth?: TargetHealthListener;
  /** Add X-Amzn-Trace-Id when the client sent none (default true). */
  traceIds?: boolean;
  /** Replaces the real HTTP/TCP health-check probe. */
  probe?: Probe;
}

export interface ApplyResult {
  /** Listeners that could not bind (port taken, say); the next apply() tries again. */
  errors: { listenerArn: string; message: string }[];
}

export interface TargetHealthDescription {
  target: TargetConfig;
  state: TargetHealthStateEnum;
  reason?: TargetHealthReasonEnum;
  description?: string;
}

interface BoundListener {
  port: number;
  protocol: ListenerConfig['protocol'];
  boundPort: number;
  server: HttpListener | TcpListener;
}

export class LoadBalancerDataPlane {
  readonly #host: string;
  readonly #timers: LbTimers;
  readonly #random: () => number;
  readonly #traceIds: boolean;
  readonly #probeAgent = createProbeAgent();
  readonly #probe: Probe;
  readonly #onHealth: TargetHealthListener;
  readonly #pools = new Map<string, TargetPool>();
  readonly #listeners = new Map<string, BoundListener>();
  /** apply() calls run one at a time, in call order. */
  #applying: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: LoadBalancerDataPlaneOptions = {}) {
    this.#host = options.host ?? '127.0.0.1';
    this.#timers = options.timers ?? systemTimers;
    this.#random = options.random ?? Math.random;
    this.#traceIds = options.traceIds ?? true;
    this.#probe = options.probe ?? createProbe(this.#probeAgent);
    const listener = options.onTargetHealth;
    this.#onHealth = (...args) => {
      if (listener && !this.#closed) listener(...args);
    };
  }

  apply(config: DataPlaneConfig): Promise<ApplyResult> {
    const run = this.#applying.then(() => this.#apply(config));
    this.#applying = run.catch(() => undefined);
    return run;
  }

  /** The port a listener is bound to (its configured one, or the one picked for port 0). */
  listenerPort(listenerArn: string): number | undefined {
    return this.#listeners.get(listenerArn)?.boundPort;
  }

  /** Every target of a group with its current health, as DescribeTargetHealth reports it. */
  targetHealth(targetGroupArn: string): TargetHealthDescription[] {
    return this.#pools.get(targetGroupArn)?.health() ?? [];
  }

  /** Closes listeners (cutting their connections), stops health checks and drops target connections. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#applying;
    const listeners = [...this.#listeners.values()];
    this.#listeners.clear();
    await Promise.all(listeners.map((l) => l.server.close(true)));
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close()));
    await this.#probeAgent.close();
  }

  async #apply(config: DataPlaneConfig): Promise<ApplyResult> {
    if (this.#closed) throw new Error('the load balancer data plane is closed');
    const inUse = new Set<string>();
    for (const lb of config.loadBalancers) {
      for (const listener of lb.listeners) {
        for (const arn of forwardedGroups(listener.defaultActions)) inUse.add(arn);
        for (const rule of listener.rules ?? []) for (const arn of forwardedGroups(rule.actions)) inUse.add(arn);
      }
    }

    const wantedGroups = new Set(config.targetGroups.map((g) => g.arn));
    for (const [arn, pool] of this.#pools) {
      if (wantedGroups.has(arn)) continue;
      this.#pools.delete(arn);
      void pool.close();
    }
    for (const group of config.targetGroups) {
      let pool = this.#pools.get(group.arn);
      if (!pool) {
        pool = new TargetPool(group.arn, { timers: this.#timers, probe: this.#probe, onHealth: this.#onHealth });
        this.#pools.set(group.arn, pool);
      }
      pool.configure(group, inUse.has(group.arn));
    }

    const wantedListeners = new Map<string, { lb: LoadBalancerConfig; listener: ListenerConfig }>();
    for (const lb of config.loadBalancers) for (const listener of lb.listeners) wantedListeners.set(listener.arn, { lb, listener });
    let closedAny = false;
    for (const [arn, bound] of this.#listeners) {
      const wanted = wantedListeners.get(arn)?.listener;
      if (wanted && wanted.port === bound.port && wanted.protocol === bound.protocol) continue;
      this.#listeners.delete(arn);
      // Not awaited: requests in flight there may take long, and apply() must not wait on them.
      void bound.server.close(false);
      closedAny = true;
    }
    // A closed listening socket is released at the end of this loop turn; a listener moving onto its port binds after.
    if (closedAny) await new Promise((resolve) => setImmediate(resolve));

    const errors: ApplyResult['errors'] = [];
    for (const [arn, { lb, listener }] of wantedListeners) {
      const bound = this.#listeners.get(arn);
      if (bound) {
        if (bound.server instanceof HttpListener) bound.server.update(this.#httpRouting(lb, listener));
        else bound.server.update(this.#tcpPool(listener));
        continue;
      }
      const server = listener.protocol === 'HTTP'
        ? new HttpListener(this.#httpRouting(lb, listener), { timers: this.#timers, random: this.#random, traceIds: this.#traceIds })
        : new TcpListener(this.#tcpPool(listener));
      try {
        const boundPort = await server.listen(listener.port, this.#host);
        this.#listeners.set(arn, { port: listener.port, protocol: listener.protocol, boundPort, server });
      } catch (error) {
        errors.push({ listenerArn: arn, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return { errors };
  }

  #httpRouting(lb: LoadBalancerConfig, listener: ListenerConfig): HttpRouting {
    const rules = [...(listener.rules ?? [])].sort((a, b) => a.priority - b.priority);
    return {
      rules: rules.map((rule) => ({ match: compileConditions(rule.conditions), action: compileActions(rule.actions, this.#pools) })),
      defaultAction: compileActions(listener.defaultActions, this.#pools),
      idleTimeoutMs: (lb.idleTimeoutSeconds ?? 60) * 1000,
    };
  }

  /** An NLB listener forwards to one group (its default action's first). */
  #tcpPool(listener: ListenerConfig): TargetPool | undefined {
    const arn = forwardedGroups(listener.defaultActions)[0];
    return arn === undefined ? undefined : this.#pools.get(arn);
  }
}
