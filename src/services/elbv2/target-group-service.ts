import type {
  CreateTargetGroupInput, CreateTargetGroupOutput, DeleteTargetGroupInput, DeleteTargetGroupOutput, DescribeTargetGroupAttributesInput,
  DescribeTargetGroupAttributesOutput, DescribeTargetGroupsInput, DescribeTargetGroupsOutput, ModifyTargetGroupAttributesInput,
  ModifyTargetGroupAttributesOutput, ModifyTargetGroupInput, ModifyTargetGroupOutput, ProtocolEnum, TargetTypeEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { elbResourceType, targetGroupArn } from '../../domain/elbv2/arns.js';
import { duplicateTargetGroupName, notInEnum, outOfRange, targetGroupInUse, targetGroupsNotFound, validation } from '../../domain/elbv2/errors.js';
import { healthCheckOf, isHttpProtocol, modifyHealthCheck } from '../../domain/elbv2/health-check.js';
import { validateTargetGroupName } from '../../domain/elbv2/names.js';
import { pageOf } from '../../domain/elbv2/paging.js';
import { presentTargetGroup } from '../../domain/elbv2/present.js';
import type { TargetGroupRecord } from '../../domain/elbv2/records.js';
import { defaultTargetGroupAttributes, modifyTargetGroupAttributes } from '../../domain/elbv2/target-group-attributes.js';
import { validateTags } from '../../domain/elbv2/tags.js';
import type { Stores } from '../../store/stores.js';
import { type Elbv2Deps, requireLoadBalancer, requireTargetGroup } from './elbv2-context.js';

const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE', 'QUIC', 'TCP_QUIC'];
const SERVED_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP'];
const TARGET_TYPES = ['instance', 'ip', 'lambda', 'alb'];
const attributeList = (attributes: Record<string, string>) => Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));

/** Target groups: their protocol, port, health check settings and attributes. Targets are TargetService's. */
export class TargetGroupService {
  constructor(private readonly deps: Elbv2Deps) {}

