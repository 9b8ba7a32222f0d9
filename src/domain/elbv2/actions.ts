import type { Action, ForwardActionConfig } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerType } from './arns.js';
import { invalidAction, notInEnum, outOfRange, validation } from './errors.js';

const TERMINAL = ['forward', 'redirect', 'fixed-response'] as const;
const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

/**
 * A rule's or listener's actions, checked and put in the shape AWS returns them: sorted by Order,
 * one terminal action last; a forward to one target group carries both TargetGroupArn and the
 * ForwardConfig AWS fills in (weight 1, stickiness off). Returns the target groups named, which the
 * caller checks exist and suit the listener.
 */
export function normalizeActions(actions: readonly Action[] | undefined, lbType: LoadBalancerType, member: string): { actions: Action[]; targetGroupArns: string[] } {
  if (!actions || actions.length === 0) throw validation(`At least one action must be specified in '${member}'`);
  const sorted = [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
  const out: Action[] = [];
  const targetGroupArns: string[] = [];
  sorted.forEach((action, i) => {
    const where = `${member}.${i + 1}.member`;
    if (!TERMINAL.includes(action.Type as (typeof TERMINAL)[number])) {
      if (['authenticate-oidc', 'authenticate-cognito', 'jwt-validation'].includes(action.Type ?? '')) {
        // guess: Berth has no identity provider to send users to, so it refuses rather than letting requests through unauthenticated.
        throw invalidAction(`Action type '${action.Type}' is not supported by this load balancer`);
      }
      throw notInEnum(action.Type, `${where}.type`, ['forward', 'authenticate-oidc', 'authenticate-cognito', 'redirect', 'fixed-response', 'jwt-validation']);
    }
    if (i !== sorted.length - 1) throw invalidAction(`The action '${action.Type}' must be the last action`);
    if (action.Order !== undefined && (!Number.isInteger(action.Order) || action.Order < 1 || action.Order > 50000)) throw outOfRange(action.Order, `${where}.order`, 1, 50000);
    if (lbType === 'network' && action.Type !== 'forward') throw invalidAction(`Action type '${action.Type}' is not supported for network load balancers`);
    const base: Action = action.Order === undefined ? { Type: action.Type } : { Type: action.Type, Order: action.Order };
    if (action.Type === 'forward') {
      const forward = forwardConfig(action, where);
      targetGroupArns.push(...forward.TargetGroups!.map((t) => t.TargetGroupArn!));
      const single = forward.TargetGroups!.length === 1 ? { TargetGroupArn: forward.TargetGroups![0]!.TargetGroupArn } : {};
      out.push({ ...base, ...single, ForwardConfig: forward });
    } else if (action.Type === 'fixed-response') {
      out.push({ ...base, FixedResponseConfig: fixedResponse(action) });
    } else {
      out.push({ ...base, RedirectConfig: redirect(action) });
    }
  });
  return { actions: out, targetGroupArns: [...new Set(targetGroupArns)] };
}

function forwardConfig(action: Action, where: string): ForwardActionConfig {
  const groups = action.ForwardConfig?.TargetGroups ?? [];
  if (action.TargetGroupArn && groups.length > 0 && !(groups.length === 1 && groups[0]!.TargetGroupArn === action.TargetGroupArn)) {
    throw validation('You cannot specify both a target group ARN and a forward config with different target groups');
  }
  const tuples = groups.length > 0 ? groups : action.TargetGroupArn ? [{ TargetGroupArn: action.TargetGroupArn }] : [];
  if (tuples.length === 0) throw validation(`A target group ARN must be specified in '${where}'`);
  if (tuples.length > 5) throw validation('You cannot specify more than 5 target groups in a forward action');
  const seen = new Set<string>();
  const TargetGroups = tuples.map((t) => {
    if (!t.TargetGroupArn) throw validation('A target group ARN must be specified');
    if (seen.has(t.TargetGroupArn)) throw validation(`Target group '${t.TargetGroupArn}' is specified more than once in the forward action`);
    seen.add(t.TargetGroupArn);
    const weight = t.Weight ?? 1;
    if (!Number.isInteger(weight) || weight < 0 || weight > 999) throw outOfRange(weight, `${where}.forwardConfig.targetGroups.weight`, 0, 999);
    return { TargetGroupArn: t.TargetGroupArn, Weight: weight };
  });
  const stickiness = action.ForwardConfig?.TargetGroupStickinessConfig;
  const enabled = stickiness?.Enabled ?? false;
  if (enabled && (stickiness?.DurationSeconds === undefined || stickiness.DurationSeconds < 1 || stickiness.DurationSeconds > 604800)) {
    throw validation('Target group stickiness duration must be between 1 and 604800 seconds');
  }
  return { TargetGroups, TargetGroupStickinessConfig: enabled ? { Enabled: true, DurationSeconds: stickiness!.DurationSeconds! } : { Enabled: false } };
}

function fixedResponse(action: Action) {
  const config = action.FixedResponseConfig;
  if (!config?.StatusCode) throw validation('A fixed response status code must be specified');
  if (!/^(2|4|5)\d\d$/.test(config.StatusCode)) {
    throw validation(`1 validation error detected: Value '${config.StatusCode}' at 'actions.member.fixedResponseConfig.statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$`);
  }
  if (config.ContentType !== undefined && !CONTENT_TYPES.includes(config.ContentType)) {
    throw invalidAction(`The ContentType must be one of:${CONTENT_TYPES.map((c) => `'${c}'`).join(', ')}`);
  }
  if (config.MessageBody !== undefined && Buffer.byteLength(config.MessageBody) > 1024) throw validation('The fixed response message body cannot be longer than 1024 characters');
  return { StatusCode: config.StatusCode, ...(config.ContentType ? { ContentType: config.ContentType } : {}), ...(config.MessageBody !== undefined ? { MessageBody: config.MessageBody } : {}) };
}

function redirect(action: Action) {
  const c = action.RedirectConfig;
  if (!c?.StatusCode) throw validation('A redirect status code must be specified');
  if (c.StatusCode !== 'HTTP_301' && c.StatusCode !== 'HTTP_302') throw notInEnum(c.StatusCode, 'actions.member.redirectConfig.statusCode', ['HTTP_301', 'HTTP_302']);
  const out = {
    Protocol: c.Protocol ?? '#{protocol}',
    Port: c.Port ?? '#{port}',
    Host: c.Host ?? '#{host}',
    Path: c.Path ?? '/#{path}',
    Query: c.Query ?? '#{query}',
    StatusCode: c.StatusCode,
  };
  if (!['#{protocol}', 'HTTP', 'HTTPS'].includes(out.Protocol)) throw validation(`Redirect protocol '${out.Protocol}' must be one of [#{protocol}, HTTP, HTTPS]`);
  if (out.Protocol === '#{protocol}' && out.Port === '#{port}' && out.Host === '#{host}' && out.Path === '/#{path}') {
    // guess: AWS's text for a redirect back to the same URL.
    throw invalidAction('The redirect must change at least one of protocol, port, host or path');
  }
  return out;
}
