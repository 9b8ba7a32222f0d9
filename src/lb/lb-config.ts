/**
 * What the load-balancer data plane serves, as plain data. Rule conditions and actions are the
 * ELBv2 API's own shapes, so the ELBv2 store can hand its records over as they are.
 *
 * Target groups sit beside the load balancers rather than inside them, as in ELBv2: a target group
 * is its own resource, health-checked once, and is "in use" only while some listener action
 * forwards to it (otherwise its targets are `unused` / `Target.NotInUse`).
 */
import type { Action, Matcher, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';

export type LoadBalancerType = 'application' | 'network';
export type ListenerProtocol = 'HTTP' | 'TCP';
export type TargetProtocol = 'HTTP' | 'HTTPS' | 'TCP';

export interface DataPlaneConfig {
  loadBalancers: readonly LoadBalancerConfig[];
  targetGroups: readonly TargetGroupConfig[];
}

export interface LoadBalancerConfig {
  arn: string;
  type: LoadBalancerType;
  listeners: readonly ListenerConfig[];
  /** ALB `idle_timeout.timeout_seconds`: how long a target may stay silent (default 60). */
  idleTimeoutSeconds?: number;
}

export interface ListenerConfig {
  arn: string;
  port: number;
  /** HTTP on an application LB, TCP on a network LB. */
  protocol: ListenerProtocol;
  /** Evaluated after every rule; exactly one terminal action (forward, redirect, fixed-response). */
  defaultActions: readonly Action[];
  /** Any order; the data plane sorts them by priority. */
  rules?: readonly RuleConfig[];
}

export interface RuleConfig {
  arn?: string;
  /** 1–50000, lowest first. */
  priority: number;
  conditions: readonly RuleCondition[];
  actions: readonly Action[];
}

export interface HealthCheckConfig {
  /** false: no checks; targets are `unavailable` / `Target.HealthCheckDisabled` and get traffic. */
  enabled?: boolean;
  /** Default: HTTP for HTTP/HTTPS target groups, TCP for TCP ones. */
  protocol?: TargetProtocol;
  /** `traffic-port` (the target's own port, the default) or a port number. */
  port?: 'traffic-port' | number | string;
  /** Default `/`. */
  path?: string;
  /** Default 30. */
  intervalSeconds?: number;
  /** Default 5 (HTTP) or 10 (TCP). */
  timeoutSeconds?: number;
  /** Default 5. */
  healthyThresholdCount?: number;
  /** Default 2. */
  unhealthyThresholdCount?: number;
  /** `HttpCode`: "200" (default), "200-299" or "200,302". */
  matcher?: Matcher;
}

export interface TargetGroupAttributes {
  /** `deregistration_delay.timeout_seconds`, default 300. */
  deregistrationDelaySeconds?: number;
  /** `stickiness.enabled`, default false. */
  stickinessEnabled?: boolean;
  /** Only `lb_cookie` is honoured; `app_cookie` and `source_ip` act as off. */
  stickinessType?: string;
  /** `stickiness.lb_cookie.duration_seconds`, default 86400. */
  stickinessDurationSeconds?: number;
  /** `load_balancing.algorithm.type`: round_robin (default) or least_outstanding_requests; weighted_random acts as round robin. */
  algorithm?: string;
}

export interface TargetConfig {
  /** An IP address or host name. */
  id: string;
  port: number;
}

export interface TargetGroupConfig {
  arn: string;
  protocol: TargetProtocol;
  /** The group's port; the API layer gives every target its port, so it is informational here. */
  port: number;
  healthCheck?: HealthCheckConfig;
  attributes?: TargetGroupAttributes;
  targets: readonly TargetConfig[];
}

/** The health-check settings with every default filled in. */
export interface HealthCheckSettings {
  enabled: boolean;
  protocol: TargetProtocol;
  port: number | 'traffic-port';
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** Accepts an HTTP status. */
  matches: (status: number) => boolean;
}

export function healthCheckSettings(group: TargetGroupConfig): HealthCheckSettings {
  const hc = group.healthCheck ?? {};
  const protocol = hc.protocol ?? (group.protocol === 'TCP' ? 'TCP' : 'HTTP');
  const port = hc.port === undefined || hc.port === 'traffic-port' ? 'traffic-port' : Number(hc.port);
  return {
    enabled: hc.enabled ?? true,
    protocol,
    port,
    path: hc.path ?? '/',
    intervalMs: (hc.intervalSeconds ?? 30) * 1000,
    timeoutMs: (hc.timeoutSeconds ?? (protocol === 'TCP' ? 10 : 5)) * 1000,
    healthyThreshold: hc.healthyThresholdCount ?? 5,
    unhealthyThreshold: hc.unhealthyThresholdCount ?? 2,
    matches: compileHttpCodeMatcher(hc.matcher?.HttpCode ?? '200'),
  };
}

/** "200", "200-299", "200,302" and mixes of them ("200,300-399"). */
export function compileHttpCodeMatcher(httpCode: string): (status: number) => boolean {
  const ranges = httpCode.split(',').map((part) => {
    const [low, high] = part.trim().split('-').map((n) => Number(n.trim()));
    return [low ?? Number.NaN, high ?? low ?? Number.NaN] as const;
  });
  return (status) => ranges.some(([low, high]) => status >= low && status <= high);
}

/** `Target.Id:Port`, the key of a target within its group. */
export const targetKey = (target: TargetConfig): string => `${target.id}:${target.port}`;