  async create(scope: Scope, input: CreateTargetGroupInput): Promise<CreateTargetGroupOutput> {
    const name = validateTargetGroupName(input.Name ?? '');
    const targetType: TargetTypeEnum = input.TargetType ?? 'instance';
    if (!TARGET_TYPES.includes(targetType)) throw notInEnum(targetType, 'targetType', TARGET_TYPES);
    for (const [value, member] of [[input.Protocol, 'protocol'], [input.HealthCheckProtocol, 'healthCheckProtocol']] as const) {
      if (value !== undefined && !PROTOCOLS.includes(value)) throw notInEnum(value, member, PROTOCOLS);
    }
    if (targetType === 'lambda') {
      if (input.Protocol !== undefined) throw validation("Protocol cannot be specified for target groups with target type 'lambda'");
      if (input.Port !== undefined) throw validation("Port cannot be specified for target groups with target type 'lambda'");
      if (input.VpcId !== undefined) throw validation("VPC ID cannot be specified for target groups with target type 'lambda'");
    } else {
      if (input.Protocol === undefined) throw validation('A protocol must be specified');
      if (!SERVED_PROTOCOLS.includes(input.Protocol)) throw validation(`Protocol '${input.Protocol}' is not supported for target groups here`);
      if (input.Port === undefined) throw validation('A port must be specified');
      if (input.Port < 1 || input.Port > 65535) throw outOfRange(input.Port, 'port', 1, 65535);
      if (input.VpcId === undefined) throw validation('A VPC ID must be specified');
    }
    if (input.ProtocolVersion !== undefined && !['HTTP1', 'HTTP2', 'GRPC'].includes(input.ProtocolVersion)) throw validation(`Protocol version '${input.ProtocolVersion}' must be one of [HTTP1, HTTP2, GRPC]`);
    const tags = validateTags(input.Tags);
    const http = isHttpProtocol(input.Protocol);
    const record: TargetGroupRecord = {
      arn: targetGroupArn(scope, name, this.deps.idGen.hex(8)),
      region: scope.region,
      name,
      createdAt: this.deps.clock.now(),
      body: {
        ...(input.Protocol ? { Protocol: input.Protocol as ProtocolEnum } : {}),
        ...(http ? { ProtocolVersion: input.ProtocolVersion ?? 'HTTP1' } : {}),
        ...(input.Port !== undefined ? { Port: input.Port } : {}),
        ...(input.VpcId !== undefined ? { VpcId: input.VpcId } : {}),
        ...healthCheckOf(input, targetType),
        TargetType: targetType,
        ...(targetType !== 'lambda' ? { IpAddressType: input.IpAddressType ?? 'ipv4' } : {}),
        attributes: defaultTargetGroupAttributes({ protocol: input.Protocol, targetType }),
      },
    };
    const created = await this.deps.stores.transaction(async (tx) => {
      const existing = await tx.elbTargetGroups.getByName(scope.region, name);
      if (existing) {
        // CreateTargetGroup is idempotent: the same settings again return the existing group.
        const same = existing.body.Protocol === record.body.Protocol && existing.body.Port === record.body.Port && existing.body.TargetType === targetType && existing.body.VpcId === record.body.VpcId;
        if (!same) throw duplicateTargetGroupName(name);
        return existing;
      }
      await tx.elbTargetGroups.insert(record);
      await tx.tags.put(record.arn, tags);
      return record;
    });
    return { TargetGroups: [await this.#present(this.deps.stores, created)] };
  }

  async describe(scope: Scope, input: DescribeTargetGroupsInput): Promise<DescribeTargetGroupsOutput> {
    const { stores } = this.deps;
    const given = [input.LoadBalancerArn, input.TargetGroupArns?.length ? 1 : undefined, input.Names?.length ? 1 : undefined].filter((x) => x !== undefined).length;
    if (given > 1) throw validation('Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time');
    let records: TargetGroupRecord[];
    if (input.TargetGroupArns?.length) {
      records = await all(input.TargetGroupArns, (arn) => (elbResourceType(scope, arn) === 'targetgroup' ? stores.elbTargetGroups.get(arn) : Promise.resolve(undefined)));
    } else if (input.Names?.length) {
      records = await all(input.Names, (name) => stores.elbTargetGroups.getByName(scope.region, name));
    } else if (input.LoadBalancerArn !== undefined) {
      const lb = await requireLoadBalancer(stores, scope, input.LoadBalancerArn);
      records = await all(await stores.elbTargets.groupsOf(lb.arn), (arn) => stores.elbTargetGroups.get(arn));
    } else {
      records = await stores.elbTargetGroups.list(scope.region);
    }
    const page = pageOf(records.sort((a, b) => a.name.localeCompare(b.name)), (r) => r.name, input.Marker, input.PageSize);
    const TargetGroups = await Promise.all(page.items.map((r) => this.#present(stores, r)));
    return page.NextMarker ? { TargetGroups, NextMarker: page.NextMarker } : { TargetGroups };
  }

  async modify(scope: Scope, input: ModifyTargetGroupInput): Promise<ModifyTargetGroupOutput> {
    if (input.HealthCheckProtocol !== undefined && !['HTTP', 'HTTPS', 'TCP'].includes(input.HealthCheckProtocol)) throw notInEnum(input.HealthCheckProtocol, 'healthCheckProtocol', ['HTTP', 'HTTPS', 'TCP']);
    const record = await this.deps.stores.transaction(async (tx) => {
      const found = await requireTargetGroup(tx, scope, input.TargetGroupArn ?? '');
      const { attributes, TargetType, Protocol, ProtocolVersion, Port, VpcId, IpAddressType } = found.body;
      found.body = { ...modifyHealthCheck(found.body, input), attributes, TargetType, ...(Protocol ? { Protocol } : {}), ...(ProtocolVersion ? { ProtocolVersion } : {}),
        ...(Port !== undefined ? { Port } : {}), ...(VpcId ? { VpcId } : {}), ...(IpAddressType ? { IpAddressType } : {}) };
      await tx.elbTargetGroups.update(found);
      return found;
    });
    this.deps.changes.emit();
    return { TargetGroups: [await this.#present(this.deps.stores, record)] };
  }

  async delete(scope: Scope, input: DeleteTargetGroupInput): Promise<DeleteTargetGroupOutput> {
    const arn = input.TargetGroupArn ?? '';
    const deleted = await this.deps.stores.transaction(async (tx) => {
      // Deleting what is already gone succeeds, as on AWS.
      const record = elbResourceType(scope, arn) === 'targetgroup' ? await tx.elbTargetGroups.get(arn) : undefined;
      if (!record) return false;
      if ((await tx.elbTargets.usersOf(arn)).length > 0) throw targetGroupInUse(arn);
      await tx.elbTargets.removeAll(arn);
      await tx.tags.removeAll(arn);
      await tx.elbTargetGroups.delete(arn);
      return true;
    });
    if (deleted) this.deps.changes.emit();
    return {};
  }

  async describeAttributes(scope: Scope, input: DescribeTargetGroupAttributesInput): Promise<DescribeTargetGroupAttributesOutput> {
    const record = await requireTargetGroup(this.deps.stores, scope, input.TargetGroupArn ?? '');
    return { Attributes: attributeList(record.body.attributes) };
  }

  async modifyAttributes(scope: Scope, input: ModifyTargetGroupAttributesInput): Promise<ModifyTargetGroupAttributesOutput> {
    const record = await this.deps.stores.transaction(async (tx) => {
      const found = await requireTargetGroup(tx, scope, input.TargetGroupArn ?? '');
      found.body.attributes = modifyTargetGroupAttributes({ protocol: found.body.Protocol, targetType: found.body.TargetType }, found.body.attributes, input.Attributes ?? []);
      await tx.elbTargetGroups.update(found);
      return found;
    });
    this.deps.changes.emit();
    return { Attributes: attributeList(record.body.attributes) };
  }

  async #present(stores: Stores, record: TargetGroupRecord) {
    const lbs = [...new Set((await stores.elbTargets.usersOf(record.arn)).map((u) => u.loadBalancerArn))].sort();
    return presentTargetGroup(record, lbs);
  }
}

/** Every named target group, or TargetGroupNotFound if any is missing (AWS fails the whole call). */
async function all<K>(keys: readonly K[], get: (key: K) => Promise<TargetGroupRecord | undefined>): Promise<TargetGroupRecord[]> {
  const found = new Map<string, TargetGroupRecord>();
  for (const key of keys) {
    const record = await get(key);
    if (!record) throw targetGroupsNotFound();
    found.set(record.arn, record);
  }
  return [...found.values()];
}
