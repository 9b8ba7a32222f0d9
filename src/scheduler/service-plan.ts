/**
 * The service scheduler's arithmetic, pure: (service, its tasks, the instances, now) → which tasks
 * to stop and how many to start this pass (reference/semantics.md §2.2–§2.4). The controller reads
 * the store, asks for a plan, applies it, and asks again on the next pass: level-triggered, so a
 * plan only ever takes one bounded step.
 *
 * Rolling arithmetic, as ECS: at least ceil(desired × minimumHealthyPercent / 100) tasks counted
 * healthy stay up, and at most floor(desired × maximumPercent / 100) are PENDING, RUNNING or
 * STOPPING at once. Tasks of older deployments, on DRAINING or departed instances, and scaled-in
 * extras retire within those bounds; failed health checks stop a task at once.
 */

/** A live task of the service, as the plan sees it. */
export interface PlanTask {
  id: string;
  /** The deployment that started it (its startedBy). */
  deploymentId: string;
  instanceId: string;
  lastStatus: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  /** When it reached RUNNING (epoch ms). */
  startedAt?: number | undefined;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  /** Whether an essential container has a health check (then HEALTHY is what counts). */
  healthChecked: boolean;
  /**
   * With load balancers: HEALTHY once every target of the task is healthy, UNHEALTHY once one is
   * unhealthy, UNKNOWN before (not registered yet, initial checks). Absent without load balancers.
   */
  loadBalancerHealth?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
}

export interface PlanInstance {
  id: string;
  status: string;
  /** DAEMON: whether a task may run here (ACTIVE and meeting the placement constraints). */
  eligible: boolean;
}

export interface ServicePlanInput {
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  desiredCount: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  healthCheckGracePeriodMs: number;
  primaryDeploymentId: string;
  /** A FAILED primary starts nothing; a throttled one waits. */
  launchesAllowed: boolean;
  tasks: readonly PlanTask[];
  /** The cluster's instances (EC2/EXTERNAL) or the managed ones (FARGATE), by id. */
  instances: ReadonlyMap<string, PlanInstance>;
  now: number;
}

export type StopReason = 'scale-in' | 'replaced' | 'unhealthy' | 'elb-unhealthy' | 'draining';

export interface ServicePlan {
  stop: { taskId: string; reason: StopReason }[];
  /** REPLICA: tasks of the primary deployment to start. */
  start: number;
  /** DAEMON: instances that need the primary deployment's task. */
  startOn: string[];
  /** Neither a start nor a stop is allowed by minimumHealthyPercent/maximumPercent, yet work remains. */
  blocked: boolean;
}

/** Without an essential container health check, ECS counts a task this long after RUNNING. */
export const SETTLE_WITHOUT_HEALTH_CHECK_MS = 40_000;

/**
 * Whether a task counts towards minimumHealthyPercent (semantics §2.4): its load balancer targets
 * healthy, if it has any, and its essential health checks passing, if it has them; with neither,
 * 40 s of RUNNING.
 */
export function countsHealthy(task: PlanTask, now: number): boolean {
  if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'RUNNING') return false;
  if (task.loadBalancerHealth !== undefined && task.loadBalancerHealth !== 'HEALTHY') return false;
  if (task.healthChecked) return task.healthStatus === 'HEALTHY';
  if (task.loadBalancerHealth !== undefined) return true;
  return task.startedAt !== undefined && now - task.startedAt >= SETTLE_WITHOUT_HEALTH_CHECK_MS;
}

const isLive = (t: PlanTask) => t.desiredStatus === 'RUNNING';

/**
 * A task being replaced still counts towards the minimum while it runs and has not failed a
 * health check, settled or not: a deployment never takes down serving tasks for free.
 */
const isServing = (t: PlanTask) => t.lastStatus === 'RUNNING' && t.healthStatus !== 'UNHEALTHY' && t.loadBalancerHealth !== 'UNHEALTHY';

/** Which health check a RUNNING task has failed once its grace period is over, if any. */
function failedHealthCheck(task: PlanTask, input: ServicePlanInput): StopReason | undefined {
  if (task.lastStatus !== 'RUNNING' || input.now - (task.startedAt ?? input.now) < input.healthCheckGracePeriodMs) return undefined;
  if (task.healthChecked && task.healthStatus === 'UNHEALTHY') return 'unhealthy';
  return task.loadBalancerHealth === 'UNHEALTHY' ? 'elb-unhealthy' : undefined;
}

const instanceUsable = (input: ServicePlanInput, id: string) => input.instances.get(id)?.status === 'ACTIVE';

export function computeServicePlan(input: ServicePlanInput): ServicePlan {
  const plan: ServicePlan = { stop: [], start: 0, startOn: [], blocked: false };
  const live: PlanTask[] = [];
  for (const task of input.tasks) {
    if (!isLive(task)) continue;
    const failed = failedHealthCheck(task, input);
    if (failed) plan.stop.push({ taskId: task.id, reason: failed });
    else live.push(task);
  }
  return input.schedulingStrategy === 'DAEMON' ? planDaemon(input, live, plan) : planReplica(input, live, plan);
}

function bounds(input: ServicePlanInput, desired: number) {
  return {
    minHealthy: Math.ceil((desired * input.minimumHealthyPercent) / 100),
    maxTotal: Math.floor((desired * input.maximumPercent) / 100),
  };
}

