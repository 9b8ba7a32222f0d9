import type {
  DescribeTasksRequest, DescribeTasksResponse, Failure, ListTasksRequest, ListTasksResponse, RunTaskRequest,
  RunTaskResponse, StartTaskRequest, StartTaskResponse, StopTaskRequest, StopTaskResponse, Task,
} from '@aws-sdk/client-ecs';
import type { RegistryCredentials, TaskAssignment, TaskReport } from '../../domain/ecs/task-contract.js';
import { clusterArn, ecsResourceOf, isArn, parseArn, type Scope } from '../../domain/arn.js';
import { containerInstanceIdOf } from '../../domain/ecs/container-instance.js';
import { serviceGroup, serviceKey, serviceNameOf, serviceOfGroup } from '../../domain/ecs/service-record.js';
import { deriveLastStatus, taskArn } from '../../domain/ecs/task.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { IdGen } from '../../kit/id-gen.js';
import type { Stores } from '../../store/stores.js';
import type { TaskRecord } from '../../store/task-store.js';
import type { ClusterService } from './cluster-service.js';
import type { TaskDefinitionService } from './task-definition-service.js';
import { presentTaskIn, TaskLauncher } from './task-launcher.js';

export interface TaskServiceOptions {
  /** How long STOPPED tasks stay describable (ECS: at least an hour). */
  retentionMs: number;
  /** Randomness for placement ties and the random strategy. */
  random: () => number;
  /**
   * Takes a service task out of its load balancers before StopTask stops it (ECS's DEACTIVATING);
   * resolves to how long its connections drain.
   */
  drainTargets?: (record: TaskRecord) => Promise<number>;
  /** Credentials agents pull these images with, in this region (Berth's registry tokens). */
  registryCredentials?: (region: string, images: readonly string[]) => RegistryCredentials[];
}

/**
 * Tasks: RunTask places them through the pure scheduler and hands them to agents; agents' reports
 * move them along; StopTask asks for the end. The control plane writes desiredStatus, reports
 * write lastStatus (one writer per field).
 */
export class TaskService {
  readonly #listeners = new Set<(instanceId: string) => void>();
  readonly #serviceTaskListeners = new Set<(key: string) => void>();
  /** RunTask, StartTask and the service controller's launches. */
  readonly launcher: TaskLauncher;

  constructor(
    private readonly stores: Stores,
    private readonly clusters: ClusterService,
    taskDefinitions: TaskDefinitionService,
    private readonly clock: Clock,
    idGen: IdGen,
    private readonly options: TaskServiceOptions,
  ) {
    this.launcher = new TaskLauncher(stores, clusters, taskDefinitions, clock, idGen, options.random, (id) => this.#notify(id));
  }

  /** Tells `listener` the serviceKey of a service one of whose tasks an agent reported on. */
  onServiceTaskReport(listener: (key: string) => void): () => void {
    this.#serviceTaskListeners.add(listener);
    return () => this.#serviceTaskListeners.delete(listener);
  }

  /** Tells `listener` the id of an instance whose assignments changed (agents then fetch them). */
  onAssignmentsChanged(listener: (instanceId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  run(scope: Scope, input: RunTaskRequest): Promise<RunTaskResponse> {
    return this.launcher.run(scope, input);
  }

  start(scope: Scope, input: StartTaskRequest): Promise<StartTaskResponse> {
    return this.launcher.start(scope, input);
  }

  async stop(scope: Scope, input: StopTaskRequest): Promise<StopTaskResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const record = await this.#find(scope, cluster.name, input.task!);
    if (!record) throw new ServiceError('InvalidParameterException', 'The referenced task was not found.');
    const drainMs = record.loadBalancerTargets && this.#running(record) ? await this.options.drainTargets?.(record) : undefined;
    await this.#requestStop(record, 'UserInitiated', input.reason ?? 'Task stopped by user', drainMs ? this.clock.now() + drainMs : undefined);
    return { task: await this.#present(scope, record) };
  }

  /**
   * The service scheduler stops a task (scale-in, replacement, failed health checks). With
   * `drainUntil` the task first drains from its load balancers (DEACTIVATING): its agent keeps it
   * running until releaseDrained.
   */
  stopForService(record: TaskRecord, reason: string, drainUntil?: number): Promise<void> {
    return this.#requestStop(record, 'ServiceSchedulerInitiated', reason, drainUntil);
  }

  #running(record: TaskRecord): boolean {
    return record.desiredStatus === 'RUNNING' && record.lastStatus === 'RUNNING';
  }

  /** A drained task may stop now: its agent is told. */
  async releaseDrained(record: TaskRecord): Promise<void> {
    if (record.drainUntil === undefined) return;
    const fresh = await this.#update(record, (r) => {
      delete r.drainUntil;
      if (r.lastStatus === 'DEACTIVATING') r.lastStatus = 'STOPPING';
    });
    if (fresh) this.#notify(fresh.containerInstanceId);
  }

