/**
 * Image manifests as the registry reads them: which media type a manifest is, which blobs (config
 * and layers) or child manifests it references, and the size ECR reports for it. The bytes are
 * never rewritten: the digest is over what the client sent.
 */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

const IMAGE_MANIFESTS: readonly string[] = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest];
const INDEXES: readonly string[] = [MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex];
export const SUPPORTED_MANIFEST_TYPES: readonly string[] = [...IMAGE_MANIFESTS, ...INDEXES];

export const isIndexMediaType = (mediaType: string): boolean => INDEXES.includes(mediaType);

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  urls?: unknown;
}

export interface ParsedManifest {
  mediaType: string;
  /** Blobs the manifest needs in the repository (config and layers); empty for an index. */
  blobs: string[];
  /** Manifests an index lists; empty for an image manifest. */
  children: string[];
  /** Compressed size of the layers (ECR's imageSizeInBytes for an image manifest). */
  layersSize: number;
  /** The config's media type, which ECR reports as artifactMediaType. */
  artifactMediaType?: string;
  /** The manifest this one refers to (OCI 1.1 referrers), as ECR's subjectManifestDigest. */
  subject?: string;
}

export class ManifestError extends Error {
  constructor(message: string, readonly missingMediaType = false) {
    super(message);
  }
}

/**
 * Reads a manifest. `declaredType` is the Content-Type the client sent (or PutImage's
 * imageManifestMediaType); without one, the manifest's own `mediaType` member decides, and an OCI
 * manifest with neither is taken from its shape (`config` + `layers`, or `manifests`).
 */
export function parseManifest(bytes: Buffer, declaredType: string | undefined): ParsedManifest {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new ManifestError('manifest is not valid UTF-8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ManifestError('manifest is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ManifestError('manifest is not a JSON object');
  const m = doc as Record<string, unknown>;
  if (m.schemaVersion !== 2) throw new ManifestError('unsupported manifest schemaVersion (only 2 is accepted)');
  const own = typeof m.mediaType === 'string' ? m.mediaType : undefined;
  const declared = declaredType?.split(';')[0]?.trim();
  const mediaType = declared && declared !== 'application/json' ? declared : own ?? inferType(m);
  if (!mediaType) throw new ManifestError('manifest media type not given in the request or the manifest', true);
  if (!SUPPORTED_MANIFEST_TYPES.includes(mediaType)) throw new ManifestError(`unsupported manifest media type ${mediaType}`);
  if (own !== undefined && own !== mediaType) throw new ManifestError(`manifest mediaType ${own} does not match ${mediaType}`);
  const subject = descriptorDigest(m.subject);
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(m.manifests)) throw new ManifestError('manifest list has no manifests array');
    const children = m.manifests.map((d, i) => requireDigest(d, `manifests[${i}]`));
    return { mediaType, blobs: [], children, layersSize: 0, ...(subject ? { subject } : {}) };
  }
  const config = m.config as Descriptor | undefined;
  const configDigest = requireDigest(config, 'config');
  if (!Array.isArray(m.layers)) throw new ManifestError('manifest has no layers array');
  const blobs = [configDigest];
  let layersSize = 0;
  for (const [i, layer] of (m.layers as Descriptor[]).entries()) {
    const digest = requireDigest(layer, `layers[${i}]`);
    layersSize += typeof layer.size === 'number' ? layer.size : 0;
    // Foreign (non-distributable) layers live elsewhere: they are not in the repository.
    if (!(Array.isArray(layer.urls) && layer.urls.length > 0)) blobs.push(digest);
  }
  const artifactMediaType = typeof config?.mediaType === 'string' ? config.mediaType : undefined;
  return { mediaType, blobs, children: [], layersSize, ...(artifactMediaType ? { artifactMediaType } : {}), ...(subject ? { subject } : {}) };
}

function inferType(m: Record<string, unknown>): string | undefined {
  if (Array.isArray(m.manifests)) return MEDIA_TYPES.ociIndex;
  if (m.config !== undefined && Array.isArray(m.layers)) return MEDIA_TYPES.ociManifest;
  return undefined;
}

function requireDigest(descriptor: unknown, where: string): string {
  const digest = descriptorDigest(descriptor);
  if (!digest) throw new ManifestError(`${where} is not a descriptor with a digest`);
  return digest;
}

function descriptorDigest(descriptor: unknown): string | undefined {
  if (typeof descriptor !== 'object' || descriptor === null) return undefined;
  const digest = (descriptor as Descriptor).digest;
  return typeof digest === 'string' ? digest : undefined;
}
