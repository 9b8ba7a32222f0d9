import { validation } from './errors.js';

/**
 * Load balancer and target group names: at most 32 characters, alphanumerics and hyphens, not
 * beginning or ending with a hyphen; load balancer names may not begin with `internal-` (it would
 * collide with internal DNS names). Texts as AWS gives them.
 */
export function validateLoadBalancerName(name: string): string {
  return validateName(name, 'Load balancer name', true);
}

export function validateTargetGroupName(name: string): string {
  return validateName(name, 'Target group name', false);
}

function validateName(name: string, what: string, isLoadBalancer: boolean): string {
  if (name.length === 0) throw validation(`${what} cannot be empty`);
  if (name.length > 32) throw validation(`${what} '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw validation(`${what} '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  if (name.startsWith('-') || name.endsWith('-')) throw validation(`${what} '${name}' cannot begin or end with '-'`);
  if (isLoadBalancer && name.toLowerCase().startsWith('internal-')) throw validation(`${what} '${name}' cannot begin with 'internal-'`);
  return name;
}
