import type { ImageTagMutability, ImageTagMutabilityExclusionFilter } from '@aws-sdk/client-ecr';
import { invalidMember, invalidParameter } from './errors.js';

const SETTINGS: readonly string[] = ['MUTABLE', 'IMMUTABLE', 'MUTABLE_WITH_EXCLUSION', 'IMMUTABLE_WITH_EXCLUSION'];
/** ECR allows at most 5 exclusion filters, each of letters, digits and `._-*` (at most 2 wildcards). */
const MAX_FILTERS = 5;
const FILTER = /^[A-Za-z0-9._*-]{1,128}$/;

export interface TagMutability {
  imageTagMutability: ImageTagMutability;
  imageTagMutabilityExclusionFilters?: ImageTagMutabilityExclusionFilter[];
}

/**
 * Checks a mutability setting: the *_WITH_EXCLUSION settings need filters and the plain ones take
 * none (ECR's rule; the texts are guesses).
 */
export function validateTagMutability(setting: string | undefined, filters: readonly ImageTagMutabilityExclusionFilter[] | undefined): TagMutability {
  const mutability = (setting ?? 'MUTABLE') as ImageTagMutability;
  if (!SETTINGS.includes(mutability)) {
    throw invalidMember('imageTagMutability', `Member must satisfy enum value set: [${SETTINGS.join(', ')}]`);
  }
  const withExclusion = mutability.endsWith('_WITH_EXCLUSION');
  const list = filters ?? [];
  if (withExclusion && list.length === 0) {
    throw invalidParameter(`imageTagMutabilityExclusionFilters must be provided when imageTagMutability is ${mutability}`);
  }
  if (!withExclusion && list.length > 0) {
    throw invalidParameter(`imageTagMutabilityExclusionFilters can only be provided when imageTagMutability is MUTABLE_WITH_EXCLUSION or IMMUTABLE_WITH_EXCLUSION`);
  }
  if (list.length > MAX_FILTERS) throw invalidMember('imageTagMutabilityExclusionFilters', `Member must have length less than or equal to ${MAX_FILTERS}`);
  for (const f of list) {
    if (f.filterType !== 'WILDCARD') throw invalidMember('imageTagMutabilityExclusionFilters.filterType', 'Member must satisfy enum value set: [WILDCARD]');
    if (!f.filter || !FILTER.test(f.filter) || f.filter.split('*').length > 3) {
      throw invalidMember('imageTagMutabilityExclusionFilters.filter', 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}');
    }
  }
  return withExclusion ? { imageTagMutability: mutability, imageTagMutabilityExclusionFilters: list.map((f) => ({ filterType: f.filterType, filter: f.filter })) } : { imageTagMutability: mutability };
}

/** Whether an existing `tag` may not be moved to another image under this setting. */
export function isTagImmutable(setting: TagMutability, tag: string): boolean {
  const excluded = (setting.imageTagMutabilityExclusionFilters ?? []).some((f) => wildcard(f.filter ?? '').test(tag));
  switch (setting.imageTagMutability) {
    case 'IMMUTABLE': return true;
    case 'IMMUTABLE_WITH_EXCLUSION': return !excluded;
    case 'MUTABLE_WITH_EXCLUSION': return excluded;
    default: return false;
  }
}

const wildcard = (filter: string) => new RegExp(`^${filter.split('*').map((p) => p.replace(/[.]/g, '\\.')).join('.*')}$`);
