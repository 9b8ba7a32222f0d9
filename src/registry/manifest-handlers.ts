import type { IncomingMessage } from 'node:http';
import { isSha256Digest, isTag, looksLikeDigest } from '../domain/ecr/names.js';
import { isServiceError } from '../kit/errors.js';
import { RegistryError } from './oci-errors.js';
import { type RegistryDeps, type RegistryExchange, reply } from './registry-context.js';

/** Manifests past this size are refused (distribution's and ECR's limit is 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** GET/HEAD a manifest by tag or digest, with the media type it was pushed with. */
export async function getManifest(deps: RegistryDeps, x: RegistryExchange, name: string, reference: string, head: boolean): Promise<void> {
  const image = isReference(reference) ? await deps.images.resolve(x.scope, name, reference) : undefined;
  if (!image) throw new RegistryError('MANIFEST_UNKNOWN', 'manifest unknown', { name, reference: reference.slice(0, 200) });
  const body = Buffer.from(image.manifest, 'utf8');
  const headers = { 'content-type': image.mediaType, 'docker-content-digest': image.digest, etag: `"${image.digest}"` };
  if (head) return reply(x.res, 200, { ...headers, 'content-length': String(body.length) });
  await deps.images.markPulled(image);
  reply(x.res, 200, headers, body);
}

/** PUT a manifest under a tag or its digest; every blob and child it names must be in the repository. */
export async function putManifest(deps: RegistryDeps, x: RegistryExchange, name: string, reference: string): Promise<void> {
  const byDigest = looksLikeDigest(reference);
  if (!byDigest && !isTag(reference)) {
    x.req.resume();
    throw new RegistryError('TAG_INVALID', 'manifest tag did not match URI', { tag: reference.slice(0, 200) });
  }
  if (byDigest && !isSha256Digest(reference)) {
    x.req.resume();
    throw new RegistryError('DIGEST_INVALID', 'only sha256 digests are supported', { digest: reference.slice(0, 200) });
  }
  const bytes = await readManifest(x.req);
  const contentType = x.req.headers['content-type'];
  try {
    const { record } = await deps.push.push(x.scope, {
      repositoryName: name,
      bytes,
      mediaType: contentType,
      ...(byDigest ? { digest: reference } : { tag: reference }),
      refuseSameTag: false,
    });
    reply(x.res, 201, { location: `/v2/${name}/manifests/${record.digest}`, 'docker-content-digest': record.digest });
  } catch (error) {
    throw asRegistryError(error, name, reference);
  }
}

/** DELETE by digest removes the image; by tag, the tag (and the image with its last tag, as ECR does). */
export async function deleteManifest(deps: RegistryDeps, x: RegistryExchange, name: string, reference: string): Promise<void> {
  const outcome = isReference(reference) ? await deps.images.deleteReference(x.scope, name, reference) : 'unknown';
  if (outcome === 'unknown') throw new RegistryError('MANIFEST_UNKNOWN', 'manifest unknown', { name, reference: reference.slice(0, 200) });
  // guess: the code ECR gives for deleting an image a manifest list still names.
  if (outcome === 'referenced') throw new RegistryError('DENIED', 'the image is referenced by a manifest list in the repository', { reference });
  reply(x.res, 202, {});
}

const isReference = (reference: string) => isSha256Digest(reference) || isTag(reference);

function readManifest(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_MANIFEST_BYTES) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_MANIFEST_BYTES) reject(new RegistryError('MANIFEST_INVALID', `manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, { size }));
      else resolve(Buffer.concat(chunks, size));
    });
  });
}

/** The ECR outcome of a manifest push, said in the registry's codes. */
function asRegistryError(error: unknown, name: string, reference: string): unknown {
  if (!isServiceError(error)) return error;
  switch (error.code) {
    case 'RepositoryNotFoundException': return new RegistryError('NAME_UNKNOWN', error.message, { name });
    case 'LayersNotFoundException':
    case 'ReferencedImagesNotFoundException': return new RegistryError('MANIFEST_BLOB_UNKNOWN', error.message, { reference });
    case 'ImageTagAlreadyExistsException': return new RegistryError('TAG_INVALID', error.message, { tag: reference });
    case 'ImageDigestDoesNotMatchException': return new RegistryError('DIGEST_INVALID', error.message, { digest: reference });
    default: return new RegistryError('MANIFEST_INVALID', error.message, null);
  }
}
