/**
 * The service controller: one level-triggered pass per service keeps its tasks at the desired
 * count and rolls its deployments forward (DESIGN.md "Controllers are level-triggered"). A pass
 * reads the service, its live tasks and the instances, accounts for the tasks that stopped since
 * the last pass (an outbox, so each counts once), asks the pure plan what to stop and start, does
 * that through the task service, and writes the service back only if nobody changed it meanwhile.
 * A restart anywhere repeats nothing: the next pass sees what the last one did.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { Scope } from '../domain/arn.js';
import { deploymentIdsFrom, schedulerStopReasons, serviceMessages } from '../domain/ecs/service-deployment.js';
import { addServiceEvent, serviceGroup, serviceKey, serviceOfGroup, type ServiceRecord } from '../domain/ecs/service-record.js';
import type { Clock } from '../kit/clock.js';
import type { IdGen } from '../kit/id-gen.js';
import { computeServicePlan, type PlanInstance, type PlanTask, type StopReason } from '../scheduler/service-plan.js';
import { accountTaskStop, noteHealthyTasks, settleDeployments, tripCircuitBreaker } from '../scheduler/service-rollout.js';
import type { LaunchResult } from '../services/ecs/task-launcher.js';
import { MANAGED } from '../services/ecs/container-instance-service.js';
import type { TaskService } from '../services/ecs/task-service.js';
import type { Stores } from '../store/stores.js';
import type { ContainerInstanceRecord } from '../store/container-instance-store.js';
import type { ServiceTaskStop } from '../store/service-store.js';
import type { LoadBalancerTarget } from '../domain/ecs/task-record.js';
import type { TaskRecord } from '../store/task-store.js';
import { computeDaemonEligibility } from './daemon-eligibility.js';
import type { ServiceHistory } from '../services/ecs/service-history.js';
import { serviceLaunchRequest, serviceTaskTags } from './service-launch.js';
import {
  computeTargetHealth, computeTaskTargets, deregisterTargets, registerTargets, type TargetRegistry, type TaskTargetHealth,
} from './service-targets.js';

export interface ServiceControllerDeps {
  stores: Stores;
  tasks: TaskService;
  history: ServiceHistory;
  clock: Clock;
  idGen: IdGen;
  accountId: string;
  log: (line: string) => void;
  /** Where services with `loadBalancers` register their tasks (ELBv2); without it they are not registered. */
  targets?: TargetRegistry;
}

/** At most this many tasks start per service per pass, so a pass stays short. */
const MAX_STARTS_PER_PASS = 50;
const STOPS_PER_PASS = 200;
const ALL_STOPS_PER_PASS = 5_000;

/**
 * What one pass reads once for all services: container instances per cluster (many services share
 * them), and on a full pass every service's live tasks and pending stops (two reads, not two a service).
 */
interface PassReads {
  instances: Map<string, Promise<ContainerInstanceRecord[]>>;
  tasks?: Map<string, TaskRecord[]>;
  stops?: Map<string, ServiceTaskStop[]>;
}

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
};

export class ServiceController {
  /** Whether a task definition has an essential health check; definitions never change, so this is kept. */
  readonly #healthChecked = new Map<string, boolean>();

  constructor(private readonly deps: ServiceControllerDeps) {}

