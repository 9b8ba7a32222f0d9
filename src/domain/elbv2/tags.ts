import type { Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import { duplicateTagKeys, tooManyTags, validation } from './errors.js';

/** ELBv2 allows 50 tags per resource; keys 1–128 characters, values up to 256, `aws:` reserved. */
export const MAX_TAGS = 50;

export function validateTags(tags: readonly Tag[] | undefined): { key: string; value: string }[] {
  if (!tags) return [];
  if (tags.length > MAX_TAGS) throw tooManyTags();
  const seen = new Set<string>();
  return tags.map((t) => {
    const key = t.Key ?? '';
    if (key.length < 1 || key.length > 128) throw validation(`1 validation error detected: Value '${key}' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128`);
    if (key.toLowerCase().startsWith('aws:')) throw validation("Tag keys starting with 'aws:' are reserved for internal use");
    if (seen.has(key)) throw duplicateTagKeys(key);
    seen.add(key);
    const value = t.Value ?? '';
    if (value.length > 256) throw validation(`1 validation error detected: Value '${value.slice(0, 32)}…' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
    return { key, value };
  });
}
