import type { Tag } from '@aws-sdk/client-ecs';
import { ServiceError } from '../../kit/errors.js';

/** ECS tag rules: ≤50 user tags per resource, keys 1–128 and values 0–256 characters, `aws:` reserved. */
export const MAX_TAGS_PER_RESOURCE = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface ValidTag {
  key: string;
  value: string;
}

export function validateTags(tags: readonly Tag[] | undefined): ValidTag[] {
  if (!tags) return [];
  if (tags.length > MAX_TAGS_PER_RESOURCE) {
    throw new ServiceError('InvalidParameterException', `Too many tags: a resource can have at most ${MAX_TAGS_PER_RESOURCE} tags.`);
  }
  return tags.map((tag) => ({ key: validateTagKey(tag.key), value: validateTagValue(tag.value ?? '') }));
}

export function validateTagKey(key: string | undefined): string {
  if (key === undefined || key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) {
    throw new ServiceError('InvalidParameterException', `Invalid tag key: ${String(key)}. Tag keys must be 1-128 characters of letters, numbers, spaces and _.:/=+-@.`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw new ServiceError('InvalidParameterException', 'Tag keys beginning with aws: are reserved for AWS use.');
  }
  return key;
}

function validateTagValue(value: string): string {
  if (value.length > 256 || !TAG_CHARS.test(value)) {
    throw new ServiceError('InvalidParameterException', `Invalid tag value for ${value.slice(0, 32)}: tag values must be 0-256 characters of letters, numbers, spaces and _.:/=+-@.`);
  }
  return value;
}
