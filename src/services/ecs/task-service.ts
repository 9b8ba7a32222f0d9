import type {
  DescribeTasksRequest, DescribeTasksResponse, Failure, ListTasksRequest, ListTasksResponse, RunTaskRequest,
  RunTaskResponse, StopTaskRequest, StopTaskResponse, Task,
} from '@aws-sdk/client-ecs';
import type { TaskAssignment, TaskReport } from '../../domain/ecs/task-contract.js';
import { clusterArn, ecsResourceOf, isArn, parseArn, type Scope } from '../../domain/arn.js';
import { containerInstanceArn, containerInstanceIdOf } from '../../domain/ecs/container-instance.js';
import { validateTags } from '../../domain/ecs/tags.js';
import {
  computePortDemand, computeTaskSize, deriveLastStatus, FARGATE_PLATFORM_VERSION, initialContainers, presentTask, taskArn,
} from '../../domain/ecs/task.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { IdGen } from '../../kit/id-gen.js';
import { computePlacements } from '../../scheduler/placement.js';
import type { Stores } from '../../store/stores.js';
import type { TaskRecord } from '../../store/task-store.js';
import type { ClusterService } from './cluster-service.js';
import { MANAGED } from './container-instance-service.js';
import { resolveLaunch } from './task-launch.js';
import { snapshotInstances } from './task-placement-snapshot.js';
import type { TaskDefinitionService } from './task-definition-service.js';

export interface TaskServiceOptions {
  /** How long STOPPED tasks stay describable (ECS: at least an hour). */
  retentionMs: number;
  /** Randomness for placement ties and the random strategy. */
  random: () => number;
}

/**
 * Tasks: RunTask places them through the pure scheduler and hands them to agents; agents' reports
 * move them along; StopTask asks for the end. The control plane writes desiredStatus, reports
 * write lastStatus (one writer per field).
 */
export class TaskService {
  readonly #listeners = new Set<(instanceId: string) => void>();

  constructor(
    private readonly stores: Stores,
    private readonly clusters: ClusterService,
    private readonly taskDefinitions: TaskDefinitionService,
    private readonly clock: Clock,
    private readonly idGen: IdGen,
    private readonly options: TaskServiceOptions,
  ) {}

