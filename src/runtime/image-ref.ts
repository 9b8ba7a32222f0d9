/**
 * Splits an image reference into repository and tag or digest, as registries and the Docker
 * `fromImage`/`tag` parameters want them. A reference with neither means the `latest` tag.
 */
export function parseImageRef(ref: string): { fromImage: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  // A colon before the last slash is a registry port (127.0.0.1:5000/app), not a tag.
  if (colon > ref.lastIndexOf('/')) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}

/** 'busybox' → 'busybox:latest'; digests and explicit tags unchanged. */
export function normalizeImageRef(ref: string): string {
  const { fromImage, tag } = parseImageRef(ref);
  return tag.includes(':') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
}
