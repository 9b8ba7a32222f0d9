import type {
  DescribeTasksRequest, DescribeTasksResponse, Failure, ListTasksRequest, ListTasksResponse, RunTaskRequest,
  RunTaskResponse, StartTaskRequest, StartTaskResponse, StopTaskRequest, StopTaskResponse, Task,
} from '@aws-sdk/client-ecs';
import type { TaskAssignment, TaskReport } from '../../domain/ecs/task-contract.js';
import { clusterArn, ecsResourceOf, isArn, parseArn, type Scope } from '../../domain/arn.js';
import { containerInstanceArn, containerInstanceIdOf } from '../../domain/ecs/container-instance.js';
import { computeNewTask, type NewTaskInput } from '../../domain/ecs/new-task.js';
import { type ValidTag, validateTags } from '../../domain/ecs/tags.js';
import { computePortDemand, computeTaskSize, deriveLastStatus, presentTask, taskArn } from '../../domain/ecs/task.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { IdGen } from '../../kit/id-gen.js';
import { computePlacements } from '../../scheduler/placement.js';
import type { TaskDemand, TaskPlacement } from '../../scheduler/placement-types.js';
import type { ContainerInstanceRecord } from '../../store/container-instance-store.js';
import type { Stores } from '../../store/stores.js';
import type { TaskRecord } from '../../store/task-store.js';
import type { ClusterService } from './cluster-service.js';
import { MANAGED } from './container-instance-service.js';
import { type Launch, resolveLaunch } from './task-launch.js';
import { snapshotInstances } from './task-placement-snapshot.js';
import type { TaskDefinitionService } from './task-definition-service.js';

