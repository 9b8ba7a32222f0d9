import { isRepositoryName } from '../domain/ecr/names.js';
import { RegistryError } from './oci-errors.js';

/** What a /v2/ path asks for. Repository names may hold `/`, so the kind is read from the end. */
export type RegistryRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string };

const ROUTES: [RegExp, (name: string, last: string) => RegistryRoute][] = [
  [/^\/v2\/(.+)\/tags\/list$/, (name) => ({ kind: 'tags', name })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (name, reference) => ({ kind: 'manifest', name, reference })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (name) => ({ kind: 'uploads', name })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (name, id) => ({ kind: 'upload', name, id })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (name, digest) => ({ kind: 'blob', name, digest })],
];

/**
 * The route of a /v2/ path (without its query), or undefined when nothing lives there. A name
 * that is not a valid repository name (`..`, an empty or absolute component, upper case, escapes)
 * is NAME_INVALID: names never reach the filesystem, but they are refused before anything else.
 */
export function parseRegistryPath(path: string): RegistryRoute | undefined {
  if (path === '/v2/' || path === '/v2') return { kind: 'base' };
  if (path === '/v2/_catalog') return { kind: 'catalog' };
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new RegistryError('NAME_INVALID', 'paths with . or .. segments name no repository', null);
  }
  for (const [pattern, make] of ROUTES) {
    const m = pattern.exec(path);
    if (!m) continue;
    const name = m[1]!;
    if (!isRepositoryName(name)) throw new RegistryError('NAME_INVALID', `invalid repository name: ${name.slice(0, 300)}`, { name: name.slice(0, 300) });
    return make(name, m[2] ?? '');
  }
  return undefined;
}
