/**
 * ALB listener actions compiled for the request path: forward (one or weighted target groups,
 * optional target-group stickiness), fixed-response and redirect. Target groups are resolved to
 * their pools here, once per apply(), not per request.
 */
import { createHash } from 'node:crypto';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RequestView } from './rule-matcher.js';
import type { TargetPool } from './target-pool.js';

export interface WeightedGroup {
  /** Undefined when the ARN names no known target group: such a forward answers 503. */
  pool: TargetPool | undefined;
  weight: number;
  /** The AWSALBTG cookie value for this group. */
  token: string;
}

export type CompiledAction =
  | { kind: 'forward'; groups: WeightedGroup[]; totalWeight: number; groupStickyMs: number }
  | { kind: 'fixed'; status: number; contentType: string | undefined; body: Buffer }
  | { kind: 'redirect'; status: 301 | 302; location: (view: RequestView, listenerPort: number) => string };

const TERMINAL = new Set(['forward', 'fixed-response', 'redirect']);

/** The target-group ARNs a list of actions forwards to (what makes a group "in use"). */
export function forwardedGroups(actions: readonly Action[]): string[] {
  return actions.flatMap((a) => (a.Type === 'forward' ? groupTuples(a).map((g) => g.arn) : []));
}

/** The rule's terminal action (the last by Order); authenticate-* steps before it are not supported and skipped. */
export function compileActions(actions: readonly Action[], pools: ReadonlyMap<string, TargetPool>): CompiledAction {
  const terminal = [...actions].filter((a) => TERMINAL.has(a.Type ?? '')).sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0)).at(-1);
  if (terminal?.Type === 'forward') {
    const groups = groupTuples(terminal).map((g) => ({ pool: pools.get(g.arn), weight: g.weight, token: groupToken(g.arn) }));
    const sticky = terminal.ForwardConfig?.TargetGroupStickinessConfig;
    return {
      kind: 'forward',
      groups,
      totalWeight: groups.reduce((sum, g) => sum + g.weight, 0),
      groupStickyMs: sticky?.Enabled && groups.length > 1 ? (sticky.DurationSeconds ?? 3600) * 1000 : 0,
    };
  }
  if (terminal?.Type === 'fixed-response') {
    const c = terminal.FixedResponseConfig;
    return { kind: 'fixed', status: Number(c?.StatusCode ?? 503), contentType: c?.ContentType, body: Buffer.from(c?.MessageBody ?? '') };
  }
  if (terminal?.Type === 'redirect') {
    const c = terminal.RedirectConfig;
    return { kind: 'redirect', status: c?.StatusCode === 'HTTP_301' ? 301 : 302, location: redirectBuilder(c ?? {}) };
  }
  return { kind: 'fixed', status: 503, contentType: 'text/plain', body: Buffer.from('No terminal action is configured') };
}

/** Picks a group by weight; `random` is in [0, 1). Zero-weight groups never win. */
export function pickGroup(groups: readonly WeightedGroup[], totalWeight: number, random: () => number): WeightedGroup | undefined {
  if (groups.length === 1) return groups[0];
  if (totalWeight <= 0) return undefined;
  let r = random() * totalWeight;
  for (const group of groups) {
    r -= group.weight;
    if (r < 0) return group;
  }
  for (let i = groups.length - 1; i >= 0; i--) if (groups[i]!.weight > 0) return groups[i];
  return undefined; // not reached: some weight is positive
}

function groupTuples(action: Action): { arn: string; weight: number }[] {
  const tuples = action.ForwardConfig?.TargetGroups;
  if (tuples && tuples.length > 0) {
    return tuples.filter((t) => t.TargetGroupArn).map((t) => ({ arn: t.TargetGroupArn!, weight: t.Weight ?? 1 }));
  }
  return action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

function groupToken(arn: string): string {
  return createHash('sha256').update(arn).digest('base64url').slice(0, 16);
}

type RedirectParts = { Protocol?: string | undefined; Host?: string | undefined; Port?: string | undefined; Path?: string | undefined; Query?: string | undefined };

/** `#{protocol}`, `#{host}`, `#{port}`, `#{path}` (without its leading "/") and `#{query}` are the request's own. */
function redirectBuilder(c: RedirectParts): (view: RequestView, listenerPort: number) => string {
  const protocol = c.Protocol ?? '#{protocol}';
  const host = c.Host ?? '#{host}';
  const port = c.Port ?? '#{port}';
  const path = c.Path ?? '/#{path}';
  const query = c.Query ?? '#{query}';
  return (view, listenerPort) => {
    const fill = (template: string) => template.replace(/#\{(protocol|host|port|path|query)\}/g, (_, key: string) => {
      switch (key) {
        case 'protocol': return 'HTTP';
        case 'host': return view.host;
        case 'port': return String(listenerPort);
        case 'path': return view.path.slice(1);
        default: return view.rawQuery;
      }
    });
    const scheme = fill(protocol).toLowerCase();
    const p = fill(port);
    const defaultPort = (scheme === 'http' && p === '80') || (scheme === 'https' && p === '443');
    const q = fill(query);
    return `${scheme}://${fill(host)}${defaultPort ? '' : `:${p}`}${fill(path)}${q ? `?${q}` : ''}`;
  };
}
