import type {
  Failure, RunTaskRequest, RunTaskResponse, StartTaskRequest, StartTaskResponse, Task,
} from '@aws-sdk/client-ecs';
import { clusterArn, type Scope } from '../../domain/arn.js';
import { containerInstanceArn, containerInstanceIdOf } from '../../domain/ecs/container-instance.js';
import { computeNewTask, type NewTaskInput } from '../../domain/ecs/new-task.js';
import { type ValidTag, validateTags } from '../../domain/ecs/tags.js';
import { computePortDemand, computeTaskSize, presentTask, taskArn } from '../../domain/ecs/task.js';
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

/** What a launch made: the tasks recorded, and what could not be placed (ECS `failures[]`). */
export interface LaunchResult {
  records: TaskRecord[];
  tags: ValidTag[];
  failures: Failure[];
}

/** Tags a service gives its tasks; they replace the request's tag handling. */
export interface ServiceLaunchOptions {
  tags: ValidTag[];
  /** DAEMON: the one instance to place on (by id); REPLICA places through the strategy. */
  instanceId?: string;
}

/**
 * Starting tasks: RunTask and StartTask, and the service controller's launches. Each places
 * through the pure scheduler on a snapshot of the cluster, records the tasks in one transaction
 * and tells their agents.
 */
export class TaskLauncher {
  constructor(
    private readonly stores: Stores,
    private readonly clusters: ClusterService,
    private readonly taskDefinitions: TaskDefinitionService,
    private readonly clock: Clock,
    private readonly idGen: IdGen,
    private readonly random: () => number,
    private readonly notify: (instanceId: string) => void,
  ) {}

