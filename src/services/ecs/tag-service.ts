import type {
  ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest, TagResourceResponse,
  UntagResourceRequest, UntagResourceResponse,
} from '@aws-sdk/client-ecs';
import { parseArn, type Scope } from '../../domain/arn.js';
import { MAX_TAGS_PER_RESOURCE, validateTagKey, validateTags } from '../../domain/ecs/tags.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';

/** Checks that the resource an ECS ARN names exists, throwing the error ECS gives when it does not. */
export type ResourceCheck = (scope: Scope, resource: string) => Promise<void>;

/**
 * Tags on every taggable ECS resource. Each resource type registers how to tell that a resource
 * exists (keyed by the first segment of the ARN's resource, e.g. `cluster`).
 */
export class TagService {
  readonly #checks = new Map<string, ResourceCheck>();

  constructor(private readonly stores: Stores) {}

  register(resourceType: string, check: ResourceCheck): void {
    this.#checks.set(resourceType, check);
  }

  async tag(scope: Scope, input: TagResourceRequest): Promise<TagResourceResponse> {
    const arn = await this.#resolve(scope, input.resourceArn!);
    const tags = validateTags(input.tags);
    await this.stores.transaction(async (tx) => {
      const keys = new Set([...(await tx.tags.list(arn)).map((t) => t.key), ...tags.map((t) => t.key)]);
      if (keys.size > MAX_TAGS_PER_RESOURCE) {
        throw new ServiceError('InvalidParameterException', `Too many tags: a resource can have at most ${MAX_TAGS_PER_RESOURCE} tags.`);
      }
      await tx.tags.put(arn, tags);
    });
    return {};
  }

  async untag(scope: Scope, input: UntagResourceRequest): Promise<UntagResourceResponse> {
    const arn = await this.#resolve(scope, input.resourceArn!);
    await this.stores.tags.remove(arn, (input.tagKeys ?? []).map(validateTagKey));
    return {};
  }

  async list(scope: Scope, input: ListTagsForResourceRequest): Promise<ListTagsForResourceResponse> {
    const arn = await this.#resolve(scope, input.resourceArn!);
    return { tags: await this.stores.tags.list(arn) };
  }

  async #resolve(scope: Scope, arn: string): Promise<string> {
    const parsed = parseArn(arn);
    if (!parsed) throw new ServiceError('ClientException', `com.amazon.arn.ARNSyntaxException: ${arn}`);
    if (parsed.service !== 'ecs' || parsed.partition !== 'aws') throw new ServiceError('InvalidParameterException', 'The ARN provided is invalid.');
    const [type] = parsed.resource.split('/');
    const check = this.#checks.get(type ?? '');
    if (!check) throw new ServiceError('InvalidParameterException', 'The ARN provided is invalid.');
    if (parsed.region !== scope.region || parsed.accountId !== scope.accountId) {
      throw new ServiceError('ResourceNotFoundException', 'The specified resource wasn\'t found.');
    }
    await check(scope, parsed.resource);
    return arn;
  }
}
