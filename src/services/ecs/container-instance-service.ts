import type {
  Attribute, ContainerInstance, Resource, VersionInfo, DeregisterContainerInstanceRequest, DeregisterContainerInstanceResponse,
  DescribeContainerInstancesRequest, DescribeContainerInstancesResponse, Failure, ListContainerInstancesRequest,
  ListContainerInstancesResponse, RegisterContainerInstanceRequest, RegisterContainerInstanceResponse,
  UpdateContainerInstancesStateRequest, UpdateContainerInstancesStateResponse,
} from '@aws-sdk/client-ecs';
import { ecsResourceOf, isArn, type Scope } from '../../domain/arn.js';
import {
  AGENT_QUIET_LIMIT_MS, containerInstanceArn, containerInstanceIdOf, ec2InstanceIdFromIdentity, presentContainerInstance,
  validateRegisteredResources,
} from '../../domain/ecs/container-instance.js';
import { validateTags } from '../../domain/ecs/tags.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { IdGen } from '../../kit/id-gen.js';
import { compileExpression } from '../../scheduler/query-evaluation.js';
import { parseExpression } from '../../scheduler/query-language.js';
import type { ContainerInstanceRecord, ContainerInstanceStatus } from '../../store/container-instance-store.js';
import type { Stores } from '../../store/stores.js';
import type { ClusterService } from './cluster-service.js';
import { snapshotInstances } from './task-placement-snapshot.js';

/** Managed (Fargate) capacity belongs to no region or cluster. */
export const MANAGED = '';

/**
 * Container instances: the capacity agents register into a cluster. Tasks reserve from them once
 * RunTask places work (issue 3); until then every instance has all it registered remaining.
 */
export class ContainerInstanceService {
  constructor(
    private readonly stores: Stores,
    private readonly clusters: ClusterService,
    private readonly clock: Clock,
    private readonly idGen: IdGen,
  ) {}

  async register(scope: Scope, input: RegisterContainerInstanceRequest): Promise<RegisterContainerInstanceResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const registeredResources = validateRegisteredResources(input.totalResources ?? []);
    const tags = validateTags(input.tags);
    const now = this.clock.now();
    const ec2InstanceId = ec2InstanceIdFromIdentity(input.instanceIdentityDocument) ?? `i-${this.idGen.hex(9).slice(0, 17)}`;
    // The same host registering again (an agent restart) gets its instance back, not a second one.
    const previous = input.containerInstanceArn
      ? await this.#findForReregistration(scope, cluster.name, input.containerInstanceArn)
      : await this.stores.containerInstances.findLiveByEc2InstanceId(scope.region, cluster.name, ec2InstanceId);
    const record: ContainerInstanceRecord = {
      region: scope.region,
      cluster: cluster.name,
      id: previous?.id ?? this.idGen.hex(16),
      ec2InstanceId: previous?.ec2InstanceId ?? ec2InstanceId,
      status: previous?.status === 'DRAINING' ? 'DRAINING' : 'ACTIVE',
      managed: false,
      registeredAt: previous?.registeredAt ?? now,
      lastSeenAt: now,
      version: (previous?.version ?? 0) + 1,
      body: { registeredResources, versionInfo: input.versionInfo ?? {}, attributes: input.attributes ?? [] },
    };
    const arn = containerInstanceArn(scope, record.cluster, record.id);
    await this.stores.transaction(async (tx) => {
      await tx.containerInstances.put(record);
      await tx.tags.put(arn, tags);
    });
    return { containerInstance: await this.#present(scope, record, false) };
  }

  /**
   * Registers Berth-managed capacity (what FARGATE tasks run on): no region or cluster of its own,
   * never listed. The same host registering again gets its instance back. Returns the instance id.
   */
  async registerManaged(input: { ec2InstanceId: string; registeredResources: Resource[]; versionInfo: VersionInfo; attributes: Attribute[] }): Promise<string> {
    const now = this.clock.now();
    const previous = await this.stores.containerInstances.findLiveByEc2InstanceId(MANAGED, MANAGED, input.ec2InstanceId);
    const id = previous?.id ?? this.idGen.hex(16);
    await this.stores.containerInstances.put({
      region: MANAGED,
      cluster: MANAGED,
      id,
      ec2InstanceId: input.ec2InstanceId,
      status: 'ACTIVE',
      managed: true,
      registeredAt: previous?.registeredAt ?? now,
      lastSeenAt: now,
      version: (previous?.version ?? 0) + 1,
      body: { registeredResources: validateRegisteredResources(input.registeredResources), versionInfo: input.versionInfo, attributes: input.attributes },
    });
    return id;
  }