  /** Tells `listener` the id of an instance whose assignments changed (agents then fetch them). */
  onAssignmentsChanged(listener: (instanceId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async run(scope: Scope, input: RunTaskRequest): Promise<RunTaskResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) throw new ServiceError('InvalidParameterException', 'count must be between 1 and 10.');
    const definition = await this.taskDefinitions.find(scope, input.taskDefinition!);
    if (!definition) throw new ServiceError('ClientException', 'TaskDefinition not found.');
    if (definition.status !== 'ACTIVE') throw new ServiceError('ClientException', 'TaskDefinition is inactive');
    const tags = validateTags(input.tags);
    const launch = resolveLaunch(input, definition, cluster.body.defaultCapacityProviderStrategy);
    const overrides = input.overrides ?? {};
    const size = computeTaskSize(definition, overrides);
    const ports = computePortDemand(definition);
    const group = input.group ?? `family:${definition.family}`;

    const candidates = launch.launchType === 'FARGATE'
      ? await this.stores.containerInstances.list(MANAGED, MANAGED, { managed: true, statuses: ['ACTIVE'] })
      : await this.stores.containerInstances.list(scope.region, cluster.name, { managed: false, statuses: ['ACTIVE', 'DRAINING'] });
    if (launch.launchType !== 'FARGATE' && candidates.length === 0) {
      throw new ServiceError('InvalidParameterException', 'No Container Instances were found in your cluster.');
    }
    const now = this.clock.now();
    const plan = computePlacements(await snapshotInstances(this.stores, scope, candidates, now), {
      demand: { cpu: size.cpu, memory: size.memory, portMappings: ports, requiresAttributes: (definition.requiresAttributes ?? []).map((a) => a.name!), group },
      count,
      // Fargate chooses its own capacity: constraints and strategies do not apply there.
      constraints: launch.launchType === 'FARGATE' ? [] : [...(definition.placementConstraints ?? []), ...(input.placementConstraints ?? [])],
      strategy: launch.launchType === 'FARGATE' ? [] : input.placementStrategy ?? [],
    }, this.options.random);

    const byArn = new Map(candidates.map((c) => [c.managed ? c.id : containerInstanceArn(scope, c.cluster, c.id), c]));
    const records: TaskRecord[] = plan.placements.map((placement) => {
      const instance = byArn.get(placement.instanceArn)!;
      const hostPorts = placement.hostPorts.map((bound, i) => ({ containerName: ports[i]!.containerName, containerPort: ports[i]!.containerPort ?? 0, hostPort: bound.hostPort, protocol: bound.protocol }));
      const isStatic = (i: number) => ports[i]!.hostPort !== undefined;
      const pick = (protocol: 'tcp' | 'udp', fixed: boolean) => hostPorts.filter((p, i) => p.protocol === protocol && isStatic(i) === fixed).map((p) => p.hostPort);
      return {
        region: scope.region,
        cluster: cluster.name,
        id: this.idGen.hex(16),
        containerInstanceId: instance.id,
        taskDefinitionArn: definition.taskDefinitionArn!,
        family: definition.family!,
        revision: definition.revision!,
        lastStatus: definition.networkMode === 'awsvpc' ? 'PROVISIONING' : 'PENDING',
        desiredStatus: 'RUNNING',
        launchType: launch.launchType,
        group,
        startedBy: input.startedBy ?? '',
        version: 1,
        createdAt: now,
        healthStatus: 'UNKNOWN',
        ...(definition.cpu ?? overrides.cpu ? { cpu: overrides.cpu ?? definition.cpu } : {}),
        ...(definition.memory ?? overrides.memory ? { memory: overrides.memory ?? definition.memory } : {}),
        overrides,
        hostPorts,
        reservation: { cpu: size.cpu, memory: size.memory, ports: pick('tcp', true), portsUdp: pick('udp', true), dynamicPorts: pick('tcp', false), dynamicPortsUdp: pick('udp', false) },
        containers: initialContainers(definition, overrides),
        attachments: [],
        ...(launch.launchType === 'FARGATE' ? { platformVersion: FARGATE_PLATFORM_VERSION } : {}),
        ...(launch.capacityProviderName ? { capacityProviderName: launch.capacityProviderName } : {}),
        ...(instance.body.attributes.find((a) => a.name === 'ecs.availability-zone')?.value ? { availabilityZone: instance.body.attributes.find((a) => a.name === 'ecs.availability-zone')!.value! } : {}),
      };
    });
    await this.stores.transaction(async (tx) => {
      for (const record of records) {
        await tx.tasks.put(record);
        await tx.tags.put(taskArn(scope, record.cluster, record.id), tags);
      }
    });
    for (const instanceId of new Set(records.map((r) => r.containerInstanceId))) this.#notify(instanceId);

    const failures: Failure[] = plan.placements.length < count
      ? (plan.failures.length > 0 ? plan.failures : [{ arn: clusterArn(scope, cluster.name), reason: 'AGENT' }])
          .map((f) => ({ arn: f.arn, reason: f.reason }))
      : [];
    const tasks = await Promise.all(records.map((r) => this.#present(scope, r, tags)));
    return { tasks, failures };
  }

  async stop(scope: Scope, input: StopTaskRequest): Promise<StopTaskResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const record = await this.#find(scope, cluster.name, input.task!);
    if (!record) throw new ServiceError('InvalidParameterException', 'The referenced task was not found.');
    if (record.desiredStatus !== 'STOPPED') {
      const now = this.clock.now();
      record.desiredStatus = 'STOPPED';
      record.stoppingAt = now;
      record.stopCode = 'UserInitiated';
      record.stoppedReason = input.reason ?? 'Task stopped by user';
      if (record.lastStatus !== 'STOPPED') record.lastStatus = deriveLastStatus({ lastStatus: record.lastStatus === 'RUNNING' ? 'RUNNING' : 'PENDING' }, 'STOPPED');
      record.version += 1;
      await this.stores.tasks.put(record);
      this.#notify(record.containerInstanceId);
    }
    return { task: await this.#present(scope, record) };
  }

  async describe(scope: Scope, input: DescribeTasksRequest): Promise<DescribeTasksResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const refs = input.tasks ?? [];
    if (refs.length > 100) throw new ServiceError('InvalidParameterException', 'tasks can have at most 100 items.');
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    const withTags = input.include?.includes('TAGS') ?? false;
    for (const ref of refs) {
      const record = await this.#find(scope, cluster.name, ref);
      if (record) tasks.push(await this.#present(scope, record, withTags ? await this.stores.tags.list(taskArn(scope, record.cluster, record.id)) : undefined));
      else failures.push({ arn: isArn(ref) ? ref : taskArn(scope, cluster.name, ref), reason: 'MISSING' });
    }
    return { tasks, failures };
  }

  async list(scope: Scope, input: ListTasksRequest): Promise<ListTasksResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const size = pageSize(input.maxResults, 100);
    const desiredStatus = input.desiredStatus ?? 'RUNNING';
    if (desiredStatus !== 'RUNNING' && desiredStatus !== 'STOPPED' && desiredStatus !== 'PENDING') {
      throw new ServiceError('InvalidParameterException', 'desiredStatus must be one of [RUNNING, PENDING, STOPPED]');
    }
    const instanceId = input.containerInstance === undefined ? undefined : containerInstanceIdOf(scope, cluster.name, input.containerInstance);
    if (input.containerInstance !== undefined && instanceId === undefined) return { taskArns: [] };
    const after = decodeToken(input.nextToken)?.[0];
    const rows = await this.stores.tasks.list(scope.region, cluster.name, {
      desiredStatus: desiredStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
      family: input.family,
      startedBy: input.startedBy,
      launchType: input.launchType,
      containerInstanceId: instanceId,
      afterId: after === undefined ? undefined : String(after),
      limit: size + 1,
    });
    const visible = rows.filter((r) => this.#visible(r) && (desiredStatus !== 'PENDING' || r.lastStatus === 'PENDING' || r.lastStatus === 'PROVISIONING'));
    const page = toPage(visible, size, (r) => [r.id], (r) => taskArn(scope, r.cluster, r.id));
    return { taskArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  /** What an agent on instance `instanceId` should be running now (and stopping). */
  async assignmentsFor(instanceId: string): Promise<TaskAssignment[]> {
    const assignments: TaskAssignment[] = [];
    for (const record of await this.stores.tasks.liveOnInstance(instanceId)) {
      const scope = scopeOfTask(record);
      const definition = await this.stores.taskDefinitions.get(record.region, record.family, record.revision);
      if (!definition) continue;
      assignments.push({
        taskArn: taskArn(scope, record.cluster, record.id),
        clusterArn: clusterArn(scope, record.cluster),
        version: record.version,
        desiredStatus: record.desiredStatus,
        taskDefinition: definition,
        overrides: record.overrides,
        launchType: record.launchType,
        hostPorts: record.hostPorts,
        ...(record.stopCode === 'UserInitiated' || record.stopCode === 'ServiceSchedulerInitiated' ? { stopCode: record.stopCode } : {}),
        ...(record.stoppedReason ? { stoppedReason: record.stoppedReason } : {}),
      });
    }
    return assignments;
  }

  /** An agent's report: it writes lastStatus, containers and the execution timestamps. */
  async applyReport(report: TaskReport): Promise<void> {
    const parsed = parseArn(report.taskArn);
    const [, cluster, id] = parsed?.resource.split('/') ?? [];
    if (!parsed || !cluster || !id) return;
    const record = await this.stores.tasks.get(parsed.region, cluster, id);
    if (!record || record.lastStatus === 'STOPPED') return;
    record.containers = report.containers;
    record.healthStatus = report.healthStatus;
    record.attachments = report.attachments ?? record.attachments;
    for (const key of ['pullStartedAt', 'pullStoppedAt', 'startedAt', 'executionStoppedAt'] as const) {
      if (report[key] !== undefined) record[key] = report[key];
    }
    if (report.lastStatus === 'STOPPED') {
      record.desiredStatus = 'STOPPED';
      record.stoppedAt = report.stoppedAt ?? this.clock.now();
      record.stoppingAt ??= record.stoppedAt;
      if (!record.stopCode && report.stopCode) record.stopCode = report.stopCode;
      if (!record.stoppedReason && report.stoppedReason) record.stoppedReason = report.stoppedReason;
    }
    record.lastStatus = deriveLastStatus(report, record.desiredStatus);
    record.version += 1;
    await this.stores.tasks.put(record);
  }

  /** Forgets STOPPED tasks past the retention period. */
  async purgeExpired(): Promise<number> {
    return this.stores.tasks.purgeStoppedBefore(this.clock.now() - this.options.retentionMs);
  }

  #visible(record: TaskRecord): boolean {
    return record.lastStatus !== 'STOPPED' || (record.stoppedAt ?? 0) >= this.clock.now() - this.options.retentionMs;
  }

  async #find(scope: Scope, clusterName: string, ref: string): Promise<TaskRecord | undefined> {
    let id = ref;
    if (isArn(ref)) {
      const parts = ecsResourceOf(scope, ref)?.split('/');
      if (parts?.[0] !== 'task' || (parts.length === 3 && parts[1] !== clusterName)) return undefined;
      id = parts.at(-1) ?? '';
    }
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    const record = await this.stores.tasks.get(scope.region, clusterName, id);
    return record && this.#visible(record) ? record : undefined;
  }

  async #present(scope: Scope, record: TaskRecord, tags?: Task['tags']): Promise<Task> {
    let instanceArn: string | undefined;
    if (record.launchType !== 'FARGATE') instanceArn = containerInstanceArn(scope, record.cluster, record.containerInstanceId);
    return presentTask(scope, record, clusterArn(scope, record.cluster), instanceArn, tags);
  }

  #notify(instanceId: string): void {
    for (const listener of this.#listeners) listener(instanceId);
  }
}

const scopeOfTask = (record: TaskRecord): Scope => {
  const parsed = parseArn(record.taskDefinitionArn)!;
  return { region: record.region, accountId: parsed.accountId };
};

