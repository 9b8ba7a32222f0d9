import type { PutImageRequest, PutImageResponse } from '@aws-sdk/client-ecr';
import { createHash } from 'node:crypto';
import type { Scope } from '../../domain/arn.js';
import { imageAlreadyExists, imageTagAlreadyExists, invalidMember, invalidParameter, layersNotFound, referencedImagesNotFound } from '../../domain/ecr/errors.js';
import { ManifestError, parseManifest } from '../../domain/ecr/manifest.js';
import { isSha256Digest, isTag } from '../../domain/ecr/names.js';
import { isTagImmutable } from '../../domain/ecr/tag-mutability.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { ImageRecord } from '../../store/ecr-image-store.js';
import type { Stores } from '../../store/stores.js';
import type { RepositoryService } from './repository-service.js';

export interface ManifestPush {
  repositoryName: string;
  registryId?: string | undefined;
  bytes: Buffer;
  /** Content-Type or imageManifestMediaType, if the client gave one. */
  mediaType?: string | undefined;
  tag?: string | undefined;
  /** The digest the client says the bytes have. */
  digest?: string | undefined;
  /** ECR's PutImage refuses a tag already on this very image; a registry push of it again is a no-op. */
  refuseSameTag: boolean;
}

export interface PushedImage {
  record: ImageRecord;
  tag?: string | undefined;
}

/**
 * Stores a manifest as an image, for PutImage and for the registry's manifest PUT alike: the bytes
 * kept exactly as sent, their sha256 the image digest, every blob and child manifest they name
 * required to be in the repository already, and tags moved only where the repository allows it.
 */
export class ImagePush {
  constructor(
    private readonly stores: Stores,
    private readonly repositories: RepositoryService,
    private readonly clock: Clock,
    /** Told after each push (the lifecycle policy runs then). */
    private readonly onPushed: (scope: Scope, repository: string) => void = () => {},
  ) {}

  async putImage(scope: Scope, input: PutImageRequest): Promise<PutImageResponse> {
    const { record, tag } = await this.push(scope, {
      repositoryName: input.repositoryName ?? '',
      registryId: input.registryId,
      bytes: Buffer.from(input.imageManifest ?? '', 'utf8'),
      mediaType: input.imageManifestMediaType,
      tag: input.imageTag,
      digest: input.imageDigest,
      refuseSameTag: true,
    });
    return {
      image: {
        registryId: scope.accountId,
        repositoryName: record.repository,
        imageId: { imageDigest: record.digest, ...(tag ? { imageTag: tag } : {}) },
        imageManifest: record.manifest,
        imageManifestMediaType: record.mediaType,
      },
    };
  }

  async push(scope: Scope, push: ManifestPush): Promise<PushedImage> {
    const repository = await this.repositories.require(scope, push.repositoryName, push.registryId);
    if (push.tag !== undefined && !isTag(push.tag)) throw invalidMember('imageTag', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}');
    const digest = `sha256:${createHash('sha256').update(push.bytes).digest('hex')}`;
    if (push.digest !== undefined && push.digest !== digest) {
      if (!isSha256Digest(push.digest)) throw new ServiceError('InvalidParameterException', `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid image digest ${push.digest}'`);
      throw new ServiceError('ImageDigestDoesNotMatchException', `The digest '${push.digest}' does not match the digest '${digest}' of the image manifest`);
    }
    let parsed;
    try {
      parsed = parseManifest(push.bytes, push.mediaType);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      if (error.missingMediaType) throw invalidParameter('image manifest mediatype not provided in manifest or parameter');
      throw invalidMember('ImageManifest', error.message);
    }
    const name = repository.name;
    const pushed = await this.stores.transaction(async (tx): Promise<PushedImage> => {
      const missingBlobs = parsed.blobs.filter((d) => !isSha256Digest(d));
      const linked = await tx.registryBlobs.linkedSet(scope.region, name, parsed.blobs.filter(isSha256Digest));
      missingBlobs.push(...parsed.blobs.filter((d) => isSha256Digest(d) && !linked.has(d)));
      if (missingBlobs.length > 0) throw layersNotFound([...new Set(missingBlobs)], name, scope.accountId);
      let size = parsed.layersSize;
      const missingChildren: string[] = [];
      for (const child of parsed.children) {
        const found = isSha256Digest(child) ? await tx.ecrImages.get(scope.region, name, child) : undefined;
        if (!found) missingChildren.push(child);
        else size = Math.max(size, found.size);
      }
      if (missingChildren.length > 0) throw referencedImagesNotFound(missingChildren, name);

      const existing = await tx.ecrImages.get(scope.region, name, digest);
      if (push.tag !== undefined) {
        const current = await tx.ecrImages.digestOfTag(scope.region, name, push.tag);
        if (current === digest && push.refuseSameTag) throw imageAlreadyExists(digest, push.tag, name, scope.accountId);
        if (current !== undefined && current !== digest && isTagImmutable(repository.body, push.tag)) throw imageTagAlreadyExists(push.tag, name);
      }
      const record: ImageRecord = existing ?? {
        region: scope.region,
        repository: name,
        digest,
        mediaType: parsed.mediaType,
        size,
        pushedAt: this.clock.now(),
        manifest: push.bytes.toString('utf8'),
        body: {
          blobs: parsed.blobs,
          children: parsed.children,
          ...(parsed.artifactMediaType ? { artifactMediaType: parsed.artifactMediaType } : {}),
          ...(parsed.subject ? { subjectManifestDigest: parsed.subject } : {}),
        },
      };
      if (!existing) await tx.ecrImages.put(record);
      if (push.tag !== undefined) await tx.ecrImages.setTag(scope.region, name, push.tag, digest);
      return { record, tag: push.tag };
    });
    this.onPushed(scope, name);
    return pushed;
  }
}
