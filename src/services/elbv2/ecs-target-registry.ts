import type { Scope } from '../../domain/arn.js';
import type { Elbv2Deps } from './elbv2-context.js';
import type { TargetService } from './target-service.js';

/**
 * ELBv2 as ECS services use it (the service controller's TargetRegistry): register and deregister
 * a service's tasks, and read their health. ECS calls the same ELBv2 APIs a user would, so this goes
 * through TargetService (its checks, draining and change signal), not around it.
 */
export class EcsTargetRegistry {
  constructor(private readonly deps: Elbv2Deps, private readonly targets: TargetService) {}

  async group(targetGroupArn: string): Promise<{ targetType: string; deregistrationDelayMs: number } | undefined> {
    const group = await this.deps.stores.elbTargetGroups.get(targetGroupArn);
    if (!group) return undefined;
    return { targetType: group.body.TargetType, deregistrationDelayMs: Number(group.body.attributes['deregistration_delay.timeout_seconds'] ?? 0) * 1000 };
  }

  async register(scope: Scope, targetGroupArn: string, targets: readonly { id: string; port: number }[]): Promise<void> {
    await this.targets.register(scope, { TargetGroupArn: targetGroupArn, Targets: targets.map((t) => ({ Id: t.id, Port: t.port })) });
  }

  async deregister(scope: Scope, targetGroupArn: string, targets: readonly { id: string; port: number }[]): Promise<void> {
    const registered = await this.deps.stores.elbTargets.list(targetGroupArn);
    const present = targets.filter((t) => registered.some((r) => r.id === t.id && r.port === t.port && r.drainUntil === undefined));
    if (present.length === 0) return;
    await this.targets.deregister(scope, { TargetGroupArn: targetGroupArn, Targets: present.map((t) => ({ Id: t.id, Port: t.port })) });
  }

  /** Registered targets and their last health; a group that checks nothing counts its targets healthy. */
  async health(targetGroupArn: string): Promise<{ id: string; port: number; state: string; description?: string }[]> {
    const group = await this.deps.stores.elbTargetGroups.get(targetGroupArn);
    if (!group) return [];
    const checked = group.body.HealthCheckEnabled;
    return (await this.deps.stores.elbTargets.list(targetGroupArn)).map((t) => ({
      id: t.id, port: t.port, state: checked ? t.state : 'healthy', ...(t.description ? { description: t.description } : {}),
    }));
  }
}
