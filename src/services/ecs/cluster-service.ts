import type {
  Cluster, CreateClusterRequest, CreateClusterResponse, DeleteClusterRequest, DeleteClusterResponse,
  DescribeClustersRequest, DescribeClustersResponse, Failure, ListClustersRequest, ListClustersResponse,
  PutClusterCapacityProvidersRequest, PutClusterCapacityProvidersResponse, UpdateClusterRequest, UpdateClusterResponse,
  UpdateClusterSettingsRequest, UpdateClusterSettingsResponse,
} from '@aws-sdk/client-ecs';
import { clusterArn, clusterNameOf, isArn, type Scope } from '../../domain/arn.js';
import { isBuiltInCapacityProvider, validateStrategy } from '../../domain/ecs/capacity-providers.js';
import { type ClusterCounts, emptyCounts, MUTATION_RESPONSE_FIELDS, mergeSettings, presentCluster, validateClusterSettings } from '../../domain/ecs/cluster.js';
import { validateClusterName } from '../../domain/ecs/names.js';
import { validateTags } from '../../domain/ecs/tags.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { ClusterRecord } from '../../store/cluster-store.js';
import type { Stores } from '../../store/stores.js';
import type { AccountSettingService } from './account-setting-service.js';

export const clusterNotFound = () => new ServiceError('ClusterNotFoundException', 'Cluster not found.');

/**
 * Clusters. A deleted cluster stays describable as INACTIVE (and leaves ListClusters); creating
 * it again makes a fresh ACTIVE cluster under the same name, as on ECS.
 */
export class ClusterService {
  constructor(
    private readonly stores: Stores,
    private readonly accountSettings: AccountSettingService,
    private readonly clock: Clock,
  ) {}

  async create(scope: Scope, input: CreateClusterRequest): Promise<CreateClusterResponse> {
    const name = validateClusterName(input.clusterName ?? 'default');
    const settings = input.settings ?? [];
    validateClusterSettings(settings);
    const tags = validateTags(input.tags);
    const capacityProviders = input.capacityProviders ?? [];
    this.#validateCapacityProviders(capacityProviders);
    const strategy = input.defaultCapacityProviderStrategy ?? [];
    validateStrategy(strategy, capacityProviders);

    const existing = await this.stores.clusters.get(scope.region, name);
    if (existing?.status === 'ACTIVE') return { cluster: await this.#present(scope, existing, MUTATION_RESPONSE_FIELDS) };

    const insights = await this.accountSettings.effectiveDefault(scope, 'containerInsights');
    const record: ClusterRecord = {
      region: scope.region,
      name,
      status: 'ACTIVE',
      createdAt: this.clock.now(),
      body: {
        settings: mergeSettings([{ name: 'containerInsights', value: insights }], settings),
        capacityProviders,
        defaultCapacityProviderStrategy: strategy,
        ...(input.configuration ? { configuration: input.configuration } : {}),
        ...(input.serviceConnectDefaults?.namespace ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } } : {}),
      },
    };
    const arn = clusterArn(scope, name);
    await this.stores.transaction(async (tx) => {
      await tx.clusters.put(record);
      await tx.tags.removeAll(arn);
      await tx.tags.put(arn, tags);
    });
    return { cluster: await this.#present(scope, record, MUTATION_RESPONSE_FIELDS) };
  }

