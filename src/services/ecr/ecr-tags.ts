import type {
  ListTagsForResourceRequest, ListTagsForResourceResponse, Tag, TagResourceRequest, TagResourceResponse,
  UntagResourceRequest, UntagResourceResponse,
} from '@aws-sdk/client-ecr';
import type { Scope } from '../../domain/arn.js';
import { invalidMember, repositoryNotFound } from '../../domain/ecr/errors.js';
import { repositoryNameOfArn } from '../../domain/ecr/repository.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';

/** ECR's tag limits: 50 per repository, keys 1–128 and values 0–256 characters, `aws:` reserved. */
const MAX_TAGS = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

// guess: ECR's texts for bad and too many tags.
export function validateEcrTags(tags: readonly Tag[] | undefined): { Key: string; Value: string }[] {
  if (!tags) return [];
  if (tags.length > MAX_TAGS) throw new ServiceError('TooManyTagsException', `A repository can have at most ${MAX_TAGS} tags.`);
  return tags.map((t) => ({ Key: validateKey(t.Key), Value: validateValue(t.Value ?? '') }));
}

function validateKey(key: string | undefined): string {
  if (key === undefined || key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) {
    throw new ServiceError('InvalidTagParameterException', `Invalid tag key: ${String(key)}`);
  }
  if (key.toLowerCase().startsWith('aws:')) throw new ServiceError('InvalidTagParameterException', 'Tag keys beginning with aws: are reserved for AWS use.');
  return key;
}

function validateValue(value: string): string {
  if (value.length > 256 || !TAG_CHARS.test(value)) throw new ServiceError('InvalidTagParameterException', `Invalid tag value: ${value.slice(0, 32)}`);
  return value;
}

/** Tags on ECR repositories, kept in the shared tag table under the repository ARN. */
export class EcrTagService {
  constructor(private readonly stores: Stores) {}

  async tag(scope: Scope, input: TagResourceRequest): Promise<TagResourceResponse> {
    const arn = await this.#resolve(scope, input.resourceArn ?? '');
    const tags = validateEcrTags(input.tags);
    await this.stores.transaction(async (tx) => {
      const keys = new Set([...(await tx.tags.list(arn)).map((t) => t.key), ...tags.map((t) => t.Key)]);
      if (keys.size > MAX_TAGS) throw new ServiceError('TooManyTagsException', `A repository can have at most ${MAX_TAGS} tags.`);
      await tx.tags.put(arn, tags.map((t) => ({ key: t.Key, value: t.Value })));
    });
    return {};
  }

  async untag(scope: Scope, input: UntagResourceRequest): Promise<UntagResourceResponse> {
    const arn = await this.#resolve(scope, input.resourceArn ?? '');
    await this.stores.tags.remove(arn, (input.tagKeys ?? []).map(validateKey));
    return {};
  }

  async list(scope: Scope, input: ListTagsForResourceRequest): Promise<ListTagsForResourceResponse> {
    const arn = await this.#resolve(scope, input.resourceArn ?? '');
    return { tags: (await this.stores.tags.list(arn)).map((t) => ({ Key: t.key, Value: t.value })) };
  }

  async #resolve(scope: Scope, arn: string): Promise<string> {
    const parsed = repositoryNameOfArn(scope, arn);
    if (!parsed) throw invalidMember('resourceArn', 'Invalid ARN');
    const registryId = arn.split(':')[4] ?? scope.accountId;
    if (!parsed.inScope || !(await this.stores.ecrRepositories.get(scope.region, parsed.name))) throw repositoryNotFound(parsed.name, registryId);
    return arn;
  }
}
