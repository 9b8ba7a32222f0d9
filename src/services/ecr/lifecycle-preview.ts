import type {
  GetLifecyclePolicyPreviewRequest, GetLifecyclePolicyPreviewResponse, LifecyclePolicyPreviewResult,
  StartLifecyclePolicyPreviewRequest, StartLifecyclePolicyPreviewResponse,
} from '@aws-sdk/client-ecr';
import type { Scope } from '../../domain/arn.js';
import { invalidMember } from '../../domain/ecr/errors.js';
import { parseLifecyclePolicy } from '../../domain/ecr/lifecycle-policy.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';
import { expiringImages } from './lifecycle-service.js';
import type { RepositoryService } from './repository-service.js';

/**
 * Lifecycle policy previews: which images a policy (the repository's, or one being tried out)
 * would expire now, without expiring them. ECR runs a preview in the background; Berth's
 * evaluation is cheap, so Start only records the policy and Get evaluates it (status COMPLETE).
 */
export class LifecyclePreviewService {
  constructor(private readonly stores: Stores, private readonly repositories: RepositoryService, private readonly clock: Clock) {}

  async start(scope: Scope, input: StartLifecyclePolicyPreviewRequest): Promise<StartLifecyclePolicyPreviewResponse> {
    const record = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const text = input.lifecyclePolicyText ?? record.body.lifecyclePolicyText;
    if (text === undefined) {
      throw new ServiceError('LifecyclePolicyNotFoundException', `Lifecycle policy does not exist for the repository with name '${record.name}' in the registry with id '${scope.accountId}'`);
    }
    parseLifecyclePolicy(text);
    record.body = { ...record.body, previewPolicyText: text };
    await this.stores.ecrRepositories.update(record);
    return { registryId: scope.accountId, repositoryName: record.name, lifecyclePolicyText: text, status: 'IN_PROGRESS' };
  }

  async get(scope: Scope, input: GetLifecyclePolicyPreviewRequest): Promise<GetLifecyclePolicyPreviewResponse> {
    const record = await this.repositories.require(scope, input.repositoryName ?? '', input.registryId);
    const text = record.body.previewPolicyText;
    if (text === undefined) {
      throw new ServiceError('LifecyclePolicyPreviewNotFoundException', `There is no lifecycle policy preview for the repository with name '${record.name}' in the registry with id '${scope.accountId}'`);
    }
    if (input.imageIds?.length && (input.nextToken !== undefined || input.maxResults !== undefined)) {
      throw invalidMember('maxResults', 'maxResults and nextToken cannot be used together with imageIds');
    }
    const results: LifecyclePolicyPreviewResult[] = (await expiringImages(this.stores, scope.region, record.name, text, this.clock.now()))
      .sort((a, b) => (a.image.digest < b.image.digest ? -1 : 1))
      .map(({ image, tags, rulePriority }) => ({
        imageTags: tags,
        imageDigest: image.digest,
        imagePushedAt: new Date(image.pushedAt),
        action: { type: 'EXPIRE' },
        appliedRulePriority: rulePriority,
        storageClass: 'STANDARD',
      }));
    const wanted = results.filter((r) => matches(r, input));
    const after = decodeToken(input.nextToken)?.[0];
    const page = toPage(wanted.filter((r) => after === undefined || r.imageDigest! > String(after)), pageSize(input.maxResults, 100, 100), (r) => [r.imageDigest!], (r) => r);
    return {
      registryId: scope.accountId, repositoryName: record.name, lifecyclePolicyText: text, status: 'COMPLETE',
      previewResults: page.items,
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      summary: { expiringImageTotalCount: results.length },
    };
  }
}

/** Whether a result is among the asked-for image ids and has the asked-for tag status. */
function matches(result: LifecyclePolicyPreviewResult, input: GetLifecyclePolicyPreviewRequest): boolean {
  const tagged = (result.imageTags ?? []).length > 0;
  const status = input.filter?.tagStatus;
  if ((status === 'TAGGED' && !tagged) || (status === 'UNTAGGED' && tagged)) return false;
  const ids = input.imageIds ?? [];
  return ids.length === 0 || ids.some((id) => id.imageDigest === result.imageDigest || (id.imageTag !== undefined && result.imageTags?.includes(id.imageTag)));
}