/** Tasks still holding a place under maximumPercent: live ones and those stopping. */
const occupying = (input: ServicePlanInput) => input.tasks.filter((t) => t.lastStatus !== 'STOPPED').length;

function planReplica(input: ServicePlanInput, live: PlanTask[], plan: ServicePlan): ServicePlan {
  const desired = input.desiredCount;
  const { minHealthy, maxTotal } = bounds(input, desired);
  const keep: PlanTask[] = [];
  const retiring: { task: PlanTask; reason: StopReason }[] = [];
  for (const task of live) {
    if (task.deploymentId !== input.primaryDeploymentId) retiring.push({ task, reason: 'replaced' });
    else if (!instanceUsable(input, task.instanceId)) retiring.push({ task, reason: 'draining' });
    else keep.push(task);
  }
  // Scale-in: the extras go first, least useful first (not yet healthy, then the most crowded instance).
  if (keep.length > desired) {
    const extras = rankForScaleIn(keep, input.now).slice(0, keep.length - desired);
    const gone = new Set(extras.map((t) => t.id));
    extras.forEach((t) => plan.stop.push({ taskId: t.id, reason: 'scale-in' }));
    keep.splice(0, keep.length, ...keep.filter((t) => !gone.has(t.id)));
  }
  // Retire old tasks while enough available ones remain; ones still starting go freely.
  let available = keep.filter((t) => countsHealthy(t, input.now)).length + retiring.filter((r) => isServing(r.task)).length;
  const ordered = [...retiring].sort((a, b) => Number(isServing(a.task)) - Number(isServing(b.task)));
  let retired = 0;
  for (const { task, reason } of ordered) {
    if (isServing(task)) {
      if (available - 1 < minHealthy) continue;
      available -= 1;
    }
    plan.stop.push({ taskId: task.id, reason });
    retired += 1;
  }
  // Start what the primary lacks, within maximumPercent (stopping tasks still count).
  const missing = Math.max(0, desired - keep.length);
  const room = Math.max(0, maxTotal - occupying(input));
  if (input.launchesAllowed) plan.start = Math.min(missing, room);
  // Stuck: nothing may start or stop, and nothing in flight (a stop, a new task settling) will change that.
  plan.blocked = plan.stop.length === 0 && plan.start === 0 && missing > 0 && room === 0 && retiring.length > retired
    && keep.every((t) => countsHealthy(t, input.now)) && !input.tasks.some((t) => !isLive(t) && t.lastStatus !== 'STOPPED');
  return plan;
}

/** Scale-in order: tasks not yet counted healthy, then those on the instance with the most of them. */
function rankForScaleIn(tasks: readonly PlanTask[], now: number): PlanTask[] {
  const perInstance = new Map<string, number>();
  tasks.forEach((t) => perInstance.set(t.instanceId, (perInstance.get(t.instanceId) ?? 0) + 1));
  return [...tasks].sort((a, b) =>
    Number(countsHealthy(a, now)) - Number(countsHealthy(b, now))
    || perInstance.get(b.instanceId)! - perInstance.get(a.instanceId)!
    || (a.id < b.id ? -1 : 1));
}

/** DAEMON: exactly one task of the primary deployment on each eligible instance, nothing elsewhere. */
function planDaemon(input: ServicePlanInput, live: PlanTask[], plan: ServicePlan): ServicePlan {
  const eligible = [...input.instances.values()].filter((i) => i.eligible).map((i) => i.id);
  const { minHealthy } = bounds(input, eligible.length);
  let healthy = live.filter((t) => countsHealthy(t, input.now)).length;
  const byInstance = new Map<string, PlanTask[]>();
  for (const task of live) byInstance.set(task.instanceId, [...(byInstance.get(task.instanceId) ?? []), task]);
  const stopping = new Set(input.tasks.filter((t) => !isLive(t) && t.lastStatus !== 'STOPPED').map((t) => t.instanceId));
  const stop = (task: PlanTask, reason: StopReason) => {
    if (countsHealthy(task, input.now)) {
      if (reason === 'replaced' && healthy - 1 < minHealthy) return false;
      healthy -= 1;
    }
    plan.stop.push({ taskId: task.id, reason });
    return true;
  };
  for (const [instanceId, tasks] of byInstance) {
    if (input.instances.get(instanceId)?.eligible) continue;
    tasks.forEach((t) => stop(t, 'draining'));
  }
  for (const instanceId of eligible) {
    const tasks = byInstance.get(instanceId) ?? [];
    const current = tasks.filter((t) => t.deploymentId === input.primaryDeploymentId).sort((a, b) => (a.id < b.id ? -1 : 1));
    const [kept, ...extras] = current;
    extras.forEach((t) => stop(t, 'scale-in'));
    const old = tasks.filter((t) => t.deploymentId !== input.primaryDeploymentId);
    let cleared = old.map((t) => stop(t, 'replaced')).every(Boolean);
    if (!cleared) plan.blocked = true;
    cleared &&= old.length === 0 && !stopping.has(instanceId);
    if (!kept && cleared && input.launchesAllowed) plan.startOn.push(instanceId);
  }
  return plan;
}