interface PreparedLaunch extends Launch, Omit<NewTaskInput, 'region' | 'id' | 'instanceId' | 'availabilityZone' | 'hostPorts' | 'now'> {
  tags: ValidTag[];
  demand: TaskDemand;
}

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
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) throw new ServiceError('InvalidParameterException', 'count must be between 1 and 10.');
    const launch = await this.#prepare(scope, input);
    const fargate = launch.launchType === 'FARGATE';
    const candidates = fargate
      ? await this.stores.containerInstances.list(MANAGED, MANAGED, { managed: true, statuses: ['ACTIVE'] })
      : await this.stores.containerInstances.list(scope.region, launch.cluster, { managed: false, statuses: ['ACTIVE', 'DRAINING'] });
    if (!fargate && candidates.length === 0) throw new ServiceError('InvalidParameterException', 'No Container Instances were found in your cluster.');
    const plan = computePlacements(await snapshotInstances(this.stores, scope, candidates, this.clock.now()), {
      demand: launch.demand,
      count,
      // Fargate chooses its own capacity: constraints and strategies do not apply there.
      constraints: fargate ? [] : [...(launch.definition.placementConstraints ?? []), ...(input.placementConstraints ?? [])],
      strategy: fargate ? [] : input.placementStrategy ?? [],
    }, this.options.random);
    const failures: Failure[] = plan.placements.length < count
      ? (plan.failures.length > 0 ? plan.failures : [{ arn: clusterArn(scope, launch.cluster), reason: 'AGENT' }])
      : [];
    return this.#launch(scope, launch, plan.placements, candidates, failures);
  }

  /** StartTask: one task on each named container instance, no placement strategy. */
  async start(scope: Scope, input: StartTaskRequest): Promise<StartTaskResponse> {
    const refs = input.containerInstances ?? [];
    if (refs.length < 1 || refs.length > 10) throw new ServiceError('InvalidParameterException', 'containerInstances must name between 1 and 10 container instances.');
    const launch = await this.#prepare(scope, { ...input, launchType: 'EC2' });
    const candidates: ContainerInstanceRecord[] = [];
    const placements: TaskPlacement[] = [];
    const failures: Failure[] = [];
    const now = this.clock.now();
    for (const ref of refs) {
      const id = containerInstanceIdOf(scope, launch.cluster, ref);
      const record = id === undefined ? undefined : await this.stores.containerInstances.get(scope.region, launch.cluster, id);
      if (!record || record.managed || record.status === 'INACTIVE') {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      candidates.push(record);
      const plan = computePlacements(await snapshotInstances(this.stores, scope, [record], now), {
        demand: launch.demand, count: 1, constraints: [], strategy: [],
      }, this.options.random);
      placements.push(...plan.placements);
      failures.push(...plan.failures);
    }
    return this.#launch(scope, launch, placements, candidates, failures);
  }

  /** What every launch checks and works out before placing: cluster, definition, size, ports. */
  async #prepare(scope: Scope, input: RunTaskRequest | StartTaskRequest): Promise<PreparedLaunch> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const definition = await this.taskDefinitions.find(scope, input.taskDefinition!);
    if (!definition) throw new ServiceError('ClientException', 'TaskDefinition not found.');
    if (definition.status !== 'ACTIVE') throw new ServiceError('ClientException', 'TaskDefinition is inactive');
    const overrides = input.overrides ?? {};
    const size = computeTaskSize(definition, overrides);
    const ports = computePortDemand(definition);
    const group = input.group ?? `family:${definition.family}`;
    return {
      ...resolveLaunch(input, definition, cluster.body.defaultCapacityProviderStrategy),
      cluster: cluster.name,
      definition,
      overrides,
      ports,
      tags: await this.#taskTags(cluster.name, definition.taskDefinitionArn!, input),
      startedBy: input.startedBy ?? '',
      group,
      demand: { cpu: size.cpu, memory: size.memory, portMappings: ports, requiresAttributes: (definition.requiresAttributes ?? []).map((a) => a.name!), group },
    };
  }

  /**
   * A new task's tags: the request's, plus its definition's with `propagateTags: TASK_DEFINITION`
   * (the request's win), plus ECS's managed `aws:ecs:clusterName` with `enableECSManagedTags`.
   */
  async #taskTags(clusterName: string, definitionArn: string, input: RunTaskRequest | StartTaskRequest): Promise<ValidTag[]> {
    const own = validateTags(input.tags);
    if (input.propagateTags !== undefined && !['TASK_DEFINITION', 'SERVICE', 'NONE'].includes(input.propagateTags)) {
      throw new ServiceError('InvalidParameterException', 'propagateTags must be one of [TASK_DEFINITION, SERVICE, NONE]');
    }
    if (input.propagateTags === 'SERVICE') throw new ServiceError('InvalidParameterException', 'Tags can only be propagated from a service for tasks a service starts.');
    const inherited = input.propagateTags === 'TASK_DEFINITION' ? await this.stores.tags.list(definitionArn) : [];
    const tags = new Map([...inherited, ...own].map((t) => [t.key, t.value]));
    if (input.enableECSManagedTags) tags.set('aws:ecs:clusterName', clusterName);
    return [...tags].map(([key, value]) => ({ key, value }));
  }

  /** Records the placed tasks in one transaction, tells their agents, and answers as RunTask does. */
  async #launch(scope: Scope, launch: PreparedLaunch, placements: readonly TaskPlacement[], candidates: readonly ContainerInstanceRecord[], failures: Failure[]): Promise<RunTaskResponse> {
    const byArn = new Map(candidates.map((c) => [c.managed ? c.id : containerInstanceArn(scope, c.cluster, c.id), c]));
    const now = this.clock.now();
    const records = placements.map((placement) => {
      const instance = byArn.get(placement.instanceArn)!;
      return computeNewTask({
        ...launch,
        region: scope.region,
        id: this.idGen.hex(16),
        instanceId: instance.id,
        availabilityZone: instance.body.attributes.find((a) => a.name === 'ecs.availability-zone')?.value,
        hostPorts: placement.hostPorts,
        now,
      });
    });
    await this.stores.transaction(async (tx) => {
      for (const record of records) {
        await tx.tasks.put(record);
        await tx.tags.put(taskArn(scope, record.cluster, record.id), launch.tags);
      }
    });
    for (const instanceId of new Set(records.map((r) => r.containerInstanceId))) this.#notify(instanceId);
    const tasks = await Promise.all(records.map((r) => this.#present(scope, r, launch.tags)));
    return { tasks, failures: failures.map((f) => ({ arn: f.arn, reason: f.reason })) };
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
    // A stopped task leaves its agent's assignments: tell it now, so it cleans up without waiting.
    if (record.lastStatus === 'STOPPED') this.#notify(record.containerInstanceId);
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

