/**
 * ECR's name rules, shared by the API and the registry. Repository names are ECR's pattern
 * (lowercase path components joined by `/`, separators `.` `_` `-` only between alphanumerics), which
 * also refuses `..`, empty components and absolute paths. Tags and digests follow the OCI grammar.
 */
export const REPOSITORY_NAME_PATTERN = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${REPOSITORY_NAME_PATTERN}$`);

export const isRepositoryName = (name: string): boolean =>
  name.length >= 2 && name.length <= 256 && REPOSITORY_NAME.test(name);

/** OCI tag grammar, at most 128 characters (ECR's limit too). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const isTag = (tag: string): boolean => TAG.test(tag);

/** The only algorithm Berth stores: sha256, lowercase hex. */
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
export const isSha256Digest = (digest: string): boolean => SHA256_DIGEST.test(digest);

/** The OCI digest grammar, to tell a malformed digest from one in an algorithm we do not support. */
const ANY_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
export const looksLikeDigest = (ref: string): boolean => ANY_DIGEST.test(ref);

/** Why a digest cannot name anything here: malformed (`invalid`), or an algorithm Berth does not store. */
export function digestProblem(ref: string): 'invalid' | 'unsupported' | undefined {
  if (!looksLikeDigest(ref) || (ref.startsWith('sha256:') && !isSha256Digest(ref))) return 'invalid';
  return isSha256Digest(ref) ? undefined : 'unsupported';
}
