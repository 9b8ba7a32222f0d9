import type {
  Attribute, DeleteAttributesRequest, DeleteAttributesResponse, ListAttributesRequest, ListAttributesResponse,
  PutAttributesRequest, PutAttributesResponse,
} from '@aws-sdk/client-ecs';
import type { Scope } from '../../domain/arn.js';
import { MAX_ATTRIBUTES, validateAttributeBatch } from '../../domain/ecs/attributes.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';
import type { ClusterService } from './cluster-service.js';

/**
 * Finds the resource an attribute targets (a container instance, by id or ARN) and returns its ARN,
 * or undefined when the cluster has no such resource.
 */
export type AttributeTargets = (scope: Scope, clusterName: string, targetId: string) => Promise<string | undefined>;

/** Custom attributes on container instances, which placement constraints match against. */
export class AttributeService {
  constructor(
    private readonly stores: Stores,
    private readonly clusters: ClusterService,
    private readonly targets: AttributeTargets,
  ) {}

  async put(scope: Scope, input: PutAttributesRequest): Promise<PutAttributesResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const attributes = await this.#resolveTargets(scope, cluster.name, validateAttributeBatch(input.attributes));
    await this.stores.transaction(async (tx) => {
      await tx.attributes.put(scope.region, cluster.name, attributes.map(toRow));
      for (const targetId of new Set(attributes.map((a) => a.targetId!))) {
        if (await tx.attributes.countForTarget(scope.region, cluster.name, 'container-instance', targetId) > MAX_ATTRIBUTES) {
          throw new ServiceError('AttributeLimitExceededException', `You can apply up to ${MAX_ATTRIBUTES} custom attributes for each resource.`);
        }
      }
    });
    return { attributes };
  }

  async delete(scope: Scope, input: DeleteAttributesRequest): Promise<DeleteAttributesResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const attributes = await this.#resolveTargets(scope, cluster.name, validateAttributeBatch(input.attributes));
    await this.stores.attributes.remove(scope.region, cluster.name, attributes.map(toRow));
    return { attributes };
  }

  async list(scope: Scope, input: ListAttributesRequest): Promise<ListAttributesResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    if (input.targetType !== 'container-instance') throw new ServiceError('InvalidParameterException', 'targetType must be container-instance');
    if (input.attributeValue !== undefined && input.attributeName === undefined) {
      throw new ServiceError('InvalidParameterException', 'attributeValue can only be specified with attributeName.');
    }
    const size = pageSize(input.maxResults, 100);
    const after = decodeToken(input.nextToken);
    const rows = await this.stores.attributes.list(scope.region, cluster.name, {
      targetType: input.targetType,
      name: input.attributeName,
      value: input.attributeValue,
      after: after ? [String(after[0]), String(after[1])] : undefined,
      limit: size + 1,
    });
    const page = toPage(rows, size, (r) => [r.targetId, r.name], (r): Attribute => ({
      name: r.name, targetType: 'container-instance', targetId: r.targetId, ...(r.value === null ? {} : { value: r.value }),
    }));
    return { attributes: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async #resolveTargets(scope: Scope, clusterName: string, attributes: Attribute[]): Promise<Attribute[]> {
    return Promise.all(attributes.map(async (a) => {
      const arn = a.targetId === undefined ? undefined : await this.targets(scope, clusterName, a.targetId);
      if (!arn) throw new ServiceError('TargetNotFoundException', `Could not find ${a.targetId ?? 'a target'}. You can view your available container instances with ListContainerInstances.`);
      return { ...a, targetType: 'container-instance', targetId: arn };
    }));
  }
}

const toRow = (a: Attribute) => ({ targetType: 'container-instance', targetId: a.targetId!, name: a.name!, value: a.value ?? null });