  async describe(scope: Scope, input: DescribeClustersRequest): Promise<DescribeClustersResponse> {
    const refs = input.clusters && input.clusters.length > 0 ? input.clusters : ['default'];
    if (refs.length > 100) throw new ServiceError('InvalidParameterException', 'clusters can have at most 100 items.');
    const names = refs.map((ref) => clusterNameOf(scope, ref));
    const found = await this.stores.clusters.getMany(scope.region, names.filter((n): n is string => n !== undefined));
    const clusters: Cluster[] = [];
    const failures: Failure[] = [];
    for (const [i, ref] of refs.entries()) {
      const record = found.get(names[i] ?? '');
      if (record) clusters.push(await this.#present(scope, record, input.include ?? []));
      else failures.push({ arn: isArn(ref) ? ref : clusterArn(scope, ref), reason: 'MISSING' });
    }
    return { clusters, failures };
  }

  async list(scope: Scope, input: ListClustersRequest): Promise<ListClustersResponse> {
    const size = pageSize(input.maxResults, 100);
    const after = decodeToken(input.nextToken)?.[0];
    const rows = await this.stores.clusters.listActive(scope.region, after === undefined ? undefined : String(after), size + 1);
    const page = toPage(rows, size, (r) => [r.name], (r) => clusterArn(scope, r.name));
    return { clusterArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async update(scope: Scope, input: UpdateClusterRequest): Promise<UpdateClusterResponse> {
    validateClusterSettings(input.settings ?? []);
    return this.#change(scope, input.cluster, (body) => ({
      ...body,
      settings: mergeSettings(body.settings, input.settings ?? []),
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults?.namespace ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } } : {}),
    }));
  }

  async updateSettings(scope: Scope, input: UpdateClusterSettingsRequest): Promise<UpdateClusterSettingsResponse> {
    validateClusterSettings(input.settings ?? []);
    return this.#change(scope, input.cluster, (body) => ({
      ...body,
      settings: mergeSettings(body.settings, input.settings ?? []),
    }));
  }

  async putCapacityProviders(scope: Scope, input: PutClusterCapacityProvidersRequest): Promise<PutClusterCapacityProvidersResponse> {
    const providers = input.capacityProviders ?? [];
    this.#validateCapacityProviders(providers);
    const strategy = input.defaultCapacityProviderStrategy ?? [];
    validateStrategy(strategy, providers);
    return this.#change(scope, input.cluster, (body) => ({
      ...body,
      capacityProviders: providers,
      defaultCapacityProviderStrategy: strategy,
    }));
  }

  async delete(scope: Scope, input: DeleteClusterRequest): Promise<DeleteClusterResponse> {
    const record = await this.#require(scope, input.cluster, { allowInactive: true });
    if (record.status === 'ACTIVE') {
      const counts = await this.counts(scope, record.name);
      if (counts.activeServicesCount > 0) throw new ServiceError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
      if (counts.runningTasksCount + counts.pendingTasksCount > 0) throw new ServiceError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
      if (counts.registeredContainerInstancesCount > 0) {
        throw new ServiceError('ClusterContainsContainerInstancesException', 'The Cluster cannot be deleted while Container Instances are active or draining.');
      }
      record.status = 'INACTIVE';
      await this.stores.clusters.put(record);
    }
    return { cluster: await this.#present(scope, record, MUTATION_RESPONSE_FIELDS) };
  }

  /** What a cluster holds. */
  async counts(scope: Scope, clusterName: string): Promise<ClusterCounts> {
    const counts = emptyCounts();
    for (const { status, launchType, n } of await this.stores.services.countLive(scope.region, clusterName)) {
      const kind = launchType === 'FARGATE' ? 'Fargate' : launchType === 'EXTERNAL' ? 'External' : 'EC2';
      if (status === 'ACTIVE') counts.activeServicesCount += n;
      counts.statistics[`${status === 'ACTIVE' ? 'active' : 'draining'}${kind}ServiceCount`] += n;
    }
    counts.registeredContainerInstancesCount = await this.stores.containerInstances.countLive(scope.region, clusterName);
    for (const { lastStatus, launchType, n } of await this.stores.tasks.countLive(scope.region, clusterName)) {
      const running = lastStatus === 'RUNNING';
      if (!running && !['PROVISIONING', 'PENDING', 'ACTIVATING'].includes(lastStatus)) continue;
      if (running) counts.runningTasksCount += n;
      else counts.pendingTasksCount += n;
      const kind = launchType === 'FARGATE' ? 'Fargate' : launchType === 'EXTERNAL' ? 'External' : 'EC2';
      counts.statistics[`${running ? 'running' : 'pending'}${kind}TasksCount`] += n;
    }
    return counts;
  }

  /** The ACTIVE cluster a request names, or ClusterNotFoundException. */
  async require(scope: Scope, ref: string | undefined): Promise<ClusterRecord> {
    return this.#require(scope, ref, { allowInactive: false });
  }

  async #require(scope: Scope, ref: string | undefined, { allowInactive }: { allowInactive: boolean }): Promise<ClusterRecord> {
    const name = clusterNameOf(scope, ref);
    const record = name === undefined ? undefined : await this.stores.clusters.get(scope.region, name);
    if (!record || (!allowInactive && record.status !== 'ACTIVE')) throw clusterNotFound();
    return record;
  }

  async #change(scope: Scope, ref: string | undefined, change: (body: ClusterRecord['body']) => ClusterRecord['body']) {
    const record = await this.require(scope, ref);
    record.body = change(record.body);
    await this.stores.clusters.put(record);
    return { cluster: await this.#present(scope, record, MUTATION_RESPONSE_FIELDS) };
  }

  #validateCapacityProviders(names: readonly string[]): void {
    for (const name of names) {
      if (!isBuiltInCapacityProvider(name)) {
        throw new ServiceError('InvalidParameterException', `The specified capacity provider ${name} does not exist. Specify a valid capacity provider and try again.`);
      }
    }
  }

  async #present(scope: Scope, record: ClusterRecord, include: Parameters<typeof presentCluster>[3]): Promise<Cluster> {
    const tags = include.includes('TAGS') ? await this.stores.tags.list(clusterArn(scope, record.name)) : [];
    return presentCluster(scope, { ...record.body, name: record.name, status: record.status }, await this.counts(scope, record.name), include, tags);
  }
}
