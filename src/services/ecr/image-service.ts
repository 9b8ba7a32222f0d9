import type {
  BatchDeleteImageRequest, BatchDeleteImageResponse, BatchGetImageRequest, BatchGetImageResponse, DescribeImagesRequest,
  DescribeImagesResponse, Image, ImageDetail, ImageFailure, ImageIdentifier, ListImagesRequest, ListImagesResponse, TagStatus,
} from '@aws-sdk/client-ecr';
import type { Scope } from '../../domain/arn.js';
import { imageNotFound, invalidMember } from '../../domain/ecr/errors.js';
import { isSha256Digest, isTag } from '../../domain/ecr/names.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import type { EcrImageStore, ImageRecord } from '../../store/ecr-image-store.js';
import type { Stores } from '../../store/stores.js';
import type { RepositoryService } from './repository-service.js';

/** How one image id of a batch request resolved: the image, or why not (ECR's failure codes and texts). */
type Resolved = { image: ImageRecord } | { failure: ImageFailure };

const notFound = (imageId: ImageIdentifier): ImageFailure => ({ imageId, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });

/** Reading and deleting ECR images (pushing is ImagePush). */
export class ImageService {
  constructor(private readonly stores: Stores, private readonly repositories: RepositoryService, private readonly clock: Clock) {}

