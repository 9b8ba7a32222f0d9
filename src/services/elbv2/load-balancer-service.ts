import type {
  CreateLoadBalancerInput, CreateLoadBalancerOutput, DeleteLoadBalancerInput, DeleteLoadBalancerOutput, DescribeLoadBalancerAttributesInput,
  DescribeLoadBalancerAttributesOutput, DescribeLoadBalancersInput, DescribeLoadBalancersOutput, LoadBalancer, ModifyLoadBalancerAttributesInput,
  ModifyLoadBalancerAttributesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { canonicalHostedZoneId, DEFAULT_SUBNET_ID, DEFAULT_VPC_ID, dnsNameOf, elbResourceType, loadBalancerArn } from '../../domain/elbv2/arns.js';
import { deletionProtected, duplicateLoadBalancerName, loadBalancersNotFound, notInEnum, validation } from '../../domain/elbv2/errors.js';
import { defaultLoadBalancerAttributes, isDeletionProtected, modifyLoadBalancerAttributes } from '../../domain/elbv2/load-balancer-attributes.js';
import { validateLoadBalancerName } from '../../domain/elbv2/names.js';
import { pageOf } from '../../domain/elbv2/paging.js';
import { presentLoadBalancer } from '../../domain/elbv2/present.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/records.js';
import { validateTags } from '../../domain/elbv2/tags.js';
import type { Stores } from '../../store/stores.js';
import { type Elbv2Deps, requireLoadBalancer } from './elbv2-context.js';

const attributeList = (attributes: Record<string, string>) => Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));

/** Load balancers: created, described, deleted, and their attributes. Listeners hang off them (ListenerService). */
export class LoadBalancerService {
  constructor(private readonly deps: Elbv2Deps) {}

  async create(scope: Scope, input: CreateLoadBalancerInput): Promise<CreateLoadBalancerOutput> {
    const name = validateLoadBalancerName(input.Name ?? '');
    const type = input.Type ?? 'application';
    if (type !== 'application' && type !== 'network') {
      throw type === 'gateway' ? validation("Load balancer type 'gateway' is not supported") : notInEnum(type, 'type', ['application', 'network', 'gateway']);
    }
    const scheme = input.Scheme ?? 'internet-facing';
    if (scheme !== 'internet-facing' && scheme !== 'internal') throw notInEnum(scheme, 'scheme', ['internet-facing', 'internal']);
    const ipAddressType = input.IpAddressType ?? 'ipv4';
    if (!['ipv4', 'dualstack', 'dualstack-without-public-ipv4'].includes(ipAddressType)) throw notInEnum(ipAddressType, 'ipAddressType', ['ipv4', 'dualstack', 'dualstack-without-public-ipv4']);
    if (input.Subnets?.length && input.SubnetMappings?.length) throw validation('You can specify subnets or subnet mappings, but not both');
    const subnets = input.SubnetMappings?.length ? input.SubnetMappings.map((m) => m.SubnetId ?? '') : input.Subnets?.length ? input.Subnets : [DEFAULT_SUBNET_ID];
    const tags = validateTags(input.Tags);
    const id = this.deps.idGen.hex(8);
    const record: LoadBalancerRecord = {
      arn: loadBalancerArn(scope, type, name, id),
      region: scope.region,
      name,
      type,
      createdAt: this.deps.clock.now(),
      body: {
        Scheme: scheme,
        IpAddressType: ipAddressType,
        VpcId: DEFAULT_VPC_ID,
        DNSName: dnsNameOf(name, id, scheme),
        CanonicalHostedZoneId: canonicalHostedZoneId(type),
        // Nothing to provision before listeners can bind: the load balancer is usable at once.
        State: { Code: 'active' },
        AvailabilityZones: subnets.map((SubnetId, i) => ({ ZoneName: `${scope.region}${String.fromCharCode(97 + (i % 26))}`, SubnetId, LoadBalancerAddresses: [] })),
        ...(input.SecurityGroups?.length ? { SecurityGroups: [...input.SecurityGroups] } : {}),
        ...(type === 'network' && input.SecurityGroups?.length ? { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'on' } : {}),
        attributes: defaultLoadBalancerAttributes(type),
      },
    };
    const created = await this.deps.stores.transaction(async (tx) => {
      const existing = await tx.elbLoadBalancers.getByName(scope.region, name);
      if (existing) {
        // CreateLoadBalancer is idempotent: the same settings again return the existing load balancer.
        if (!sameSettings(existing, record)) throw duplicateLoadBalancerName(name);
        return { record: existing, fresh: false };
      }
      await tx.elbLoadBalancers.insert(record);
      await tx.tags.put(record.arn, tags);
      return { record, fresh: true };
    });
    if (created.fresh) this.deps.changes.emit();
    // AWS answers a creation with `provisioning`; Describe then shows the stored state.
    const presented = presentLoadBalancer(created.record);
    return { LoadBalancers: [created.fresh ? { ...presented, State: { Code: 'provisioning' } } : presented] };
  }