  /** An agent was heard from: its instance stays `agentConnected`. */
  async heartbeat(region: string, cluster: string, id: string): Promise<void> {
    await this.stores.containerInstances.touch(region, cluster, id, this.clock.now());
  }

  async describe(scope: Scope, input: DescribeContainerInstancesRequest): Promise<DescribeContainerInstancesResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const refs = input.containerInstances ?? [];
    if (refs.length > 100) throw new ServiceError('InvalidParameterException', 'containerInstances can have at most 100 items.');
    const containerInstances: ContainerInstance[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const record = await this.#find(scope, cluster.name, ref);
      if (record) containerInstances.push(await this.#present(scope, record, input.include?.includes('TAGS') ?? false));
      else failures.push(missing(scope, cluster.name, ref));
    }
    return { containerInstances, failures };
  }

  async list(scope: Scope, input: ListContainerInstancesRequest): Promise<ListContainerInstancesResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const size = pageSize(input.maxResults, 100);
    const statuses = listedStatuses(input.status);
    const matches = input.filter === undefined ? () => true : compileExpression(parseExpression(input.filter));
    const after = decodeToken(input.nextToken)?.[0];
    if (statuses.length === 0) return { containerInstanceArns: [] };
    const records = await this.stores.containerInstances.list(scope.region, cluster.name, {
      managed: false, statuses, afterId: after === undefined ? undefined : String(after),
    });
    const now = this.clock.now();
    const selected: ContainerInstanceRecord[] = [];
    for (const record of records) {
      if (selected.length > size) break;
      if (input.filter === undefined) selected.push(record);
      else if (matches((await snapshotInstances(this.stores, scope, [record], now))[0]!)) selected.push(record);
    }
    const page = toPage(selected, size, (r) => [r.id], (r) => containerInstanceArn(scope, r.cluster, r.id));
    return { containerInstanceArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async updateState(scope: Scope, input: UpdateContainerInstancesStateRequest): Promise<UpdateContainerInstancesStateResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    if (input.status !== 'ACTIVE' && input.status !== 'DRAINING') {
      throw new ServiceError('InvalidParameterException', 'Container instances can only be set to ACTIVE or DRAINING.');
    }
    if ((input.containerInstances?.length ?? 0) > 10) throw new ServiceError('InvalidParameterException', 'instanceIds can have at most 10 items.');
    const containerInstances: ContainerInstance[] = [];
    const failures: Failure[] = [];
    for (const ref of input.containerInstances ?? []) {
      const record = await this.#find(scope, cluster.name, ref);
      if (!record) {
        failures.push(missing(scope, cluster.name, ref));
        continue;
      }
      if (record.status !== input.status) {
        record.status = input.status;
        record.version += 1;
        await this.stores.containerInstances.put(record);
      }
      containerInstances.push(await this.#present(scope, record, false));
    }
    return { containerInstances, failures };
  }

  async deregister(scope: Scope, input: DeregisterContainerInstanceRequest): Promise<DeregisterContainerInstanceResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const record = await this.#find(scope, cluster.name, input.containerInstance!);
    if (!record) throw new ServiceError('InvalidParameterException', 'The referenced container instance was not found.');
    // Without force ECS refuses while tasks live there; with it, those tasks are orphaned (they run on, untracked).
    if (!input.force && (await this.stores.tasks.liveOnInstance(record.id)).length > 0) {
      throw new ServiceError('InvalidParameterException', 'Found running tasks on the instance. Stop them first or deregister with force.');
    }
    record.status = 'INACTIVE';
    record.version += 1;
    await this.stores.containerInstances.put(record);
    return { containerInstance: await this.#present(scope, record, false) };
  }

  /** The ARN of a live container instance in `cluster` that `ref` names (for attribute targets). */
  async resolve(scope: Scope, clusterName: string, ref: string): Promise<string | undefined> {
    const record = await this.#find(scope, clusterName, ref);
    return record && containerInstanceArn(scope, record.cluster, record.id);
  }

  /**
   * An agent speaking for the instance an ARN names: marks it heard from and returns its id, or
   * ClientException when the instance is gone (deregistered agents must register again).
   */
  async agentCheckIn(scope: Scope, instanceArn: string): Promise<string> {
    const [, cluster = '', id = ''] = ecsResourceOf(scope, instanceArn)?.split('/') ?? [];
    const record = await this.#find(scope, cluster, id);
    if (!record) throw new ServiceError('ClientException', `Container instance ${instanceArn} is not registered or is inactive.`);
    await this.heartbeat(record.region, record.cluster, record.id);
    return record.id;
  }

  /** A managed-capacity agent checking in: heard from now, or ClientException if unknown. */
  async managedCheckIn(id: string): Promise<string> {
    const record = await this.stores.containerInstances.get(MANAGED, MANAGED, id);
    if (!record?.managed || record.status !== 'ACTIVE') throw new ServiceError('ClientException', `Managed instance ${id} is not registered.`);
    await this.heartbeat(MANAGED, MANAGED, id);
    return id;
  }

  async #find(scope: Scope, clusterName: string, ref: string): Promise<ContainerInstanceRecord | undefined> {
    const id = containerInstanceIdOf(scope, clusterName, ref);
    const record = id === undefined ? undefined : await this.stores.containerInstances.get(scope.region, clusterName, id);
    return record && !record.managed && record.status !== 'INACTIVE' ? record : undefined;
  }

