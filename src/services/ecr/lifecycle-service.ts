import type {
  DeleteLifecyclePolicyRequest, DeleteLifecyclePolicyResponse, GetLifecyclePolicyRequest, GetLifecyclePolicyResponse,
  PutLifecyclePolicyRequest, PutLifecyclePolicyResponse,
} from '@aws-sdk/client-ecr';
import type { Scope } from '../../domain/arn.js';
import { ServiceError } from '../../kit/errors.js';
import { evaluateLifecycle, parseLifecyclePolicy } from '../../domain/ecr/lifecycle-policy.js';
import type { Clock } from '../../kit/clock.js';
import type { ImageRecord } from '../../store/ecr-image-store.js';
import type { Stores } from '../../store/stores.js';
import type { RepositoryService } from './repository-service.js';

const lifecyclePolicyNotFound = (name: string, registryId: string) =>
  new ServiceError('LifecyclePolicyNotFoundException', `Lifecycle policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`);

/**
 * Lifecycle policies: stored per repository and applied by `apply`, which the composition root
 * runs after pushes and on a timer (ECR promises expiry "within 24 hours"; Berth is sooner).
 */
export class LifecycleService {
  constructor(private readonly stores: Stores, private readonly repositories: RepositoryService, private readonly clock: Clock) {}

  async put(scope: Scope, input: PutLifecyclePolicyRequest): Promise<PutLifecyclePolicyResponse> {
    const record = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const text = input.lifecyclePolicyText ?? '';
    parseLifecyclePolicy(text);
    record.body = { ...record.body, lifecyclePolicyText: text };
    await this.stores.ecrRepositories.update(record);
    return { registryId: scope.accountId, repositoryName: record.name, lifecyclePolicyText: text };
  }

  async get(scope: Scope, input: GetLifecyclePolicyRequest): Promise<GetLifecyclePolicyResponse> {
    const record = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const text = record.body.lifecyclePolicyText;
    if (text === undefined) throw lifecyclePolicyNotFound(record.name, scope.accountId);
    return {
      registryId: scope.accountId, repositoryName: record.name, lifecyclePolicyText: text,
      ...(record.body.lifecycleEvaluatedAt !== undefined ? { lastEvaluatedAt: new Date(record.body.lifecycleEvaluatedAt) } : {}),
    };
  }

  async delete(scope: Scope, input: DeleteLifecyclePolicyRequest): Promise<DeleteLifecyclePolicyResponse> {
    const out = await this.get(scope, input);
    const record = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const { lifecyclePolicyText: _text, lifecycleEvaluatedAt: _at, ...rest } = record.body;
    record.body = rest;
    await this.stores.ecrRepositories.update(record);
    return out;
  }

  /** Expires what the repository's policy says to; resolves to the digests removed. */
  async apply(scope: Scope, repository: string): Promise<string[]> {
    return this.stores.transaction(async (tx) => {
      const record = await tx.ecrRepositories.get(scope.region, repository);
      if (!record?.body.lifecyclePolicyText) return [];
      const now = this.clock.now();
      const removed: string[] = [];
      for (const { image } of await expiringImages(tx, scope.region, repository, record.body.lifecyclePolicyText, now)) {
        await tx.ecrImages.remove(scope.region, repository, image.digest);
        removed.push(image.digest);
      }
      record.body = { ...record.body, lifecycleEvaluatedAt: now };
      await tx.ecrRepositories.update(record);
      return removed;
    });
  }

  /** Applies every repository's policy, in every region. */
  async applyAll(accountId: string): Promise<void> {
    for (const { region, name } of await this.stores.ecrRepositories.withLifecyclePolicy()) {
      await this.apply({ region, accountId }, name);
    }
  }
}

/**
 * What a lifecycle policy expires in a repository now, each image with its tags and the priority
 * of the rule that expires it. An image an index still lists stays (ECR's
 * ImageReferencedByManifestList), unless the index goes too.
 */
export async function expiringImages(
  stores: Stores, region: string, repository: string, policyText: string, now: number,
): Promise<{ image: ImageRecord; tags: string[]; rulePriority: number }[]> {
  const images = await stores.ecrImages.list(region, repository);
  const tags = await stores.ecrImages.tagsByDigest(region, repository);
  const expired = evaluateLifecycle(parseLifecyclePolicy(policyText),
    images.map((i) => ({ digest: i.digest, tags: tags.get(i.digest) ?? [], pushedAt: i.pushedAt })), now);
  const staying = images.filter((i) => !expired.has(i.digest));
  return images
    .filter((i) => expired.has(i.digest) && !staying.some((s) => s.body.children.includes(i.digest)))
    .map((image) => ({ image, tags: tags.get(image.digest) ?? [], rulePriority: expired.get(image.digest)! }));
}
