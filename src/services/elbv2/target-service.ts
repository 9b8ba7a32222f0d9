import { isIP } from 'node:net';
import type {
  DeregisterTargetsInput, DeregisterTargetsOutput, DescribeTargetHealthInput, DescribeTargetHealthOutput, RegisterTargetsInput, RegisterTargetsOutput,
  TargetDescription, TargetHealthDescription, TargetHealthReasonEnum, TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { invalidTarget, outOfRange, validation } from '../../domain/elbv2/errors.js';
import type { TargetGroupRecord, TargetRecord } from '../../domain/elbv2/records.js';
import { targetHealth } from '../../domain/elbv2/target-health.js';
import { ServiceError } from '../../kit/errors.js';
import { type Elbv2Deps, requireTargetGroup } from './elbv2-context.js';

const MAX_TARGETS = 1000;

/**
 * Targets of a target group: registration, draining on deregistration (for the group's
 * deregistration delay), and the health AWS would report. Health itself is measured elsewhere (the
 * data plane's checker) and recorded here with recordTargetHealth.
 */
export class TargetService {
  constructor(private readonly deps: Elbv2Deps) {}

  async register(scope: Scope, input: RegisterTargetsInput): Promise<RegisterTargetsOutput> {
    const now = this.deps.clock.now();
    await this.deps.stores.transaction(async (tx) => {
      const group = await requireTargetGroup(tx, scope, input.TargetGroupArn ?? '');
      const targets = (input.Targets ?? []).map((t) => checkTarget(group, t));
      if (group.body.TargetType === 'lambda' && targets.length > 1) throw new ServiceError('TooManyTargetsException', 'You can register only one Lambda function as a target');
      const current = await tx.elbTargets.list(group.arn);
      const live = (t: { id: string; port: number }) => current.find((c) => c.id === t.id && c.port === t.port && (c.drainUntil === undefined || c.drainUntil > now));
      const added = targets.filter((t) => !live(t) || live(t)!.drainUntil !== undefined);
      if (current.filter((c) => c.drainUntil === undefined).length + added.length > MAX_TARGETS) {
        throw new ServiceError('TooManyTargetsException', `You've reached the limit on the number of targets per target group (${MAX_TARGETS})`);
      }
      for (const t of added) {
        await tx.elbTargets.put({ targetGroupArn: group.arn, ...t, state: 'initial', reason: 'Elb.RegistrationInProgress', registeredAt: now });
      }
    });
    this.deps.changes.emit();
    return {};
  }

  async deregister(scope: Scope, input: DeregisterTargetsInput): Promise<DeregisterTargetsOutput> {
    const now = this.deps.clock.now();
    await this.deps.stores.transaction(async (tx) => {
      const group = await requireTargetGroup(tx, scope, input.TargetGroupArn ?? '');
      const current = await tx.elbTargets.list(group.arn);
      const inUse = (await tx.elbTargets.usersOf(group.arn)).length > 0;
      const delayMs = Number(group.body.attributes['deregistration_delay.timeout_seconds'] ?? 0) * 1000;
      for (const given of input.Targets ?? []) {
        const port = given.Port ?? group.body.Port ?? 0;
        const found = current.find((c) => c.id === given.Id && c.port === port);
        if (!found) throw invalidTarget();
        if (found.drainUntil !== undefined) continue;
        // Targets drain only when traffic could be reaching them.
        if (!inUse || delayMs === 0) await tx.elbTargets.remove(group.arn, found.id, found.port);
        else await tx.elbTargets.put({ ...found, state: 'draining', reason: 'Target.DeregistrationInProgress', drainUntil: now + delayMs });
      }
    });
    this.deps.changes.emit();
    return {};
  }

  async describeHealth(scope: Scope, input: DescribeTargetHealthInput): Promise<DescribeTargetHealthOutput> {
    const { stores } = this.deps;
    const now = this.deps.clock.now();
    await stores.elbTargets.purgeDrained(now);
    const group = await requireTargetGroup(stores, scope, input.TargetGroupArn ?? '');
    const registered = await stores.elbTargets.list(group.arn);
    const inUse = (await stores.elbTargets.usersOf(group.arn)).length > 0;
    const describe = (t: TargetRecord): TargetHealthDescription => ({
      Target: { Id: t.id, Port: t.port, ...(t.availabilityZone ? { AvailabilityZone: t.availabilityZone } : {}) },
      HealthCheckPort: healthCheckPort(group, t.port),
      TargetHealth: presentedHealth(group, t, inUse),
    });
    if (!input.Targets?.length) return { TargetHealthDescriptions: registered.map(describe) };
    return {
      TargetHealthDescriptions: input.Targets.map((given) => {
        const port = given.Port ?? group.body.Port ?? 0;
        const found = registered.find((t) => t.id === given.Id && t.port === port);
        if (found) return describe(found);
        return { Target: { Id: given.Id, Port: port }, HealthCheckPort: healthCheckPort(group, port), TargetHealth: targetHealth('unused', 'Target.NotRegistered') };
      }),
    };
  }

  /**
   * Records what a health check found for a registered target (the data plane calls this; AWS
   * has no API for it). Returns false when the target is not registered or is draining.
   */
  async recordTargetHealth(targetGroupArn: string, target: { id: string; port: number }, state: TargetHealthStateEnum, reason?: TargetHealthReasonEnum, description?: string): Promise<boolean> {
    return this.deps.stores.elbTargets.setHealth(targetGroupArn, target.id, target.port, state, reason, description);
  }
}

/** What DescribeTargetHealth shows: draining first, then whether anything routes here, then the last check. */
function presentedHealth(group: TargetGroupRecord, t: TargetRecord, inUse: boolean) {
  if (t.drainUntil !== undefined) return targetHealth('draining', 'Target.DeregistrationInProgress');
  if (!inUse) return targetHealth('unused', 'Target.NotInUse');
  if (!group.body.HealthCheckEnabled) return targetHealth('unavailable', 'Target.HealthCheckDisabled');
  return targetHealth(t.state, t.reason, t.description);
}

const healthCheckPort = (group: TargetGroupRecord, port: number) =>
  group.body.HealthCheckPort === 'traffic-port' ? String(port) : group.body.HealthCheckPort;

/** A target as the group's type allows it: instance ids, IP addresses, a Lambda ARN or an ALB ARN. */
function checkTarget(group: TargetGroupRecord, t: TargetDescription): { id: string; port: number; availabilityZone?: string } {
  const id = t.Id ?? '';
  const type = group.body.TargetType;
  if (type === 'instance' && !/^i-[0-9a-zA-Z]{1,32}$/.test(id)) throw invalidTarget(`The following targets are not valid instance IDs: '${id}'`);
  if (type === 'ip' && isIP(id) === 0) throw invalidTarget(`The IP address '${id}' is not a valid IPv4 address`);
  if (type === 'lambda' && !/^arn:aws:lambda:/.test(id)) throw invalidTarget(`The following targets are not valid Lambda function ARNs: '${id}'`);
  if (type === 'alb' && !/^arn:aws:elasticloadbalancing:[^:]+:\d{12}:loadbalancer\/app\//.test(id)) throw invalidTarget(`The following targets are not valid Application Load Balancer ARNs: '${id}'`);
  if (type === 'lambda') {
    if (t.Port !== undefined) throw validation('A port cannot be specified for Lambda targets');
    return { id, port: 0 };
  }
  const port = t.Port ?? group.body.Port;
  if (port === undefined) throw validation(`A port must be specified for target '${id}'`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw outOfRange(port, 'targets.member.port', 1, 65535);
  if (t.AvailabilityZone !== undefined && type === 'instance') throw validation('An Availability Zone cannot be specified for instance targets');
  return { id, port, ...(t.AvailabilityZone !== undefined ? { availabilityZone: t.AvailabilityZone } : {}) };
}