  /**
   * The instance an agent re-registers by ARN: the live record, or ClientException for a deregistered
   * one (as ECS answers an agent whose instance was deregistered while it was away).
   */
  async #findForReregistration(scope: Scope, clusterName: string, ref: string): Promise<ContainerInstanceRecord> {
    const id = containerInstanceIdOf(scope, clusterName, ref);
    const record = id === undefined ? undefined : await this.stores.containerInstances.get(scope.region, clusterName, id);
    if (!record || record.managed) throw new ServiceError('InvalidParameterException', 'The referenced container instance was not found.');
    if (record.status === 'INACTIVE') throw new ServiceError('ClientException', `Container instance ${record.id} is inactive.`);
    return record;
  }

  async #customAttributes(scope: Scope, record: ContainerInstanceRecord): Promise<Attribute[]> {
    const arn = containerInstanceArn(scope, record.cluster, record.id);
    const rows = await this.stores.attributes.forTarget(scope.region, record.cluster, arn);
    return rows.map((r) => ({ name: r.name, ...(r.value === null ? {} : { value: r.value }) }));
  }

  async #present(scope: Scope, record: ContainerInstanceRecord, withTags: boolean): Promise<ContainerInstance> {
    const arn = containerInstanceArn(scope, record.cluster, record.id);
    const [snapshot] = await snapshotInstances(this.stores, scope, [record], this.clock.now());
    const { remaining } = snapshot!;
    return presentContainerInstance({
      arn,
      ec2InstanceId: record.ec2InstanceId,
      status: record.status,
      agentConnected: isConnected(record, this.clock.now()),
      version: record.version,
      versionInfo: record.body.versionInfo,
      registeredResources: record.body.registeredResources,
      remainingResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: remaining.cpu },
        { name: 'MEMORY', type: 'INTEGER', integerValue: remaining.memory },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: [...remaining.ports].sort((a, b) => a - b).map(String) },
        { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [...remaining.portsUdp].sort((a, b) => a - b).map(String) },
      ],
      runningTasksCount: snapshot!.runningTasksCount,
      // Live tasks not running yet (or any more): placed, pulling, starting, stopping.
      pendingTasksCount: snapshot!.taskGroups.length - snapshot!.runningTasksCount,
      attributes: [...record.body.attributes, ...(await this.#customAttributes(scope, record))],
      registeredAt: new Date(record.registeredAt),
      ...(withTags ? { tags: await this.stores.tags.list(arn) } : {}),
    });
  }
}

const isConnected = (record: ContainerInstanceRecord, now: number) => now - record.lastSeenAt <= AGENT_QUIET_LIMIT_MS;

/** A MISSING failure names the instance by its full ARN when given a bare id, as DescribeClusters does for names. */
function missing(scope: Scope, clusterName: string, ref: string): Failure {
  const arn = !isArn(ref) && containerInstanceIdOf(scope, clusterName, ref) !== undefined ? containerInstanceArn(scope, clusterName, ref) : ref;
  return { arn, reason: 'MISSING' };
}

/** ListContainerInstances' status filter: every status but INACTIVE by default; the transitional ones (awsvpc trunking) match nothing here. */
function listedStatuses(status: string | undefined): ContainerInstanceStatus[] {
  if (status === undefined) return ['ACTIVE', 'DRAINING'];
  if (status === 'ACTIVE' || status === 'DRAINING') return [status];
  if (status === 'REGISTERING' || status === 'DEREGISTERING' || status === 'REGISTRATION_FAILED') return [];
  throw new ServiceError('InvalidParameterException', `Invalid status ${status}: must be one of ACTIVE, DRAINING, REGISTERING, DEREGISTERING, REGISTRATION_FAILED.`);
}
