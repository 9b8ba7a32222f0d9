/**
 * ALB rule conditions, compiled once per apply() into plain predicates so a request costs a few
 * string compares or one anchored RegExp per value. All conditions of a rule must match; the
 * values within one condition are alternatives.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv6 } from 'node:net';
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';

/** The parts of a request that conditions look at; the query is split only if a rule asks. */
export class RequestView {
  readonly path: string;
  readonly rawQuery: string;
  readonly host: string;
  #query: [string, string][] | undefined;

  constructor(readonly req: IncomingMessage) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q < 0 ? url : url.slice(0, q);
    this.rawQuery = q < 0 ? '' : url.slice(q + 1);
    this.host = hostWithoutPort(req.headers.host ?? '');
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get sourceIp(): string {
    return this.req.socket.remoteAddress ?? '';
  }

  /** Every value of a header, in request order (repeats are not joined). */
  header(name: string): string[] {
    return this.req.headersDistinct[name] ?? [];
  }

  get query(): [string, string][] {
    return (this.#query ??= parseQuery(this.rawQuery));
  }
}

export type Predicate = (view: RequestView) => boolean;

/** One predicate for all of a rule's conditions; a condition it cannot read never matches. */
export function compileConditions(conditions: readonly RuleCondition[]): Predicate {
  const parts = conditions.map(compileCondition);
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0]!;
  return (view) => {
    for (const part of parts) if (!part(view)) return false;
    return true;
  };
}

function compileCondition(condition: RuleCondition): Predicate {
  switch (condition.Field) {
    case 'host-header': {
      const c = condition.HostHeaderConfig;
      const match = anyOf(c?.Values ?? (c ? [] : condition.Values ?? []), c?.RegexValues, true);
      return (view) => match(view.host);
    }
    case 'path-pattern': {
      const c = condition.PathPatternConfig;
      const match = anyOf(c?.Values ?? (c ? [] : condition.Values ?? []), c?.RegexValues, false);
      return (view) => match(view.path);
    }
    case 'http-header': {
      const c = condition.HttpHeaderConfig;
      const name = c?.HttpHeaderName?.toLowerCase();
      if (!c || !name) return never;
      const match = anyOf(c.Values ?? [], c.RegexValues, true);
      return (view) => view.header(name).some(match);
    }
    case 'http-request-method': {
      const methods = new Set(condition.HttpRequestMethodConfig?.Values ?? condition.Values ?? []);
      return (view) => methods.has(view.method);
    }
    case 'query-string': {
      const pairs = (condition.QueryStringConfig?.Values ?? []).map((pair) => ({
        key: pair.Key === undefined ? undefined : wildcard(pair.Key, true, true),
        value: wildcard(pair.Value ?? '*', true, true),
      }));
      if (pairs.length === 0) return never;
      return (view) => view.query.some(([k, v]) => pairs.some((p) => (p.key === undefined || p.key(k)) && p.value(v)));
    }
    case 'source-ip': {
      const list = cidrList(condition.SourceIpConfig?.Values ?? condition.Values ?? []);
      return (view) => {
        const ip = view.sourceIp;
        try {
          return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
        } catch {
          return false;
        }
      };
    }
    default:
      return never;
  }
}

const never: Predicate = () => false;

type StringTest = (s: string) => boolean;

function anyOf(values: readonly string[], regexValues: readonly string[] | undefined, caseInsensitive: boolean): StringTest {
  const tests = values.map((v) => wildcard(v, caseInsensitive, false));
  for (const source of regexValues ?? []) {
    const re = safeRegExp(source, caseInsensitive);
    if (re) tests.push((s) => re.test(s));
  }
  if (tests.length === 1) return tests[0]!;
  return (s) => {
    for (const test of tests) if (test(s)) return true;
    return false;
  };
}

function safeRegExp(source: string, caseInsensitive: boolean): RegExp | undefined {
  try {
    return new RegExp(source, caseInsensitive ? 'i' : '');
  } catch {
    return undefined;
  }
}

/**
 * `*` is any run of characters and `?` exactly one; with `escapes`, `\*` and `\?` stand for
 * themselves (query strings). Patterns without wildcards become plain compares.
 */
export function wildcard(pattern: string, caseInsensitive: boolean, escapes: boolean): StringTest {
  let source = '';
  let literal = '';
  let wild = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (escapes && ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '?')) {
      literal += pattern[i + 1];
      source += `\\${pattern[++i]}`;
    } else if (ch === '*' || ch === '?') {
      wild = true;
      source += ch === '*' ? '[\\s\\S]*' : '[\\s\\S]';
    } else {
      literal += ch;
      source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  if (!wild) {
    if (!caseInsensitive) return (s) => s === literal;
    const lower = literal.toLowerCase();
    return (s) => s.length === lower.length && s.toLowerCase() === lower;
  }
  const re = new RegExp(`^${source}$`, caseInsensitive ? 'i' : '');
  return (s) => re.test(s);
}

function cidrList(values: readonly string[]): BlockList {
  const list = new BlockList();
  for (const value of values) {
    const [network, bits] = value.split('/');
    if (!network) continue;
    const type = isIPv6(network) ? 'ipv6' : 'ipv4';
    const prefix = bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits);
    try {
      list.addSubnet(network, prefix, type);
    } catch {
      // A malformed block matches nothing rather than failing the whole apply().
    }
  }
  return list;
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

function parseQuery(raw: string): [string, string][] {
  if (raw === '') return [];
  return raw.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
  });
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