  /** Records the load balancer targets the service registered for a task. */
  async setLoadBalancerTargets(record: TaskRecord, targets: TaskRecord['loadBalancerTargets']): Promise<void> {
    await this.#update(record, (r) => { r.loadBalancerTargets = targets; });
  }

  /** Changes a task as stored now (an agent's report may have landed since `record` was read); false-y when gone. */
  async #update(record: TaskRecord, change: (fresh: TaskRecord) => void): Promise<TaskRecord | undefined> {
    const fresh = await this.stores.transaction(async (tx) => {
      const current = await tx.tasks.get(record.region, record.cluster, record.id);
      if (!current) return undefined;
      change(current);
      current.version += 1;
      await tx.tasks.put(current);
      return current;
    });
    if (fresh) Object.assign(record, fresh);
    return fresh;
  }

  /**
   * The control plane's half of a stop: desiredStatus STOPPED with why; the agent does the rest
   * (after `drainUntil`, for a running task draining from its load balancers).
   */
  async #requestStop(record: TaskRecord, stopCode: 'UserInitiated' | 'ServiceSchedulerInitiated', reason: string, drainUntil?: number): Promise<void> {
    if (record.desiredStatus === 'STOPPED') return;
    if (drainUntil !== undefined && this.#running(record)) record.drainUntil = drainUntil;
    record.desiredStatus = 'STOPPED';
    record.stoppingAt = this.clock.now();
    record.stopCode = stopCode;
    record.stoppedReason = reason;
    if (record.lastStatus !== 'STOPPED') record.lastStatus = deriveLastStatus({ lastStatus: record.lastStatus === 'RUNNING' ? 'RUNNING' : 'PENDING' }, 'STOPPED', record.drainUntil);
    record.version += 1;
    await this.stores.tasks.put(record);
    this.#notify(record.containerInstanceId);
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
      group: input.serviceName === undefined ? undefined : serviceGroup(serviceNameOf(input.serviceName)),
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
      const images = (definition.containerDefinitions ?? []).flatMap((c) => (c.image ? [c.image] : []));
      // A task draining from its load balancers is still RUNNING to its agent.
      const draining = record.drainUntil !== undefined;
      const desiredStatus = draining ? 'RUNNING' : record.desiredStatus;
      const credentials = desiredStatus === 'RUNNING' ? this.options.registryCredentials?.(record.region, images) ?? [] : [];
      assignments.push({
        taskArn: taskArn(scope, record.cluster, record.id),
        clusterArn: clusterArn(scope, record.cluster),
        version: record.version,
        desiredStatus,
        taskDefinition: definition,
        overrides: record.overrides,
        launchType: record.launchType,
        hostPorts: record.hostPorts,
        ...(credentials.length > 0 ? { registryCredentials: credentials } : {}),
        ...(!draining && (record.stopCode === 'UserInitiated' || record.stopCode === 'ServiceSchedulerInitiated') ? { stopCode: record.stopCode } : {}),
        ...(!draining && record.stoppedReason ? { stoppedReason: record.stoppedReason } : {}),
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
    record.lastStatus = deriveLastStatus(report, record.desiredStatus, record.drainUntil);
    record.version += 1;
    await this.#saveStopAware(record);
    const owner = serviceOfGroup(record.group);
    if (owner !== undefined) for (const listener of this.#serviceTaskListeners) listener(serviceKey(record.region, record.cluster, owner));
    // A stopped task leaves its agent's assignments: tell it now, so it cleans up without waiting.
    if (record.lastStatus === 'STOPPED') this.#notify(record.containerInstanceId);
  }

  /**
   * A task whose instance left the cluster (deregistered with force): no agent will report on it
   * again, so the control plane records it STOPPED itself.
   */
  async stopOrphaned(record: TaskRecord): Promise<void> {
    if (record.lastStatus === 'STOPPED') return;
    const now = this.clock.now();
    record.desiredStatus = 'STOPPED';
    record.lastStatus = 'STOPPED';
    record.stoppingAt ??= now;
    record.stoppedAt = now;
    record.stopCode ??= 'UserInitiated';
    record.stoppedReason ??= 'Container instance deregistration forced by user';
    record.version += 1;
    await this.#saveStopAware(record);
  }

  /** Saves a task; a service's task that has just STOPPED also goes to its service's outbox, in the same transaction. */
  async #saveStopAware(record: TaskRecord): Promise<void> {
    const service = record.lastStatus === 'STOPPED' ? serviceOfGroup(record.group) : undefined;
    if (service === undefined) return this.stores.tasks.put(record);
    // The service controller accounts for every stop of its tasks exactly once (outbox).
    await this.stores.transaction(async (tx) => {
      await tx.tasks.put(record);
      await tx.services.addTaskStop(record.region, record.cluster, service, record.id);
    });
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
    return presentTaskIn(scope, record, tags);
  }

  #notify(instanceId: string): void {
    for (const listener of this.#listeners) listener(instanceId);
  }
}

const scopeOfTask = (record: TaskRecord): Scope => {
  const parsed = parseArn(record.taskDefinitionArn)!;
  return { region: record.region, accountId: parsed.accountId };
};