  async run(scope: Scope, input: RunTaskRequest): Promise<RunTaskResponse> {
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) throw new ServiceError('InvalidParameterException', 'count must be between 1 and 10.');
    const launch = await this.#prepare(scope, input);
    return this.#answer(scope, await this.#place(scope, launch, input, count, true));
  }

  /** A service's tasks: `count` of them, placed as RunTask places (failures are data, never thrown). */
  async launchForService(scope: Scope, input: RunTaskRequest, count: number, options: ServiceLaunchOptions): Promise<LaunchResult> {
    const launch = await this.#prepare(scope, input, { tags: options.tags, allowInactive: true });
    if (options.instanceId === undefined) return this.#place(scope, launch, input, count, false);
    const record = await this.stores.containerInstances.get(scope.region, launch.cluster, options.instanceId);
    return this.#placeOn(scope, launch, record ? [record] : []);
  }

  /** StartTask: one task on each named container instance, no placement strategy. */
  async start(scope: Scope, input: StartTaskRequest): Promise<StartTaskResponse> {
    const refs = input.containerInstances ?? [];
    if (refs.length < 1 || refs.length > 10) throw new ServiceError('InvalidParameterException', 'containerInstances must name between 1 and 10 container instances.');
    const launch = await this.#prepare(scope, { ...input, launchType: 'EC2' });
    const found: ContainerInstanceRecord[] = [];
    const missing: Failure[] = [];
    for (const ref of refs) {
      const id = containerInstanceIdOf(scope, launch.cluster, ref);
      const record = id === undefined ? undefined : await this.stores.containerInstances.get(scope.region, launch.cluster, id);
      if (!record || record.managed || record.status === 'INACTIVE') missing.push({ arn: ref, reason: 'MISSING' });
      else found.push(record);
    }
    const result = await this.#placeOn(scope, launch, found);
    return this.#answer(scope, { ...result, failures: [...missing, ...result.failures] });
  }

  /** Places `count` tasks on the cluster's capacity (Berth-managed for FARGATE). */
  async #place(scope: Scope, launch: PreparedLaunch, input: RunTaskRequest, count: number, throwIfNoInstances: boolean): Promise<LaunchResult> {
    const fargate = launch.launchType === 'FARGATE';
    const candidates = fargate
      ? await this.stores.containerInstances.list(MANAGED, MANAGED, { managed: true, statuses: ['ACTIVE'] })
      : await this.stores.containerInstances.list(scope.region, launch.cluster, { managed: false, statuses: ['ACTIVE', 'DRAINING'] });
    if (!fargate && candidates.length === 0 && throwIfNoInstances) throw new ServiceError('InvalidParameterException', 'No Container Instances were found in your cluster.');
    const plan = computePlacements(await snapshotInstances(this.stores, scope, candidates, this.clock.now()), {
      demand: launch.demand,
      count,
      // Fargate chooses its own capacity: constraints and strategies do not apply there.
      constraints: fargate ? [] : [...(launch.definition.placementConstraints ?? []), ...(input.placementConstraints ?? [])],
      strategy: fargate ? [] : input.placementStrategy ?? [],
    }, this.random);
    const failures: Failure[] = plan.placements.length < count
      ? (plan.failures.length > 0 ? plan.failures : [{ arn: clusterArn(scope, launch.cluster), reason: 'AGENT' }])
      : [];
    return this.#record(scope, launch, plan.placements, candidates, failures);
  }

  /** One task on each of `instances`, each placed alone (resources and ports still checked). */
  async #placeOn(scope: Scope, launch: PreparedLaunch, instances: readonly ContainerInstanceRecord[]): Promise<LaunchResult> {
    const placements: TaskPlacement[] = [];
    const failures: Failure[] = [];
    // One read for every instance; each is then placed on alone.
    for (const snapshot of await snapshotInstances(this.stores, scope, instances, this.clock.now())) {
      const plan = computePlacements([snapshot], {
        demand: launch.demand, count: 1, constraints: [], strategy: [],
      }, this.random);
      placements.push(...plan.placements);
      failures.push(...plan.failures);
    }
    return this.#record(scope, launch, placements, instances, failures);
  }

  /**
   * What every launch checks and works out before placing: cluster, definition, size, ports, and
   * tags (`tags` as given, else from the request). Services keep running a definition deregistered
   * after they started using it (`allowInactive`); RunTask does not.
   */
  async #prepare(scope: Scope, input: RunTaskRequest | StartTaskRequest, { tags, allowInactive = false }: { tags?: ValidTag[]; allowInactive?: boolean } = {}): Promise<PreparedLaunch> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const definition = await this.taskDefinitions.find(scope, input.taskDefinition!);
    if (!definition) throw new ServiceError('ClientException', 'TaskDefinition not found.');
    if (definition.status !== 'ACTIVE' && !allowInactive) throw new ServiceError('ClientException', 'TaskDefinition is inactive');
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
      tags: tags ?? await this.#taskTags(cluster.name, definition.taskDefinitionArn!, input),
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

  /** Records the placed tasks in one transaction and tells their agents. */
  async #record(scope: Scope, launch: PreparedLaunch, placements: readonly TaskPlacement[], candidates: readonly ContainerInstanceRecord[], failures: Failure[]): Promise<LaunchResult> {
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
    for (const instanceId of new Set(records.map((r) => r.containerInstanceId))) this.notify(instanceId);
    return { records, tags: launch.tags, failures: failures.map((f) => ({ arn: f.arn, reason: f.reason })) };
  }

  #answer(scope: Scope, result: LaunchResult): RunTaskResponse {
    const tasks: Task[] = result.records.map((r) => presentTaskIn(scope, r, result.tags));
    return { tasks, failures: result.failures };
  }
}

/** A task as the API shows it, with its instance ARN unless it runs on managed (Fargate) capacity. */
export function presentTaskIn(scope: Scope, record: TaskRecord, tags?: Task['tags']): Task {
  const instanceArn = record.launchType === 'FARGATE' ? undefined : containerInstanceArn(scope, record.cluster, record.containerInstanceId);
  return presentTask(scope, record, clusterArn(scope, record.cluster), instanceArn, tags);
}
