import { validation } from './errors.js';

/** Checks one attribute value; returns the text of the problem, or undefined when it is fine. */
export type AttributeRule = (value: string) => string | undefined;

export const bool: AttributeRule = (v) => (v === 'true' || v === 'false' ? undefined : 'must be one of [true, false]');
export const text: AttributeRule = () => undefined;
export const int = (min: number, max: number): AttributeRule => (v) =>
  /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be between '${min}-${max}' inclusive`;
export const oneOf = (...allowed: string[]): AttributeRule => (v) => (allowed.includes(v) ? undefined : `must be one of [${allowed.join(', ')}]`);

/**
 * Applies Key/Value changes to an attribute set: every key must be one the resource knows and
 * every value must pass its rule, or nothing changes.
 */
export function applyAttributes(
  what: 'Load balancer' | 'Target group' | 'Listener',
  rules: Record<string, AttributeRule>,
  current: Record<string, string>,
  changes: readonly { Key?: string | undefined; Value?: string | undefined }[],
): Record<string, string> {
  const next = { ...current };
  for (const { Key: key, Value: value = '' } of changes) {
    if (key === undefined) throw validation('An attribute key must be specified');
    const rule = rules[key];
    if (!rule) throw validation(`${what} attribute key '${key}' is not recognized`);
    const problem = rule(value);
    if (problem) throw validation(`'${key}' value '${value}' ${problem}`);
    next[key] = value;
  }
  return next;
}
