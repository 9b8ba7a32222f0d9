import { validation } from './errors.js';

/**
 * ELBv2's Marker/PageSize paging over items in a stable order: the marker carries the key of the
 * last item returned, so a page stays right when items are added or removed between calls.
 */
export function pageOf<T>(items: readonly T[], keyOf: (item: T) => string, marker: string | undefined, pageSize: number | undefined, max = 400): { items: T[]; NextMarker?: string } {
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > max)) {
    throw validation(`1 validation error detected: Value '${pageSize}' at 'pageSize' failed to satisfy constraint: Member must have value ${pageSize < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`}`);
  }
  let start = 0;
  if (marker !== undefined) {
    const after = decodeMarker(marker);
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const size = pageSize ?? max;
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return more ? { items: page, NextMarker: Buffer.from(keyOf(page.at(-1)!)).toString('base64url') } : { items: page };
}

function decodeMarker(marker: string): string {
  const key = Buffer.from(marker, 'base64url').toString('utf8');
  if (!key || Buffer.from(key).toString('base64url') !== marker) throw validation('Invalid Marker');
  return key;
}