  /** One pass over every ACTIVE or DRAINING service, or just those `only` names (serviceKey). */
  async reconcileAll(only?: ReadonlySet<string>): Promise<void> {
    const { stores } = this.deps;
    const reads: PassReads = { instances: new Map() };
    if (only === undefined) {
      reads.tasks = groupBy(await stores.tasks.liveServiceTasks(), (t) => serviceKey(t.region, t.cluster, serviceOfGroup(t.group)!));
      reads.stops = groupBy(await stores.services.allPendingTaskStops(ALL_STOPS_PER_PASS), (s) => serviceKey(s.region, s.cluster, s.service));
    }
    const services = only === undefined
      ? await this.deps.stores.services.listLive()
      : (await Promise.all([...only].map((key) => this.#get(key)))).filter((s) => s !== undefined && s.status !== 'INACTIVE');
    for (const service of services as ServiceRecord[]) {
      await this.reconcile(service, reads).catch((error: unknown) =>
        this.deps.log(`service ${service.cluster}/${service.name}: reconcile failed: ${error instanceof Error ? error.stack : String(error)}`));
    }
  }

  async reconcile(service: ServiceRecord, reads: PassReads = { instances: new Map() }): Promise<void> {
    const { stores, clock } = this.deps;
    const key = serviceKey(service.region, service.cluster, service.name);
    const before = fingerprint(service);
    const scope: Scope = { region: service.region, accountId: this.deps.accountId };
    const now = clock.now();
    const say = (message: string) => addServiceEvent(service, this.deps.idGen.uuid(), message, now);

    const stops = reads.stops ? (reads.stops.get(key) ?? []) : await stores.services.pendingTaskStops(service.region, service.cluster, service.name, STOPS_PER_PASS);
    for (const stop of stops) {
      const task = await stores.tasks.get(service.region, service.cluster, stop.taskId);
      if (!task) continue;
      accountTaskStop(service, task, now, say);
      // A task that died on its own leaves its targets behind: take them out of rotation.
      if (task.loadBalancerTargets && task.drainUntil === undefined && this.deps.targets) await deregisterTargets(scope, this.deps.targets, task.loadBalancerTargets);
    }
    const instances = await this.#instances(scope, service, reads.instances);
    const live = reads.tasks ? (reads.tasks.get(key) ?? []) : await stores.tasks.liveInGroup(service.region, service.cluster, serviceGroup(service.name));
    const records = await this.#withoutOrphans(live, instances);
    const targetHealth = await this.#tendTargets(scope, service, records, now, say);
    const tasks = await this.#planTasks(records, targetHealth);
    noteHealthyTasks(service, tasks, now);
    const tripped = tripCircuitBreaker(service, now, deploymentIdsFrom((n) => this.deps.idGen.hex(n)), say);
    if (tripped.failed) await this.deps.history.changed(service, tripped.failed);
    if (tripped.rollback) await this.deps.history.started(scope, service, tripped.rollback);

    const primary = service.deployments[0]!;
    const desiredCount = service.status === 'ACTIVE' ? service.desiredCount : 0;
    const plan = computeServicePlan({
      schedulingStrategy: service.schedulingStrategy,
      desiredCount: service.schedulingStrategy === 'DAEMON' ? [...instances.values()].filter((i) => i.eligible).length : desiredCount,
      minimumHealthyPercent: service.deploymentConfiguration.minimumHealthyPercent,
      maximumPercent: service.deploymentConfiguration.maximumPercent,
      healthCheckGracePeriodMs: (service.healthCheckGracePeriodSeconds ?? 0) * 1000,
      primaryDeploymentId: primary.id,
      launchesAllowed: service.status === 'ACTIVE' && primary.rolloutState !== 'FAILED' && now >= service.throttle.notBefore,
      tasks,
      instances: service.status === 'ACTIVE' ? instances : new Map(),
      now,
    });

    await this.#stop(scope, service, records, plan.stop, targetHealth, say);
    const started = service.schedulingStrategy === 'DAEMON'
      ? await this.#startOn(scope, service, plan.startOn, say)
      : await this.#start(scope, service, Math.min(plan.start, MAX_STARTS_PER_PASS), say);
    if (plan.blocked) sayOnce(service, serviceMessages.blocked(service.name), say);

    const after = [...tasks.map((t) => (plan.stop.some((s) => s.taskId === t.id) ? { ...t, desiredStatus: 'STOPPED' as const } : t)), ...started];
    const changed = settleDeployments(service, after, service.schedulingStrategy === 'DAEMON' ? after.filter((t) => t.desiredStatus === 'RUNNING').length : desiredCount, now, say);
    if (service.status === 'DRAINING' && after.every((t) => t.lastStatus === 'STOPPED')) service.status = 'INACTIVE';
    for (const deployment of changed) await this.deps.history.changed(service, deployment);

    const last = stops.at(-1);
    // A pass that changed nothing writes nothing (steady services cost reads only).
    if (!last && fingerprint(service) === before) return;
    service.updatedAt = now;
    await stores.transaction(async (tx) => {
      if (!(await tx.services.update(service))) return;
      if (last) await tx.services.ackTaskStops(service.region, service.cluster, service.name, last.seq);
    });
  }

  #get(key: string): Promise<ServiceRecord | undefined> {
    const [region = '', cluster = '', name = ''] = key.split('/');
    return this.deps.stores.services.get(region, cluster, name);
  }

  /** Tasks on instances that left the cluster are recorded STOPPED (and replaced on the next pass). */
  async #withoutOrphans(records: TaskRecord[], instances: ReadonlyMap<string, PlanInstance>): Promise<TaskRecord[]> {
    const kept: TaskRecord[] = [];
    for (const record of records) {
      if (instances.has(record.containerInstanceId)) kept.push(record);
      else await this.deps.tasks.stopOrphaned(record);
    }
    return kept;
  }

  async #stop(
    scope: Scope, service: ServiceRecord, records: readonly TaskRecord[], stops: readonly { taskId: string; reason: StopReason }[],
    targetHealth: ReadonlyMap<string, TaskTargetHealth> | undefined, say: (m: string) => void,
  ): Promise<void> {
    if (stops.length === 0) return;
    const byId = new Map(records.map((r) => [r.id, r]));
    const deregistered: LoadBalancerTarget[] = [];
    let draining = 0;
    for (const { taskId, reason } of stops) {
      const record = byId.get(taskId)!;
      if (reason === 'unhealthy') say(serviceMessages.failedHealthChecks(service.name, taskId));
      const unhealthy = reason === 'elb-unhealthy' ? targetHealth?.get(taskId)?.unhealthy : undefined;
      if (unhealthy) say(serviceMessages.unhealthyInTargetGroup(service.name, taskId, unhealthy.target, unhealthy.description));
      // Out of the load balancers first; the task runs on (DEACTIVATING) while its connections drain.
      const drainMs = record.loadBalancerTargets && this.deps.targets ? await deregisterTargets(scope, this.deps.targets, record.loadBalancerTargets) : 0;
      deregistered.push(...(record.loadBalancerTargets ?? []));
      if (drainMs > 0) draining += 1;
      const why = unhealthy ? schedulerStopReasons.elbUnhealthy(unhealthy.target.targetGroupArn) : stopReason(reason, record.startedBy);
      await this.deps.tasks.stopForService(record, why, drainMs > 0 ? this.deps.clock.now() + drainMs : undefined);
    }
    for (const [group, n] of countByGroup(deregistered)) say(serviceMessages.deregisteredTargets(service.name, n, group));
    if (draining > 0) say(serviceMessages.drainingConnections(service.name, draining));
    say(serviceMessages.stopped(service.name, stops.map((s) => s.taskId)));
  }

