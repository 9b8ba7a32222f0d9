/**
 * A service's tasks in its load balancers' target groups (ECS `loadBalancers`): each task is
 * registered once it runs (its awsvpc IP and container port for `ip` groups, its instance and host
 * port for `instance` groups), its targets' health decides whether it counts as healthy, and a
 * task the scheduler stops is deregistered first and drains for the group's deregistration delay.
 */
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import type { Scope } from '../domain/arn.js';
import type { LoadBalancerTarget, TaskRecord } from '../domain/ecs/task-record.js';
import type { PlanTask } from '../scheduler/service-plan.js';

/** The target groups ECS services register into (ELBv2, behind a port so the controller does not know it). */
export interface TargetRegistry {
  /** The group's target type and deregistration delay, or undefined when there is no such group. */
  group(targetGroupArn: string): Promise<{ targetType: string; deregistrationDelayMs: number } | undefined>;
  register(scope: Scope, targetGroupArn: string, targets: readonly { id: string; port: number }[]): Promise<void>;
  /** Deregisters what is registered of `targets` (draining them); the rest is ignored. */
  deregister(scope: Scope, targetGroupArn: string, targets: readonly { id: string; port: number }[]): Promise<void>;
  /** Every target of the group with its state and, when unhealthy, why. */
  health(targetGroupArn: string): Promise<{ id: string; port: number; state: string; description?: string }[]>;
}

/** A task's load balancer health, and the first unhealthy target (for the service event). */
export interface TaskTargetHealth {
  health: NonNullable<PlanTask['loadBalancerHealth']>;
  unhealthy?: { target: LoadBalancerTarget; description?: string };
}

/** The targets a RUNNING task offers its service's load balancers; undefined while an address is still unknown. */
export async function computeTaskTargets(
  task: TaskRecord,
  loadBalancers: readonly LoadBalancer[],
  registry: TargetRegistry,
  ec2InstanceIdOf: (containerInstanceId: string) => Promise<string | undefined>,
): Promise<LoadBalancerTarget[] | undefined> {
  const targets: LoadBalancerTarget[] = [];
  for (const lb of loadBalancers) {
    if (!lb.targetGroupArn || !lb.containerName || lb.containerPort === undefined) continue;
    const group = await registry.group(lb.targetGroupArn);
    if (!group) continue;
    if (group.targetType === 'ip') {
      const ip = task.attachments.flatMap((a) => a.details ?? []).find((d) => d.name === 'privateIPv4Address')?.value;
      if (!ip) return undefined;
      targets.push({ targetGroupArn: lb.targetGroupArn, id: ip, port: lb.containerPort });
    } else {
      const binding = task.containers.find((c) => c.name === lb.containerName)?.networkBindings.find((b) => b.containerPort === lb.containerPort);
      const instance = await ec2InstanceIdOf(task.containerInstanceId);
      if (!binding || !instance) return undefined;
      targets.push({ targetGroupArn: lb.targetGroupArn, id: instance, port: binding.hostPort });
    }
  }
  return targets;
}

/** Registers targets, grouped by target group. */
export async function registerTargets(scope: Scope, registry: TargetRegistry, targets: readonly LoadBalancerTarget[]): Promise<void> {
  for (const [group, members] of byGroup(targets)) await registry.register(scope, group, members);
}

/** Deregisters targets; resolves to how long they drain (the longest deregistration delay among their groups). */
export async function deregisterTargets(scope: Scope, registry: TargetRegistry, targets: readonly LoadBalancerTarget[]): Promise<number> {
  let drainMs = 0;
  for (const [group, members] of byGroup(targets)) {
    await registry.deregister(scope, group, members);
    drainMs = Math.max(drainMs, (await registry.group(group))?.deregistrationDelayMs ?? 0);
  }
  return drainMs;
}

/** Each task's health across its targets: HEALTHY when all are, UNHEALTHY when one is, else UNKNOWN. */
export async function computeTargetHealth(registry: TargetRegistry, tasks: readonly TaskRecord[]): Promise<Map<string, TaskTargetHealth>> {
  const groups = new Map<string, Promise<Awaited<ReturnType<TargetRegistry['health']>>>>();
  const healthOf = (arn: string) => {
    let found = groups.get(arn);
    if (!found) groups.set(arn, (found = registry.health(arn)));
    return found;
  };
  const result = new Map<string, TaskTargetHealth>();
  for (const task of tasks) {
    const targets = task.loadBalancerTargets;
    if (!targets) {
      result.set(task.id, { health: 'UNKNOWN' });
      continue;
    }
    let health: TaskTargetHealth = { health: 'HEALTHY' };
    for (const target of targets) {
      const found = (await healthOf(target.targetGroupArn)).find((t) => t.id === target.id && t.port === target.port);
      if (found?.state === 'unhealthy') {
        health = { health: 'UNHEALTHY', unhealthy: { target, ...(found.description ? { description: found.description } : {}) } };
        break;
      }
      if (found?.state !== 'healthy') health = { health: 'UNKNOWN' };
    }
    result.set(task.id, health);
  }
  return result;
}

function byGroup(targets: readonly LoadBalancerTarget[]): Map<string, { id: string; port: number }[]> {
  const groups = new Map<string, { id: string; port: number }[]>();
  for (const t of targets) groups.set(t.targetGroupArn, [...(groups.get(t.targetGroupArn) ?? []), { id: t.id, port: t.port }]);
  return groups;
}
