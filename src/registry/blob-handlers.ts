import { pipeline } from 'node:stream/promises';
import { digestProblem, isRepositoryName, isSha256Digest } from '../domain/ecr/names.js';
import { DigestMismatchError } from './blob-files.js';
import { RegistryError } from './oci-errors.js';
import { type RegistryDeps, type RegistryExchange, reply, uploadRange } from './registry-context.js';

/** The digest a client named, or DIGEST_INVALID; Berth stores sha256 only, so others are unsupported. */
export function requireDigest(value: string | null): string {
  const problem = value === null ? 'invalid' : digestProblem(value);
  if (problem === 'invalid') throw new RegistryError('DIGEST_INVALID', 'provided digest is not a valid digest', { digest: value?.slice(0, 200) ?? null });
  if (problem === 'unsupported') throw new RegistryError('DIGEST_INVALID', 'only sha256 digests are supported', { digest: value!.slice(0, 200) });
  return value!;
}

/** HEAD and GET of a blob the repository holds, whole or a byte range. */
export async function getBlob(deps: RegistryDeps, x: RegistryExchange, name: string, digestRef: string, head: boolean): Promise<void> {
  const unknown = () => new RegistryError('BLOB_UNKNOWN', 'blob unknown to registry', { digest: digestRef.slice(0, 200) });
  const problem = digestProblem(digestRef);
  if (problem === 'invalid') throw new RegistryError('DIGEST_INVALID', 'provided digest is not a valid digest', { digest: digestRef.slice(0, 200) });
  if (problem === 'unsupported') throw unknown();
  // docker HEADs a layer and, finding it, names it in the manifest without uploading it: keep the
  // link young meanwhile, so garbage collection does not take it in between. Before the read, so
  // a link collected first reads as unknown.
  if (head) await deps.stores.registryBlobs.touchLink(x.scope.region, name, digestRef, deps.clock.now());
  const linked = await deps.stores.registryBlobs.linked(x.scope.region, name, digestRef);
  const size = linked && await deps.files.sizeOf(digestRef);
  if (size === undefined) throw unknown();
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'docker-content-digest': digestRef,
    'accept-ranges': 'bytes',
    etag: `"${digestRef}"`,
    'cache-control': 'max-age=31536000',
  };
  const range = parseRange(x.req.headers.range, size);
  if (range === 'unsatisfiable') {
    return reply(x.res, 416, { ...headers, 'content-range': `bytes */${size}` });
  }
  const status = range ? 206 : 200;
  const length = range ? range.end - range.start + 1 : size;
  x.res.writeHead(status, {
    'docker-distribution-api-version': 'registry/2.0',
    ...headers,
    'content-length': String(length),
    ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${size}` } : {}),
  });
  if (head || length === 0) return void x.res.end();
  // A client that hangs up mid-download is not an error of ours.
  await pipeline(deps.files.read(digestRef, range ?? undefined), x.res).catch(() => x.res.destroy());
}

/** POST …/blobs/uploads/: a cross-repository mount, a monolithic upload (`?digest=`), or a new session. */
export async function startUpload(deps: RegistryDeps, x: RegistryExchange, name: string): Promise<void> {
  const mount = x.query.get('mount');
  const from = x.query.get('from');
  if (mount !== null && from !== null && isSha256Digest(mount) && isRepositoryName(from)) {
    if (await deps.uploads.mount(x.scope, from, name, mount)) {
      x.req.resume();
      return reply(x.res, 201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount });
    }
  }
  const digestParam = x.query.get('digest');
  const digest = digestParam === null ? undefined : requireDigest(digestParam);
  const upload = await deps.uploads.start(x.scope, name);
  if (digest === undefined) {
    x.req.resume();
    return reply(x.res, 202, { location: uploadLocation(name, upload.id), range: uploadRange(0), 'docker-upload-uuid': upload.id });
  }
  const appended = await deps.uploads.append(upload, x.req).catch(async (error: unknown) => {
    await deps.uploads.cancel(upload);
    throw error;
  });
  await completeUpload(deps, x, name, appended, digest);
}

/** PATCH: one more chunk, at the offset Content-Range names (when it names one). */
export async function patchUpload(deps: RegistryDeps, x: RegistryExchange, name: string, id: string): Promise<void> {
  const upload = await deps.uploads.get(x.scope, name, id);
  const contentRange = x.req.headers['content-range'];
  let startAt: number | undefined;
  if (typeof contentRange === 'string') {
    const m = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(contentRange.trim());
    if (!m) throw new RegistryError('BLOB_UPLOAD_INVALID', `invalid Content-Range ${contentRange.slice(0, 100)}`, null, 416);
    startAt = Number(m[1]);
  }
  const updated = await deps.uploads.append(upload, x.req, startAt);
  reply(x.res, 202, { location: uploadLocation(name, id), range: uploadRange(updated.size), 'docker-upload-uuid': id });
}

/** PUT ?digest=: the last chunk (if any) and the check of the whole blob against the digest. */
export async function putUpload(deps: RegistryDeps, x: RegistryExchange, name: string, id: string): Promise<void> {
  const upload = await deps.uploads.get(x.scope, name, id);
  const digest = requireDigest(x.query.get('digest'));
  const updated = await deps.uploads.append(upload, x.req);
  await completeUpload(deps, x, name, updated, digest);
}

export async function uploadStatus(deps: RegistryDeps, x: RegistryExchange, name: string, id: string): Promise<void> {
  const upload = await deps.uploads.get(x.scope, name, id);
  reply(x.res, 204, { location: uploadLocation(name, id), range: uploadRange(upload.size), 'docker-upload-uuid': id });
}

export async function cancelUpload(deps: RegistryDeps, x: RegistryExchange, name: string, id: string): Promise<void> {
  await deps.uploads.cancel(await deps.uploads.get(x.scope, name, id));
  reply(x.res, 204, {});
}

async function completeUpload(deps: RegistryDeps, x: RegistryExchange, name: string, upload: Parameters<RegistryDeps['uploads']['complete']>[1], digest: string): Promise<void> {
  try {
    await deps.uploads.complete(x.scope, upload, digest);
  } catch (error) {
    if (error instanceof DigestMismatchError) throw new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', { digest, actual: error.actual });
    throw error;
  }
  reply(x.res, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
}

const uploadLocation = (name: string, id: string) => `/v2/${name}/blobs/uploads/${id}`;

/** One `bytes=` range of a blob of `size` bytes; undefined for none (or one we ignore, as RFC 9110 allows). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(size - suffix, 0);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
