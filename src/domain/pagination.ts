import { ServiceError } from '../kit/errors.js';

/**
 * List pagination as ECS does it: `maxResults` bounded per operation, `nextToken` opaque.
 * Tokens carry the last key returned (keyset pagination), so pages stay right while rows change.
 */
export interface PageRequest {
  maxResults?: number | undefined;
  nextToken?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function pageSize(maxResults: number | undefined, max: number, fallback = max): number {
  if (maxResults === undefined) return fallback;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) {
    throw new ServiceError('InvalidParameterException', `maxResults must be between 1 and ${max}.`);
  }
  return maxResults;
}

export function encodeToken(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a token carries; InvalidParameterException for anything we did not issue. */
export function decodeToken(token: string | undefined): (string | number)[] | undefined {
  if (token === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // fall through to the error below
  }
  throw new ServiceError('InvalidParameterException', 'Invalid nextToken.');
}

/** Cuts `rows` (fetched with one extra row) into a page and the token for the next one. */
export function toPage<R, T>(rows: R[], size: number, keyOf: (row: R) => (string | number)[], map: (row: R) => T): Page<T> {
  const items = rows.slice(0, size).map(map);
  const last = rows[size - 1];
  return rows.length > size && last !== undefined ? { items, nextToken: encodeToken(keyOf(last)) } : { items };
}
