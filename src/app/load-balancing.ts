import type { DataPlaneConfig, TargetProtocol } from '../lb/lb-config.js';
import { LoadBalancerDataPlane } from '../lb/data-plane.js';
import type { LoadBalancingConfig, LoadBalancingView } from '../services/elbv2/load-balancing-view.js';

/** Drains end and states settle without an API call: look again this often. */
const RESYNC_INTERVAL_MS = 2_000;

export interface LoadBalancingDeps {
  view: LoadBalancingView;
  /** Where listeners bind (Berth's --host-ip, 127.0.0.1 by default). */
  host: string;
  /** The address an `instance` target (an ec2InstanceId) is reached at. */
  instanceAddress: (ec2InstanceId: string) => Promise<string | undefined>;
  log: (line: string) => void;
}

/**
 * Runs the load balancer data plane on what ELBv2 holds: every configuration change (and a
 * periodic look, for drains that end) re-applies the whole configuration, level-triggered; health
 * the checks find goes back to ELBv2, where DescribeTargetHealth and ECS services read it.
 */
export function startLoadBalancing(deps: LoadBalancingDeps): { close(): Promise<void> } {
  /** The data plane's target (an address) back to the registered one (an instance id), per group. */
  let registered = new Map<string, string>();
  const plane = new LoadBalancerDataPlane({
    host: deps.host,
    onTargetHealth: (groupArn, target, state, reason, description) => {
      const id = registered.get(`${groupArn}|${target.id}:${target.port}`) ?? target.id;
      deps.view.recordTargetHealth(groupArn, { id, port: target.port }, state, reason, description)
        .catch((error: unknown) => deps.log(`load balancing: recording health: ${String(error)}`));
    },
  });
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const sync = async () => {
    const snapshot = await deps.view.snapshot();
    const { config, ids } = await toDataPlaneConfig(snapshot, deps.instanceAddress);
    registered = ids;
    const { errors } = await plane.apply(config);
    // A listener that cannot bind its port (taken, privileged) impairs its load balancer, as DescribeLoadBalancers shows.
    for (const lb of snapshot.loadBalancers) {
      const error = errors.find((e) => lb.listeners.some((l) => l.arn === e.listenerArn));
      if (error && lb.state !== 'active_impaired') {
        deps.log(`load balancing: listener ${error.listenerArn} cannot serve: ${error.message}`);
        await deps.view.setLoadBalancerState(lb.arn, 'active_impaired', `Listener cannot serve: ${error.message}`);
      } else if (!error && lb.state === 'active_impaired') {
        await deps.view.setLoadBalancerState(lb.arn, 'active');
      }
    }
  };
  /** Coalesces: one sync at a time, and one more if anything changed meanwhile. */
  const schedule = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = sync()
      .catch((error: unknown) => deps.log(`load balancing: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
  };
  const stopListening = deps.view.onConfigChanged(schedule);
  const timer = setInterval(schedule, RESYNC_INTERVAL_MS);
  timer.unref();
  schedule();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      stopListening();
      await running;
      await plane.close();
    },
  };
}

const TARGET_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TCP']);

/** ELBv2's view as the data plane's config: listeners it can serve, targets at addresses it can reach. */
async function toDataPlaneConfig(
  snapshot: LoadBalancingConfig,
  instanceAddress: LoadBalancingDeps['instanceAddress'],
): Promise<{ config: DataPlaneConfig; ids: Map<string, string> }> {
  const ids = new Map<string, string>();
  // One lookup per instance, however many of its ports are registered.
  const addresses = new Map<string, Promise<string | undefined>>();
  const addressOf = (id: string) => {
    let found = addresses.get(id);
    if (!found) addresses.set(id, (found = instanceAddress(id)));
    return found;
  };
  const targetGroups: DataPlaneConfig['targetGroups'][number][] = [];
  for (const g of snapshot.targetGroups) {
    if (!TARGET_PROTOCOLS.has(g.protocol)) continue;
    const targets = [];
    // Deregistered (draining) targets leave the data plane, which lets their requests finish.
    for (const t of g.targets.filter((x) => x.drainUntil === undefined)) {
      const address = g.targetType === 'instance' ? await addressOf(t.id) : t.id;
      if (!address) continue;
      ids.set(`${g.arn}|${address}:${t.port}`, t.id);
      targets.push({ id: address, port: t.port });
    }
    const hc = g.healthCheck;
    targetGroups.push({
      arn: g.arn,
      protocol: g.protocol as TargetProtocol,
      port: g.port,
      healthCheck: {
        enabled: hc.enabled, port: hc.port, intervalSeconds: hc.intervalSeconds, timeoutSeconds: hc.timeoutSeconds,
        healthyThresholdCount: hc.healthyThresholdCount, unhealthyThresholdCount: hc.unhealthyThresholdCount,
        ...(hc.protocol && TARGET_PROTOCOLS.has(hc.protocol) ? { protocol: hc.protocol as TargetProtocol } : {}),
        ...(hc.path ? { path: hc.path } : {}),
        ...(hc.matcher ? { matcher: hc.matcher } : {}),
      },
      attributes: {
        deregistrationDelaySeconds: g.attributes.deregistrationDelaySeconds,
        stickinessEnabled: g.attributes.stickinessEnabled,
        ...(g.attributes.stickinessType ? { stickinessType: g.attributes.stickinessType } : {}),
        ...(g.attributes.stickinessDurationSeconds !== undefined ? { stickinessDurationSeconds: g.attributes.stickinessDurationSeconds } : {}),
        ...(g.attributes.algorithm ? { algorithm: g.attributes.algorithm } : {}),
      },
      targets,
    });
  }
  const loadBalancers = snapshot.loadBalancers.map((lb) => ({
    arn: lb.arn,
    type: lb.type === 'network' ? 'network' as const : 'application' as const,
    ...(lb.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: lb.idleTimeoutSeconds } : {}),
    // HTTPS and TLS need certificates Berth does not have yet; UDP is not proxied.
    listeners: lb.listeners.filter((l) => l.protocol === 'HTTP' || l.protocol === 'TCP').map((l) => ({
      arn: l.arn, port: l.port, protocol: l.protocol as 'HTTP' | 'TCP', defaultActions: l.defaultActions, rules: l.rules,
    })),
  }));
  return { config: { loadBalancers, targetGroups }, ids };
}