  /**
   * Load balancers: registers tasks that now run, lets go of tasks whose drain is over, and reads
   * every task's target health (undefined for a service without load balancers).
   */
  async #tendTargets(
    scope: Scope, service: ServiceRecord, records: readonly TaskRecord[], now: number, say: (m: string) => void,
  ): Promise<Map<string, TaskTargetHealth> | undefined> {
    const registry = this.deps.targets;
    if (!registry || service.loadBalancers.length === 0) return undefined;
    const registered: LoadBalancerTarget[] = [];
    for (const record of records) {
      if (record.drainUntil !== undefined && record.drainUntil <= now) await this.deps.tasks.releaseDrained(record);
      if (record.loadBalancerTargets || record.desiredStatus !== 'RUNNING' || record.lastStatus !== 'RUNNING') continue;
      const targets = await computeTaskTargets(record, service.loadBalancers, registry, async (id) => (await this.deps.stores.containerInstances.get(record.region, record.cluster, id))?.ec2InstanceId);
      if (!targets) continue;
      try {
        await registerTargets(scope, registry, targets);
        await this.deps.tasks.setLoadBalancerTargets(record, targets);
        registered.push(...targets);
      } catch (error) {
        this.deps.log(`service ${service.cluster}/${service.name}: cannot register task ${record.id}: ${String(error)}`);
      }
    }
    for (const [group, n] of countByGroup(registered)) say(serviceMessages.registeredTargets(service.name, n, group));
    return computeTargetHealth(registry, records);
  }


  async #start(scope: Scope, service: ServiceRecord, count: number, say: (m: string) => void): Promise<PlanTask[]> {
    if (count === 0) return [];
    const result = await this.deps.tasks.launcher.launchForService(scope, serviceLaunchRequest(service), count, { tags: await serviceTaskTags(this.deps.stores, scope, service) });
    return this.#reportLaunch(service, result, say);
  }

  /** DAEMON: one task on each of `instanceIds` (the request and tags are worked out once). */
  async #startOn(scope: Scope, service: ServiceRecord, instanceIds: readonly string[], say: (m: string) => void): Promise<PlanTask[]> {
    if (instanceIds.length === 0) return [];
    const results: LaunchResult = { records: [], tags: [], failures: [] };
    const request = serviceLaunchRequest(service);
    const tags = await serviceTaskTags(this.deps.stores, scope, service);
    for (const instanceId of instanceIds.slice(0, MAX_STARTS_PER_PASS)) {
      const result = await this.deps.tasks.launcher.launchForService(scope, request, 1, { tags, instanceId });
      results.records.push(...result.records);
      results.failures.push(...result.failures);
    }
    return this.#reportLaunch(service, results, say);
  }

  async #reportLaunch(service: ServiceRecord, result: LaunchResult, say: (m: string) => void): Promise<PlanTask[]> {
    if (result.records.length > 0) say(serviceMessages.started(service.name, result.records.map((r) => r.id)));
    if (result.failures.length > 0) sayOnce(service, serviceMessages.unableToPlace(service.name, placementDetail(result)), say);
    return this.#planTasks(result.records);
  }

  /** The plan's view of tasks: whether an essential container has a health check comes from the definition. */
  async #planTasks(records: readonly TaskRecord[], targetHealth?: ReadonlyMap<string, TaskTargetHealth>): Promise<PlanTask[]> {
    const checked = this.#healthChecked;
    if (checked.size > 10_000) checked.clear();
    const tasks: PlanTask[] = [];
    for (const r of records) {
      if (!checked.has(r.taskDefinitionArn)) {
        const definition = await this.deps.stores.taskDefinitions.get(r.region, r.family, r.revision);
        checked.set(r.taskDefinitionArn, hasEssentialHealthCheck(definition));
      }
      tasks.push({
        id: r.id, deploymentId: r.startedBy, instanceId: r.containerInstanceId, lastStatus: r.lastStatus,
        desiredStatus: r.desiredStatus, startedAt: r.startedAt, healthStatus: r.healthStatus, healthChecked: checked.get(r.taskDefinitionArn)!,
        ...(targetHealth ? { loadBalancerHealth: targetHealth.get(r.id)?.health ?? 'UNKNOWN' } : {}),
      });
    }
    return tasks;
  }

  /** The capacity the service's tasks live on: the cluster's instances, or Berth's managed (Fargate) ones. */
  async #instances(scope: Scope, service: ServiceRecord, cache: PassReads['instances']): Promise<Map<string, PlanInstance>> {
    const fargate = service.launchType === 'FARGATE';
    const key = fargate ? 'managed' : `${scope.region}/${service.cluster}`;
    let listed = cache.get(key);
    if (!listed) {
      listed = fargate
        ? this.deps.stores.containerInstances.list(MANAGED, MANAGED, { managed: true, statuses: ['ACTIVE', 'DRAINING'] })
        : this.deps.stores.containerInstances.list(scope.region, service.cluster, { managed: false, statuses: ['ACTIVE', 'DRAINING'] });
      cache.set(key, listed);
    }
    const records = await listed;
    const eligible = service.schedulingStrategy === 'DAEMON'
      ? await computeDaemonEligibility(this.deps.stores, scope, service, records, this.deps.clock.now())
      : new Set<string>();
    return new Map(records.map((r) => [r.id, { id: r.id, status: r.status, eligible: eligible.has(r.id) }]));
  }
}

