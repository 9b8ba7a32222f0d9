import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scope } from '../domain/arn.js';
import { isServiceError } from '../kit/errors.js';
import { cancelUpload, getBlob, patchUpload, putUpload, startUpload, uploadStatus } from './blob-handlers.js';
import { listCatalog, listTags } from './listing-handlers.js';
import { deleteManifest, getManifest, putManifest } from './manifest-handlers.js';
import { RegistryError, sendRegistryError } from './oci-errors.js';
import { type RegistryDeps, type RegistryExchange, reply } from './registry-context.js';
import { parseRegistryPath, type RegistryRoute } from './registry-routes.js';

/**
 * The registry on /v2/ (OCI distribution), as ECR serves it: Basic credentials `AWS:<token>` from
 * GetAuthorizationToken on every request, repositories only those CreateRepository made, and
 * errors in the registry's `{"errors":[…]}` shape. Bodies are streamed, never buffered whole.
 */
export function createRegistryHandler(deps: RegistryDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const head = req.method === 'HEAD';
    try {
      // The path as sent: a URL parser would resolve `..` and hide a hostile name.
      const [path = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s);
      const scope = authenticate(deps, req);
      const route = parseRegistryPath(path);
      if (!route) throw new RegistryError('UNSUPPORTED', `no registry resource at ${path.slice(0, 200)}`, null, 404);
      await dispatch(deps, { req, res, scope, query: new URLSearchParams(query) }, route, head);
    } catch (error) {
      if (!(error instanceof RegistryError)) {
        // The client went away mid-body: there is nobody to answer.
        if (req.destroyed || res.destroyed || isAbort(error)) return void res.destroy();
        throw error;
      }
      if (!req.readableEnded) req.resume();
      if (res.headersSent) return void res.destroy();
      const challenge: Record<string, string> = error.code === 'UNAUTHORIZED' ? { 'www-authenticate': `Basic realm="http://${deps.registryHost()}/",service="ecr.amazonaws.com"` } : {};
      sendRegistryError(res, error, head, challenge);
    }
  };
}

/** The registry (account and region) a request's Basic credentials open, or UNAUTHORIZED / DENIED. */
function authenticate(deps: RegistryDeps, req: IncomingMessage): Scope {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(0, colon) !== 'AWS') throw new RegistryError('UNAUTHORIZED', 'authentication required');
  const check = deps.tokens.check(decoded.slice(colon + 1));
  if (check.ok) return { region: check.region, accountId: deps.accountId };
  // ECR's answer to an expired token (as docker reports it).
  if (check.reason === 'expired') throw new RegistryError('DENIED', 'Your authorization token has expired. Reauthenticate and try again.');
  throw new RegistryError('UNAUTHORIZED', 'authentication required');
}

async function dispatch(deps: RegistryDeps, x: RegistryExchange, route: RegistryRoute, head: boolean): Promise<void> {
  const method = x.req.method ?? 'GET';
  const reading = method === 'GET' || method === 'HEAD';
  if (route.kind === 'base') {
    if (!reading) throw notAllowed(method);
    return reply(x.res, 200, { 'content-type': 'application/json' }, head ? undefined : '{}');
  }
  if (route.kind === 'catalog') {
    if (method !== 'GET') throw notAllowed(method);
    return listCatalog(deps, x);
  }
  try {
    await deps.repositories.require(x.scope, route.name);
  } catch (error) {
    if (isServiceError(error) && error.code === 'RepositoryNotFoundException') throw new RegistryError('NAME_UNKNOWN', error.message, { name: route.name });
    throw error;
  }
  switch (route.kind) {
    case 'tags':
      if (method !== 'GET') throw notAllowed(method);
      return listTags(deps, x, route.name);
    case 'manifest':
      if (reading) return getManifest(deps, x, route.name, route.reference, head);
      if (method === 'PUT') return putManifest(deps, x, route.name, route.reference);
      if (method === 'DELETE') return deleteManifest(deps, x, route.name, route.reference);
      throw notAllowed(method);
    case 'blob':
      if (reading) return getBlob(deps, x, route.name, route.digest, head);
      // ECR keeps blobs for as long as an image needs them; clients cannot delete them.
      throw notAllowed(method);
    case 'uploads':
      if (method === 'POST') return startUpload(deps, x, route.name);
      throw notAllowed(method);
    case 'upload':
      if (method === 'PATCH') return patchUpload(deps, x, route.name, route.id);
      if (method === 'PUT') return putUpload(deps, x, route.name, route.id);
      if (method === 'GET') return uploadStatus(deps, x, route.name, route.id);
      if (method === 'DELETE') return cancelUpload(deps, x, route.name, route.id);
      throw notAllowed(method);
  }
}

const notAllowed = (method: string) => new RegistryError('UNSUPPORTED', `The operation is unsupported: ${method.slice(0, 16)}`);

const isAbort = (error: unknown) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'ABORT_ERR';
};
