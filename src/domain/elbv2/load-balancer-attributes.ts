import type { LoadBalancerAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerType } from './arns.js';
import { type AttributeRule, applyAttributes, bool, int, oneOf, text } from './attribute-rules.js';

/** What DescribeLoadBalancerAttributes shows for a new load balancer on AWS, and what each key accepts. */
const APPLICATION: Record<string, [string, AttributeRule]> = {
  'access_logs.s3.enabled': ['false', bool],
  'access_logs.s3.bucket': ['', text],
  'access_logs.s3.prefix': ['', text],
  'connection_logs.s3.enabled': ['false', bool],
  'connection_logs.s3.bucket': ['', text],
  'connection_logs.s3.prefix': ['', text],
  'health_check_logs.s3.enabled': ['false', bool],
  'health_check_logs.s3.bucket': ['', text],
  'health_check_logs.s3.prefix': ['', text],
  'idle_timeout.timeout_seconds': ['60', int(1, 4000)],
  'client_keep_alive.seconds': ['3600', int(60, 604800)],
  'deletion_protection.enabled': ['false', bool],
  'routing.http2.enabled': ['true', bool],
  'routing.http.drop_invalid_header_fields.enabled': ['false', bool],
  'routing.http.desync_mitigation_mode': ['defensive', oneOf('monitor', 'defensive', 'strictest')],
  'routing.http.preserve_host_header.enabled': ['false', bool],
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': ['false', bool],
  'routing.http.xff_client_port.enabled': ['false', bool],
  'routing.http.xff_header_processing.mode': ['append', oneOf('append', 'preserve', 'remove')],
  'load_balancing.cross_zone.enabled': ['true', bool],
  'waf.fail_open.enabled': ['false', bool],
  'zonal_shift.config.enabled': ['false', bool],
};

const NETWORK: Record<string, [string, AttributeRule]> = {
  'access_logs.s3.enabled': ['false', bool],
  'access_logs.s3.bucket': ['', text],
  'access_logs.s3.prefix': ['', text],
  'deletion_protection.enabled': ['false', bool],
  'load_balancing.cross_zone.enabled': ['false', bool],
  'dns_record.client_routing_policy': ['any_availability_zone', oneOf('availability_zone_affinity', 'partial_availability_zone_affinity', 'any_availability_zone')],
  'ipv6.deny_all_igw_traffic': ['false', bool],
  'zonal_shift.config.enabled': ['false', bool],
};

const rulesFor = (type: LoadBalancerType) => (type === 'network' ? NETWORK : APPLICATION);

export function defaultLoadBalancerAttributes(type: LoadBalancerType): Record<string, string> {
  return Object.fromEntries(Object.entries(rulesFor(type)).map(([k, [v]]) => [k, v]));
}

/** The attributes after a modification; unknown keys and bad values are ValidationError, as on AWS. */
export function modifyLoadBalancerAttributes(type: LoadBalancerType, current: Record<string, string>, changes: readonly LoadBalancerAttribute[]): Record<string, string> {
  const rules = Object.fromEntries(Object.entries(rulesFor(type)).map(([k, [, rule]]) => [k, rule]));
  return applyAttributes('Load balancer', rules, current, changes);
}

export const isDeletionProtected = (attributes: Record<string, string>) => attributes['deletion_protection.enabled'] === 'true';
