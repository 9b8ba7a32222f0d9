import type { TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import { invalidConfiguration } from './errors.js';
import { type AttributeRule, applyAttributes, bool, int, oneOf, text } from './attribute-rules.js';
import { isHttpProtocol } from './health-check.js';

interface TargetGroupKind {
  protocol?: string | undefined;
  targetType: string;
}

const HEALTH: Record<string, [string, AttributeRule]> = {
  'target_group_health.dns_failover.minimum_healthy_targets.count': ['1', (v) => (v === 'off' ? undefined : int(1, 1000)(v))],
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': ['off', (v) => (v === 'off' ? undefined : int(1, 100)(v))],
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': ['1', int(1, 1000)],
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': ['off', (v) => (v === 'off' ? undefined : int(1, 100)(v))],
  'load_balancing.cross_zone.enabled': ['use_load_balancer_configuration', oneOf('true', 'false', 'use_load_balancer_configuration')],
};

/** What DescribeTargetGroupAttributes shows for a new target group on AWS, by protocol and target type. */
function rulesFor(kind: TargetGroupKind): Record<string, [string, AttributeRule]> {
  if (kind.targetType === 'lambda') return { 'lambda.multi_value_headers.enabled': ['false', bool] };
  if (isHttpProtocol(kind.protocol)) {
    return {
      'deregistration_delay.timeout_seconds': ['300', int(0, 3600)],
      'slow_start.duration_seconds': ['0', (v) => (v === '0' ? undefined : int(30, 900)(v))],
      'stickiness.enabled': ['false', bool],
      'stickiness.type': ['lb_cookie', oneOf('lb_cookie', 'app_cookie')],
      'stickiness.lb_cookie.duration_seconds': ['86400', int(1, 604800)],
      'stickiness.app_cookie.cookie_name': ['', text],
      'stickiness.app_cookie.duration_seconds': ['86400', int(1, 604800)],
      'load_balancing.algorithm.type': ['round_robin', oneOf('round_robin', 'least_outstanding_requests', 'weighted_random')],
      'load_balancing.algorithm.anomaly_mitigation': ['off', oneOf('on', 'off')],
      'waf.fail_open.enabled': ['false', bool],
      ...HEALTH,
    };
  }
  return {
    'deregistration_delay.timeout_seconds': ['300', int(0, 3600)],
    'deregistration_delay.connection_termination.enabled': ['false', bool],
    'stickiness.enabled': ['false', bool],
    'stickiness.type': ['source_ip', oneOf('source_ip')],
    'proxy_protocol_v2.enabled': ['false', bool],
    'preserve_client_ip.enabled': [kind.targetType === 'instance' ? 'true' : 'false', bool],
    'target_health_state.unhealthy.connection_termination.enabled': ['true', bool],
    'target_health_state.unhealthy.draining_interval_seconds': ['0', int(0, 360000)],
    ...HEALTH,
  };
}

export function defaultTargetGroupAttributes(kind: TargetGroupKind): Record<string, string> {
  return Object.fromEntries(Object.entries(rulesFor(kind)).map(([k, [v]]) => [k, v]));
}

export function modifyTargetGroupAttributes(kind: TargetGroupKind, current: Record<string, string>, changes: readonly TargetGroupAttribute[]): Record<string, string> {
  const rules = Object.fromEntries(Object.entries(rulesFor(kind)).map(([k, [, rule]]) => [k, rule]));
  const next = applyAttributes('Target group', rules, current, changes);
  if (next['stickiness.enabled'] === 'true' && next['stickiness.type'] === 'app_cookie' && !next['stickiness.app_cookie.cookie_name']) {
    throw invalidConfiguration("You must set an application cookie name to enable stickiness of type 'app_cookie'");
  }
  if (next['slow_start.duration_seconds'] !== undefined && next['slow_start.duration_seconds'] !== '0' && next['load_balancing.algorithm.type'] === 'least_outstanding_requests') {
    throw invalidConfiguration('Slow start cannot be enabled with the least outstanding requests algorithm');
  }
  return next;
}
