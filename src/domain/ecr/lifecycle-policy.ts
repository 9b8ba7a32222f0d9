import { invalidParameter } from './errors.js';

/**
 * ECR lifecycle policies: validation with ECR's texts (as moto copies them) and evaluation.
 * Evaluation follows ECR's documented rules: rules apply by ascending rulePriority; an image is
 * expired by at most one rule, and an image a rule's selection matches is out of reach of every
 * rule of lower priority; `imageCountMoreThan` keeps the youngest N by push time;
 * `sinceImagePushed` expires what was pushed more than N days ago. For tag lists, an image matches
 * when every listed prefix or pattern matches one of its tags.
 */
export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

export interface LifecycleImage {
  digest: string;
  tags: readonly string[];
  pushedAt: number;
}

const FAILURE = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";
const fail = (why: string) => invalidParameter(`${FAILURE}${why}'`);
const DAY_MS = 24 * 60 * 60 * 1000;

export function parseLifecyclePolicy(text: string): LifecycleRule[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw fail('Could not map policyString into LifecyclePolicy.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw fail('Could not map policyString into LifecyclePolicy.');
  const rules = (doc as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) throw fail('object has missing required properties (["rules"])');
  const checked = rules.map(checkRule);
  const priorities = new Set(checked.map((r) => r.rulePriority));
  if (priorities.size !== checked.length) throw fail('The rulePriority of each rule must be unique');
  const ordered = [...checked].sort((a, b) => a.rulePriority - b.rulePriority);
  const anyIndex = ordered.findIndex((r) => r.selection.tagStatus === 'any');
  if (anyIndex >= 0 && anyIndex !== ordered.length - 1) throw fail('The rule with tagStatus any must have the highest rulePriority');
  if (ordered.filter((r) => r.selection.tagStatus === 'untagged').length > 1) throw fail('Only one rule may select untagged images');
  return ordered;
}

function checkRule(rule: unknown): LifecycleRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw fail('instance type does not match any allowed primitive type (allowed: ["object"])');
  const r = rule as Record<string, unknown>;
  requireProps(r, ['action', 'rulePriority', 'selection'], ['description']);
  if (!Number.isInteger(r.rulePriority) || (r.rulePriority as number) < 1) throw fail(`numeric instance is lower than the required minimum (minimum: 1, found: ${String(r.rulePriority)})`);
  const action = r.action as Record<string, unknown>;
  requireProps(action, ['type'], []);
  if (action.type !== 'expire') throw fail(`instance value (${String(action.type)}) not found in enum :(possible values: ["expire"])`);
  const s = r.selection as Record<string, unknown>;
  requireProps(s, ['countNumber', 'countType', 'tagStatus'], ['countUnit', 'tagPatternList', 'tagPrefixList']);
  if (!['tagged', 'untagged', 'any'].includes(s.tagStatus as string)) throw fail(`instance value (${String(s.tagStatus)}) not found in enum :(possible values: ["any","tagged","untagged"])`);
  if (!['imageCountMoreThan', 'sinceImagePushed'].includes(s.countType as string)) throw fail('instance failed to match exactly one schema (matched 0 out of 2)');
  if (!Number.isInteger(s.countNumber) || (s.countNumber as number) < 1) throw fail(`numeric instance is lower than the required minimum (minimum: 1, found: ${String(s.countNumber)})`);
  if (s.countType === 'sinceImagePushed' && s.countUnit !== 'days') throw fail('countUnit days is required with countType sinceImagePushed');
  if (s.countType === 'imageCountMoreThan' && s.countUnit !== undefined) throw fail('countUnit is not allowed with countType imageCountMoreThan');
  for (const list of ['tagPrefixList', 'tagPatternList'] as const) {
    const value = s[list];
    if (value !== undefined && (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.length > 0))) throw fail(`${list} must be a non-empty list of strings`);
    if (value !== undefined && s.tagStatus !== 'tagged') throw fail(`${list} can only be used with tagStatus tagged`);
  }
  if (s.tagStatus === 'tagged' && s.tagPrefixList === undefined && s.tagPatternList === undefined) throw fail('tagPrefixList or tagPatternList is required with tagStatus tagged');
  if (Array.isArray(s.tagPatternList) && s.tagPatternList.some((p: string) => p.split('*').length > 5)) throw fail('a tagPatternList entry may hold at most 4 wildcards');
  return rule as LifecycleRule;
}

function requireProps(o: Record<string, unknown> | undefined, required: string[], optional: string[]): void {
  if (typeof o !== 'object' || o === null) throw fail(`object has missing required properties (${JSON.stringify(required)})`);
  const missing = required.filter((k) => !(k in o));
  if (missing.length > 0) throw fail(`object has missing required properties (${JSON.stringify(missing)})`);
  const extra = Object.keys(o).find((k) => !required.includes(k) && !optional.includes(k));
  if (extra) throw fail(`object instance has properties which are not allowed by the schema: (["${extra}"])`);
}

/** The digests the rules expire now, each with the priority of the rule that expires it. */
export function evaluateLifecycle(rules: readonly LifecycleRule[], images: readonly LifecycleImage[], now: number): Map<string, number> {
  const expired = new Map<string, number>();
  const claimed = new Set<string>();
  for (const rule of rules) {
    const selected = images.filter((i) => !claimed.has(i.digest) && selects(rule, i));
    for (const image of selected) claimed.add(image.digest);
    const { countType, countNumber } = rule.selection;
    const doomed = countType === 'imageCountMoreThan'
      ? [...selected].sort((a, b) => b.pushedAt - a.pushedAt || (a.digest < b.digest ? -1 : 1)).slice(countNumber)
      : selected.filter((i) => i.pushedAt < now - countNumber * DAY_MS);
    for (const image of doomed) expired.set(image.digest, rule.rulePriority);
  }
  return expired;
}

function selects(rule: LifecycleRule, image: LifecycleImage): boolean {
  const { tagStatus, tagPrefixList, tagPatternList } = rule.selection;
  if (tagStatus === 'untagged') return image.tags.length === 0;
  if (tagStatus === 'any') return true;
  if (image.tags.length === 0) return false;
  const prefixes = (tagPrefixList ?? []).every((p) => image.tags.some((t) => t.startsWith(p)));
  const patterns = (tagPatternList ?? []).every((p) => image.tags.some((t) => wildcard(p).test(t)));
  return prefixes && patterns;
}

const wildcard = (pattern: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