  async describe(scope: Scope, input: DescribeLoadBalancersInput): Promise<DescribeLoadBalancersOutput> {
    const { stores } = this.deps;
    if (input.LoadBalancerArns?.length && input.Names?.length) throw validation('Load balancer names and load balancer ARNs cannot be specified at the same time');
    let records: LoadBalancerRecord[];
    if (input.LoadBalancerArns?.length) {
      records = await this.#all(input.LoadBalancerArns, (arn) => (elbResourceType(scope, arn) === 'loadbalancer' ? stores.elbLoadBalancers.get(arn) : Promise.resolve(undefined)));
    } else if (input.Names?.length) {
      records = await this.#all(input.Names, (name) => stores.elbLoadBalancers.getByName(scope.region, name));
    } else {
      records = await stores.elbLoadBalancers.list(scope.region);
    }
    const page = pageOf(records.sort((a, b) => a.name.localeCompare(b.name)), (r) => r.name, input.Marker, input.PageSize);
    const LoadBalancers: LoadBalancer[] = page.items.map(presentLoadBalancer);
    return page.NextMarker ? { LoadBalancers, NextMarker: page.NextMarker } : { LoadBalancers };
  }

  async delete(scope: Scope, input: DeleteLoadBalancerInput): Promise<DeleteLoadBalancerOutput> {
    const arn = input.LoadBalancerArn ?? '';
    const deleted = await this.deps.stores.transaction(async (tx) => {
      // Deleting what is already gone succeeds, as on AWS.
      const record = elbResourceType(scope, arn) === 'loadbalancer' ? await tx.elbLoadBalancers.get(arn) : undefined;
      if (!record) return false;
      if (isDeletionProtected(record.body.attributes)) throw deletionProtected(arn);
      for (const listener of await tx.elbListeners.listByLoadBalancer(arn)) await removeListener(tx, listener.arn);
      await tx.tags.removeAll(arn);
      await tx.elbLoadBalancers.delete(arn);
      return true;
    });
    if (deleted) this.deps.changes.emit();
    return {};
  }

  async describeAttributes(scope: Scope, input: DescribeLoadBalancerAttributesInput): Promise<DescribeLoadBalancerAttributesOutput> {
    const record = await requireLoadBalancer(this.deps.stores, scope, input.LoadBalancerArn ?? '');
    return { Attributes: attributeList(record.body.attributes) };
  }

  async modifyAttributes(scope: Scope, input: ModifyLoadBalancerAttributesInput): Promise<ModifyLoadBalancerAttributesOutput> {
    const record = await this.deps.stores.transaction(async (tx) => {
      const found = await requireLoadBalancer(tx, scope, input.LoadBalancerArn ?? '');
      found.body.attributes = modifyLoadBalancerAttributes(found.type, found.body.attributes, input.Attributes ?? []);
      await tx.elbLoadBalancers.update(found);
      return found;
    });
    this.deps.changes.emit();
    return { Attributes: attributeList(record.body.attributes) };
  }

  /** Every named resource, or NotFound if any is missing (AWS fails the whole call). */
  async #all<K>(keys: readonly K[], get: (key: K) => Promise<LoadBalancerRecord | undefined>): Promise<LoadBalancerRecord[]> {
    const found = new Map<string, LoadBalancerRecord>();
    for (const key of keys) {
      const record = await get(key);
      if (!record) throw loadBalancersNotFound();
      found.set(record.arn, record);
    }
    return [...found.values()];
  }
}

/** Removes a listener with its rules, their tags, and what they forwarded to. */
export async function removeListener(tx: Stores, listenerArn: string): Promise<void> {
  for (const rule of await tx.elbRules.listByListener(listenerArn)) {
    await tx.elbTargets.unlink(rule.arn);
    await tx.tags.removeAll(rule.arn);
    await tx.elbRules.delete(rule.arn);
  }
  await tx.elbTargets.unlink(listenerArn);
  await tx.tags.removeAll(listenerArn);
  await tx.elbListeners.delete(listenerArn);
}

function sameSettings(a: LoadBalancerRecord, b: LoadBalancerRecord): boolean {
  const subnets = (r: LoadBalancerRecord) => r.body.AvailabilityZones.map((z) => z.SubnetId).join(',');
  return a.type === b.type && a.body.Scheme === b.body.Scheme && a.body.IpAddressType === b.body.IpAddressType && subnets(a) === subnets(b);
}