  async list(scope: Scope, input: ListImagesRequest): Promise<ListImagesResponse> {
    const repo = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const size = pageSize(input.maxResults, 1000, 100);
    const [afterDigest, afterTag] = (decodeToken(input.nextToken) ?? []).map(String);
    const images = await this.stores.ecrImages.list(scope.region, repo.name);
    const tags = await this.stores.ecrImages.tagsByDigest(scope.region, repo.name);
    const ids: ImageIdentifier[] = [];
    for (const image of sortByDigest(images)) {
      const onImage = tags.get(image.digest) ?? [];
      if (!matchesStatus(input.filter?.tagStatus, onImage)) continue;
      if (onImage.length === 0) ids.push({ imageDigest: image.digest });
      for (const tag of onImage) ids.push({ imageDigest: image.digest, imageTag: tag });
    }
    const after = afterDigest === undefined ? ids : ids.filter((id) => `${id.imageDigest}\n${id.imageTag ?? ''}` > `${afterDigest}\n${afterTag ?? ''}`);
    const page = toPage(after, size, (id) => [id.imageDigest!, id.imageTag ?? ''], (id) => id);
    return { imageIds: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async describe(scope: Scope, input: DescribeImagesRequest): Promise<DescribeImagesResponse> {
    const repo = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const tags = await this.stores.ecrImages.tagsByDigest(scope.region, repo.name);
    const detail = (image: ImageRecord): ImageDetail => presentDetail(scope, image, tags.get(image.digest) ?? []);
    if (input.imageIds && input.imageIds.length > 0) {
      if (input.nextToken !== undefined || input.maxResults !== undefined) {
        throw invalidMember('maxResults', 'maxResults and nextToken cannot be used together with imageIds');
      }
      const details = new Map<string, ImageDetail>();
      for (const id of input.imageIds) {
        const resolved = await this.#resolveId(scope.region, repo.name, id);
        if ('failure' in resolved) throw imageNotFound(id, repo.name, scope.accountId);
        details.set(resolved.image.digest, detail(resolved.image));
      }
      return { imageDetails: [...details.values()] };
    }
    const size = pageSize(input.maxResults, 1000, 100);
    const after = decodeToken(input.nextToken)?.[0];
    const images = sortByDigest(await this.stores.ecrImages.list(scope.region, repo.name))
      .filter((i) => matchesStatus(input.filter?.tagStatus, tags.get(i.digest) ?? []))
      .filter((i) => after === undefined || i.digest > String(after));
    const page = toPage(images, size, (i) => [i.digest], detail);
    return { imageDetails: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async batchGet(scope: Scope, input: BatchGetImageRequest): Promise<BatchGetImageResponse> {
    const repo = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const images: Image[] = [];
    const failures: ImageFailure[] = [];
    for (const id of input.imageIds ?? []) {
      const resolved = await this.#resolveId(scope.region, repo.name, id);
      if ('failure' in resolved) { failures.push(resolved.failure); continue; }
      const { image } = resolved;
      images.push({
        registryId: scope.accountId,
        repositoryName: repo.name,
        imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
        imageManifest: image.manifest,
        imageManifestMediaType: image.mediaType,
      });
    }
    return { images, failures };
  }

  async batchDelete(scope: Scope, input: BatchDeleteImageRequest): Promise<BatchDeleteImageResponse> {
    const repo = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    return this.stores.transaction(async (tx) => {
      const imageIds: ImageIdentifier[] = [];
      const failures: ImageFailure[] = [];
      for (const id of input.imageIds ?? []) {
        const resolved = await this.#resolveId(scope.region, repo.name, id, tx.ecrImages);
        if ('failure' in resolved) { failures.push(resolved.failure); continue; }
        const outcome = await deleteImageOrTag(tx, scope.region, resolved.image, id.imageDigest === undefined ? id.imageTag : undefined);
        if ('failure' in outcome) failures.push({ ...outcome.failure, imageId: id });
        else imageIds.push(...outcome.deleted);
      }
      return { imageIds, failures };
    });
  }

  /** The image a tag or digest names in a repository (for the registry). */
  async resolve(scope: Scope, repository: string, reference: string): Promise<ImageRecord | undefined> {
    const digest = isSha256Digest(reference) ? reference : await this.stores.ecrImages.digestOfTag(scope.region, repository, reference);
    return digest === undefined ? undefined : this.stores.ecrImages.get(scope.region, repository, digest);
  }

  async markPulled(image: ImageRecord): Promise<void> {
    await this.stores.ecrImages.markPulled(image.region, image.repository, image.digest, this.clock.now());
  }

  /** Deletes the image a digest names, or only the tag a tag names (the image too when that was its last tag). */
  async deleteReference(scope: Scope, repository: string, reference: string): Promise<'deleted' | 'unknown' | 'referenced'> {
    return this.stores.transaction(async (tx) => {
      const byTag = !isSha256Digest(reference);
      const resolved = await this.#resolveId(scope.region, repository, byTag ? { imageTag: reference } : { imageDigest: reference }, tx.ecrImages);
      if ('failure' in resolved) return 'unknown';
      const outcome = await deleteImageOrTag(tx, scope.region, resolved.image, byTag ? reference : undefined);
      return 'failure' in outcome ? 'referenced' : 'deleted';
    });
  }

  async #resolveId(region: string, repository: string, id: ImageIdentifier, images: EcrImageStore = this.stores.ecrImages): Promise<Resolved> {
    const { imageDigest, imageTag } = id;
    if (imageDigest === undefined && imageTag === undefined) {
      return { failure: { imageId: id, failureCode: 'MissingDigestAndTag', failureReason: 'Invalid request parameters: both tag and digest cannot be null' } };
    }
    if (imageDigest !== undefined && !isSha256Digest(imageDigest)) {
      return { failure: { imageId: id, failureCode: 'InvalidImageDigest', failureReason: 'Invalid request parameters: image digest should satisfy the regex \'[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+\'' } };
    }
    if (imageTag !== undefined && !isTag(imageTag)) {
      // guess: ECR's reason text for a malformed tag.
      return { failure: { imageId: id, failureCode: 'InvalidImageTag', failureReason: 'Invalid request parameters: image tag should satisfy the regex \'[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\'' } };
    }
    const tagged = imageTag === undefined ? undefined : await images.digestOfTag(region, repository, imageTag);
    if (imageTag !== undefined && tagged === undefined) return { failure: notFound(id) };
    if (imageDigest !== undefined && tagged !== undefined && tagged !== imageDigest) {
      // guess: ECR's reason text when tag and digest disagree.
      return { failure: { imageId: id, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: 'Invalid request parameters: given tag does not map to given digest' } };
    }
    const image = await images.get(region, repository, imageDigest ?? tagged!);
    return image ? { image } : { failure: notFound(id) };
  }
}

/** ECR's rule: removing an image's last tag deletes the image; an image an index lists cannot go while the index stays. */
async function deleteImageOrTag(tx: Stores, region: string, image: ImageRecord, onlyTag: string | undefined)
  : Promise<{ deleted: ImageIdentifier[] } | { failure: ImageFailure }> {
  const tags = (await tx.ecrImages.tagsByDigest(region, image.repository)).get(image.digest) ?? [];
  if (onlyTag !== undefined && tags.length > 1) {
    await tx.ecrImages.removeTag(region, image.repository, onlyTag);
    return { deleted: [{ imageDigest: image.digest, imageTag: onlyTag }] };
  }
  const parents = (await tx.ecrImages.list(region, image.repository)).filter((i) => i.body.children.includes(image.digest));
  if (parents.length > 0) {
    return { failure: { failureCode: 'ImageReferencedByManifestList', failureReason: `Requested image referenced by manifest list: [${parents.map((p) => p.digest).join(', ')}]` } };
  }
  await tx.ecrImages.remove(region, image.repository, image.digest);
  return { deleted: tags.length === 0 ? [{ imageDigest: image.digest }] : tags.map((t) => ({ imageDigest: image.digest, imageTag: t })) };
}

function presentDetail(scope: Scope, image: ImageRecord, tags: string[]): ImageDetail {
  return {
    registryId: scope.accountId,
    repositoryName: image.repository,
    imageDigest: image.digest,
    ...(tags.length > 0 ? { imageTags: tags } : {}),
    imageSizeInBytes: image.size,
    imagePushedAt: new Date(image.pushedAt),
    imageManifestMediaType: image.mediaType,
    ...(image.body.artifactMediaType ? { artifactMediaType: image.body.artifactMediaType } : {}),
    ...(image.lastPulledAt !== undefined ? { lastRecordedPullTime: new Date(image.lastPulledAt) } : {}),
    ...(image.body.subjectManifestDigest ? { subjectManifestDigest: image.body.subjectManifestDigest } : {}),
    imageStatus: 'ACTIVE',
  };
}

function matchesStatus(status: TagStatus | undefined, tags: readonly string[]): boolean {
  if (status === 'TAGGED') return tags.length > 0;
  if (status === 'UNTAGGED') return tags.length === 0;
  return true;
}

const sortByDigest = (images: ImageRecord[]) => [...images].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
