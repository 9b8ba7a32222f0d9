import { RegistryError } from './oci-errors.js';
import { type RegistryDeps, type RegistryExchange, reply } from './registry-context.js';

const MAX_PAGE = 1000;

/** GET …/tags/list?n=&last=: tags in lexical order, with a Link to the next page when there is one. */
export async function listTags(deps: RegistryDeps, x: RegistryExchange, name: string): Promise<void> {
  const { n, last } = pagination(x.query);
  const tags = n === 0 ? [] : await deps.stores.ecrImages.listTags(x.scope.region, name, last, n + 1);
  const page = tags.slice(0, n);
  const link = tags.length > n ? nextLink(`/v2/${name}/tags/list`, n, page[page.length - 1]!) : {};
  reply(x.res, 200, { 'content-type': 'application/json', ...link }, JSON.stringify({ name, tags: page }));
}

/** GET /v2/_catalog?n=&last=: the repositories of this registry (account and region). */
export async function listCatalog(deps: RegistryDeps, x: RegistryExchange): Promise<void> {
  const { n, last } = pagination(x.query);
  const rows = n === 0 ? [] : await deps.stores.ecrRepositories.list(x.scope.region, last, n + 1);
  const page = rows.slice(0, n).map((r) => r.name);
  const link = rows.length > n ? nextLink('/v2/_catalog', n, page[page.length - 1]!) : {};
  reply(x.res, 200, { 'content-type': 'application/json', ...link }, JSON.stringify({ repositories: page }));
}

function pagination(query: URLSearchParams): { n: number; last: string | undefined } {
  const raw = query.get('n');
  const n = raw === null || raw === '' ? MAX_PAGE : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new RegistryError('UNSUPPORTED', `invalid page size n=${raw?.slice(0, 20)}`, null, 400);
  return { n: Math.min(n, MAX_PAGE), last: query.get('last') ?? undefined };
}

const nextLink = (path: string, n: number, last: string) =>
  ({ link: `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"` });
