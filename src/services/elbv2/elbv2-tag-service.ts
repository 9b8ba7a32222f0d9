import type { AddTagsInput, AddTagsOutput, DescribeTagsInput, DescribeTagsOutput, RemoveTagsInput, RemoveTagsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { elbResourceType } from '../../domain/elbv2/arns.js';
import { MAX_TAGS, validateTags } from '../../domain/elbv2/tags.js';
import { tooManyTags, validation } from '../../domain/elbv2/errors.js';
import type { Stores } from '../../store/stores.js';
import { type Elbv2Deps, requireListener, requireLoadBalancer, requireRule, requireTargetGroup, toTags } from './elbv2-context.js';

const MAX_RESOURCES = 20;

/** Tags on load balancers, target groups, listeners and rules, kept in the shared tag table by ARN. */
export class Elbv2TagService {
  constructor(private readonly deps: Elbv2Deps) {}

  async add(scope: Scope, input: AddTagsInput): Promise<AddTagsOutput> {
    const tags = validateTags(input.Tags);
    await this.deps.stores.transaction(async (tx) => {
      for (const arn of resourceArns(input.ResourceArns)) {
        await requireResource(tx, scope, arn);
        const keys = new Set([...(await tx.tags.list(arn)).map((t) => t.key), ...tags.map((t) => t.key)]);
        if (keys.size > MAX_TAGS) throw tooManyTags();
        await tx.tags.put(arn, tags);
      }
    });
    return {};
  }

  async remove(scope: Scope, input: RemoveTagsInput): Promise<RemoveTagsOutput> {
    await this.deps.stores.transaction(async (tx) => {
      for (const arn of resourceArns(input.ResourceArns)) {
        await requireResource(tx, scope, arn);
        await tx.tags.remove(arn, input.TagKeys ?? []);
      }
    });
    return {};
  }

  async describe(scope: Scope, input: DescribeTagsInput): Promise<DescribeTagsOutput> {
    const TagDescriptions = [];
    for (const arn of resourceArns(input.ResourceArns)) {
      await requireResource(this.deps.stores, scope, arn);
      TagDescriptions.push({ ResourceArn: arn, Tags: toTags(await this.deps.stores.tags.list(arn)) });
    }
    return { TagDescriptions };
  }
}

function resourceArns(arns: readonly string[] | undefined): string[] {
  if (!arns?.length) throw validation('A resource ARN must be specified');
  if (arns.length > MAX_RESOURCES) throw validation(`You can specify at most ${MAX_RESOURCES} resource ARNs`);
  return [...new Set(arns)];
}

/** The resource must exist; each kind answers with its own NotFound error, as on AWS. */
async function requireResource(stores: Stores, scope: Scope, arn: string): Promise<void> {
  switch (elbResourceType(scope, arn)) {
    case 'loadbalancer': await requireLoadBalancer(stores, scope, arn); return;
    case 'targetgroup': await requireTargetGroup(stores, scope, arn); return;
    case 'listener': await requireListener(stores, scope, arn); return;
    case 'listener-rule': await requireRule(stores, scope, arn); return;
    default: throw validation(`'${arn}' is not a valid load balancer, target group, listener or rule ARN`);
  }
}