function countByGroup(targets: readonly LoadBalancerTarget[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.targetGroupArn, (counts.get(t.targetGroupArn) ?? 0) + 1);
  return counts;
}

/** What a pass compares to see whether it changed a service (events by their newest id: they only grow). */
const fingerprint = (service: ServiceRecord): string => JSON.stringify({ ...service, events: service.events[0]?.id });

/** Problems repeat every pass; say them again only when the newest event says something else. */
function sayOnce(service: ServiceRecord, message: string, say: (m: string) => void): void {
  if (service.events[0]?.message !== message) say(message);
}

function stopReason(reason: StopReason, deploymentId: string): string {
  if (reason === 'unhealthy') return schedulerStopReasons.unhealthy;
  return schedulerStopReasons.scaling(deploymentId);
}

function placementDetail(result: LaunchResult): string {
  const failure = result.failures[0];
  if (!failure?.reason || failure.reason === 'AGENT') return '';
  const id = failure.arn?.slice(failure.arn.lastIndexOf('/') + 1);
  const what: Record<string, string> = { 'RESOURCE:CPU': 'has insufficient CPU units available.', 'RESOURCE:MEMORY': 'has insufficient memory available.', 'RESOURCE:PORTS': 'is already using a port required by your task.' };
  return what[failure.reason] ? ` The closest matching container-instance ${id} ${what[failure.reason]}` : ` The closest matching container-instance ${id} encountered error "${failure.reason}".`;
}

function hasEssentialHealthCheck(definition: TaskDefinition | undefined): boolean {
  return (definition?.containerDefinitions ?? []).some((c) => c.essential !== false && (c.healthCheck?.command?.length ?? 0) > 0 && c.healthCheck?.command?.[0] !== 'NONE');
}
