import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { validation } from './errors.js';

const FIELDS = ['http-header', 'http-request-method', 'host-header', 'path-pattern', 'query-string', 'source-ip'];
/** These may appear at most once per rule; http-header and query-string may repeat. */
const ONCE = new Set(['host-header', 'http-request-method', 'path-pattern', 'source-ip']);
const MAX_VALUES = 5;

/**
 * A rule's conditions, checked and put in the shape AWS returns them: host-header and path-pattern
 * carry both the legacy `Values` and their *Config; the other fields only their *Config.
 */
export function normalizeConditions(conditions: readonly RuleCondition[] | undefined): RuleCondition[] {
  if (!conditions || conditions.length === 0) throw validation('A rule must have at least one condition');
  const seen = new Set<string>();
  let valueCount = 0;
  const out = conditions.map((c) => {
    const field = c.Field ?? '';
    if (!FIELDS.includes(field)) throw validation(`Condition field '${field}' must be one of '[${FIELDS.join(',')}]'`);
    if (ONCE.has(field) && seen.has(field)) throw validation(`A rule can only have one '${field}' condition`);
    seen.add(field);
    const normalized = normalizeOne(field, c);
    valueCount += countValues(normalized);
    return normalized;
  });
  if (valueCount > MAX_VALUES) throw validation(`A rule can only have '${MAX_VALUES}' condition values`);
  return out;
}

function normalizeOne(field: string, c: RuleCondition): RuleCondition {
  const legacy = c.Values;
  switch (field) {
    case 'host-header':
    case 'path-pattern': {
      const config = field === 'host-header' ? c.HostHeaderConfig : c.PathPatternConfig;
      if (legacy && legacy.length > 0 && config?.Values) throw validation(`You cannot specify both 'Values' and '${configName(field)}' for condition '${field}'`);
      const values = requireValues(config?.Values ?? legacy, field);
      for (const v of values) if (v.length > 128) throw validation(`The '${field}' value '${v.slice(0, 32)}…' cannot be longer than 128 characters`);
      return field === 'host-header'
        ? { Field: field, Values: values, HostHeaderConfig: { Values: values } }
        : { Field: field, Values: values, PathPatternConfig: { Values: values } };
    }
    case 'http-header': {
      if (!c.HttpHeaderConfig) throw validation("A 'HttpHeaderConfig' must be specified with 'http-header'");
      const name = c.HttpHeaderConfig.HttpHeaderName ?? '';
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/.test(name)) throw validation(`The header name '${name}' is not valid`);
      return { Field: field, HttpHeaderConfig: { HttpHeaderName: name, Values: requireValues(c.HttpHeaderConfig.Values, field) } };
    }
    case 'http-request-method': {
      if (!c.HttpRequestMethodConfig) throw validation("A 'HttpRequestMethodConfig' must be specified with 'http-request-method'");
      const values = requireValues(c.HttpRequestMethodConfig.Values, field);
      for (const v of values) if (!/^[A-Z_-]{1,40}$/.test(v)) throw validation(`The 'http-request-method' value '${v}' is not valid`);
      return { Field: field, HttpRequestMethodConfig: { Values: values } };
    }
    case 'query-string': {
      if (!c.QueryStringConfig) throw validation("A 'QueryStringConfig' must be specified with 'query-string'");
      const pairs = c.QueryStringConfig.Values ?? [];
      if (pairs.length === 0) throw validation('A condition value must be specified');
      for (const p of pairs) if (!p.Value) throw validation("A 'Value' must be specified in 'QueryStringKeyValuePair'");
      return { Field: field, QueryStringConfig: { Values: pairs.map((p) => (p.Key === undefined ? { Value: p.Value } : { Key: p.Key, Value: p.Value })) } };
    }
    default: {
      if (!c.SourceIpConfig) throw validation("A 'SourceIpConfig' must be specified with 'source-ip'");
      const values = requireValues(c.SourceIpConfig.Values, field);
      for (const v of values) if (!isCidr(v)) throw validation(`The 'source-ip' value '${v}' is not a valid CIDR block`);
      return { Field: field, SourceIpConfig: { Values: values } };
    }
  }
}

const configName = (field: string) => (field === 'host-header' ? 'HostHeaderConfig' : 'PathPatternConfig');

function requireValues(values: string[] | undefined, field: string): string[] {
  if (!values || values.length === 0) throw validation(`A condition value must be specified for '${field}'`);
  return [...values];
}

function countValues(c: RuleCondition): number {
  return (c.HostHeaderConfig?.Values ?? c.PathPatternConfig?.Values ?? c.HttpHeaderConfig?.Values ?? c.HttpRequestMethodConfig?.Values
    ?? c.QueryStringConfig?.Values ?? c.SourceIpConfig?.Values ?? []).length;
}

function isCidr(value: string): boolean {
  const [ip, bits, extra] = value.split('/');
  if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip ?? '')) return ip!.split('.').every((o) => Number(o) <= 255) && Number(bits) <= 32;
  return (ip ?? '').includes(':') && /^[0-9a-fA-F:]+$/.test(ip!) && Number(bits) <= 128;
}
