import type {
  CreateListenerInput, CreateListenerOutput, DeleteListenerInput, DeleteListenerOutput, DescribeListenersInput, DescribeListenersOutput,
  ModifyListenerInput, ModifyListenerOutput, ProtocolEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { elbResourceType, idOfArn, listenerArn, ruleArn } from '../../domain/elbv2/arns.js';
import { limitOf } from '../../domain/elbv2/account-limits.js';
import { certificateArns, supportsCertificates } from '../../domain/elbv2/certificates.js';
import { duplicateListener, listenersNotFound, outOfRange, sslPolicyNotFound, validation } from '../../domain/elbv2/errors.js';
import { pageOf } from '../../domain/elbv2/paging.js';
import { presentListener } from '../../domain/elbv2/present.js';
import type { ListenerRecord, LoadBalancerRecord } from '../../domain/elbv2/records.js';
import { DEFAULT_SSL_POLICY, isKnownSslPolicy } from '../../domain/elbv2/ssl-policies.js';
import { validateTags } from '../../domain/elbv2/tags.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';
import { type Elbv2Deps, requireListener, requireLoadBalancer } from './elbv2-context.js';
import { checkedActions } from './forward-targets.js';
import { removeListener } from './load-balancer-service.js';

const PROTOCOLS: Record<string, string[]> = { application: ['HTTP', 'HTTPS'], network: ['TCP', 'TLS', 'UDP', 'TCP_UDP'] };

/** Listeners: a port and protocol on a load balancer, with default actions (its default rule). */
export class ListenerService {
  constructor(private readonly deps: Elbv2Deps) {}

  async create(scope: Scope, input: CreateListenerInput): Promise<CreateListenerOutput> {
    const tags = validateTags(input.Tags);
    const { record, fresh } = await this.deps.stores.transaction(async (tx) => {
      const lb = await requireLoadBalancer(tx, scope, input.LoadBalancerArn ?? '');
      const protocol = checkProtocol(lb, input.Protocol);
      const port = checkPort(input.Port);
      const { actions, targetGroupArns } = await checkedActions(tx, scope, lb, protocol, input.DefaultActions, 'defaultActions');
      const body = { Protocol: protocol, DefaultActions: actions, ...tlsSettings(protocol, input) };
      const listeners = await tx.elbListeners.listByLoadBalancer(lb.arn);
      const onPort = listeners.find((l) => l.port === port);
      if (onPort) {
        // CreateListener is idempotent: the same settings again return the existing listener.
        const { attributes: _attributes, certificateList: _certificates, ...settings } = onPort.body;
        if (JSON.stringify(settings) !== JSON.stringify(body)) throw duplicateListener(lb.arn);
        return { record: onPort, fresh: false };
      }
      const maxListeners = limitOf(lb.type === 'network' ? 'listeners-per-network-load-balancer' : 'listeners-per-application-load-balancer');
      if (listeners.length >= maxListeners) throw new ServiceError('TooManyListenersException', `You've reached the limit on the number of listeners per load balancer (${maxListeners})`);
      const created: ListenerRecord = { arn: listenerArn(lb.arn, this.deps.idGen.hex(8)), region: scope.region, loadBalancerArn: lb.arn, port, body };
      await tx.elbListeners.insert(created);
      await tx.elbRules.insert({ arn: ruleArn(created.arn, this.deps.idGen.hex(8)), region: scope.region, listenerArn: created.arn, priority: null, body: { Conditions: [], Actions: [] } });
      await tx.elbTargets.link(created.arn, lb.arn, targetGroupArns);
      await tx.tags.put(created.arn, tags);
      return { record: created, fresh: true };
    });
    if (fresh) this.deps.changes.emit();
    return { Listeners: [presentListener(record)] };
  }

  async describe(scope: Scope, input: DescribeListenersInput): Promise<DescribeListenersOutput> {
    const { stores } = this.deps;
    let records: ListenerRecord[];
    if (input.ListenerArns?.length) {
      if (input.LoadBalancerArn !== undefined) throw validation('Listener ARNs and a load balancer ARN cannot be specified at the same time');
      records = [];
      for (const arn of new Set(input.ListenerArns)) {
        const found = elbResourceType(scope, arn) === 'listener' ? await stores.elbListeners.get(arn) : undefined;
        if (!found) throw listenersNotFound();
        records.push(found);
      }
    } else if (input.LoadBalancerArn !== undefined) {
      records = await stores.elbListeners.listByLoadBalancer((await requireLoadBalancer(stores, scope, input.LoadBalancerArn)).arn);
    } else {
      throw validation('You must specify either listener ARNs or a load balancer ARN');
    }
    const key = (r: ListenerRecord) => `${idOfArn(r.loadBalancerArn)}/${String(r.port).padStart(5, '0')}`;
    const page = pageOf(records.sort((a, b) => key(a).localeCompare(key(b))), key, input.Marker, input.PageSize);
    const Listeners = page.items.map(presentListener);
    return page.NextMarker ? { Listeners, NextMarker: page.NextMarker } : { Listeners };
  }

  async modify(scope: Scope, input: ModifyListenerInput): Promise<ModifyListenerOutput> {
    const record = await this.deps.stores.transaction(async (tx) => {
      const listener = await requireListener(tx, scope, input.ListenerArn ?? '');
      const lb = await requireLoadBalancer(tx, scope, listener.loadBalancerArn);
      const protocol = input.Protocol !== undefined ? checkProtocol(lb, input.Protocol) : listener.body.Protocol;
      if (input.Port !== undefined && input.Port !== listener.port) {
        const port = checkPort(input.Port);
        if ((await tx.elbListeners.listByLoadBalancer(lb.arn)).some((l) => l.port === port)) throw duplicateListener(lb.arn);
        listener.port = port;
      }
      if (input.DefaultActions !== undefined || protocol !== listener.body.Protocol) {
        const { actions, targetGroupArns } = await checkedActions(tx, scope, lb, protocol, input.DefaultActions ?? listener.body.DefaultActions, 'defaultActions');
        listener.body.DefaultActions = actions;
        await tx.elbTargets.link(listener.arn, lb.arn, targetGroupArns);
      }
      const merged = { ...listener.body, ...(input.Certificates ? { Certificates: input.Certificates } : {}), ...(input.SslPolicy ? { SslPolicy: input.SslPolicy } : {}) };
      listener.body = { ...stripTls(merged), Protocol: protocol, ...tlsSettings(protocol, merged) };
      // A listener that no longer speaks TLS loses its certificate list with its default certificate.
      if (!supportsCertificates(protocol)) delete listener.body.certificateList;
      await tx.elbListeners.update(listener);
      return listener;
    });
    this.deps.changes.emit();
    return { Listeners: [presentListener(record)] };
  }

  async delete(scope: Scope, input: DeleteListenerInput): Promise<DeleteListenerOutput> {
    await this.deps.stores.transaction(async (tx: Stores) => {
      const listener = await requireListener(tx, scope, input.ListenerArn ?? '');
      await removeListener(tx, listener.arn);
    });
    this.deps.changes.emit();
    return {};
  }
}

function checkProtocol(lb: LoadBalancerRecord, protocol: string | undefined): ProtocolEnum {
  const allowed = PROTOCOLS[lb.type]!;
  if (protocol === undefined) throw validation('A listener protocol must be specified');
  if (!allowed.includes(protocol)) throw validation(`Listener protocol '${protocol}' must be one of '${allowed.join(', ')}'`);
  return protocol as ProtocolEnum;
}

function checkPort(port: number | undefined): number {
  if (port === undefined) throw validation('A listener port must be specified');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw outOfRange(port, 'port', 1, 65535);
  return port;
}

/** HTTPS and TLS listeners carry a certificate and a security policy; the others carry neither. */
function tlsSettings(protocol: string, input: { Certificates?: ListenerRecord['body']['Certificates'] | undefined; SslPolicy?: string | undefined; AlpnPolicy?: string[] | undefined }) {
  if (protocol !== 'HTTPS' && protocol !== 'TLS') return {};
  if (!input.Certificates?.length) throw new ServiceError('CertificateNotFoundException', `A certificate must be specified for ${protocol} listeners`);
  certificateArns(input.Certificates);
  if (input.SslPolicy !== undefined && !isKnownSslPolicy(input.SslPolicy)) throw sslPolicyNotFound(input.SslPolicy);
  return { Certificates: input.Certificates, SslPolicy: input.SslPolicy ?? DEFAULT_SSL_POLICY, ...(input.AlpnPolicy?.length ? { AlpnPolicy: input.AlpnPolicy } : {}) };
}

function stripTls(body: ListenerRecord['body']): ListenerRecord['body'] {
  const { Certificates: _c, SslPolicy: _s, AlpnPolicy: _a, ...rest } = body;
  return rest;
}
