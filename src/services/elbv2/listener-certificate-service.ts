import type {
  AddListenerCertificatesInput, AddListenerCertificatesOutput, Certificate, DescribeListenerCertificatesInput, DescribeListenerCertificatesOutput,
  RemoveListenerCertificatesInput, RemoveListenerCertificatesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { limitOf } from '../../domain/elbv2/account-limits.js';
import { certificateArns, supportsCertificates } from '../../domain/elbv2/certificates.js';
import { invalidConfiguration, operationNotPermitted, tooManyCertificates } from '../../domain/elbv2/errors.js';
import { pageOf } from '../../domain/elbv2/paging.js';
import { type Elbv2Deps, requireListener, requireLoadBalancer } from './elbv2-context.js';

/**
 * The certificate list of HTTPS and TLS listeners (SNI certificates), besides the default
 * certificate set by CreateListener/ModifyListener. Stored and echoed; Berth serves no TLS.
 */
export class ListenerCertificateService {
  constructor(private readonly deps: Elbv2Deps) {}

  /** The default certificate (IsDefault true), then the list; a default also in the list shows twice, as on AWS. */
  async describe(scope: Scope, input: DescribeListenerCertificatesInput): Promise<DescribeListenerCertificatesOutput> {
    const listener = await requireListener(this.deps.stores, scope, input.ListenerArn ?? '');
    const all: Certificate[] = [
      ...(listener.body.Certificates ?? []).map((c) => ({ CertificateArn: c.CertificateArn, IsDefault: true })),
      ...(listener.body.certificateList ?? []).map((CertificateArn) => ({ CertificateArn, IsDefault: false })),
    ];
    const keyed = all.map((certificate, i) => ({ key: String(i).padStart(4, '0'), certificate }));
    const page = pageOf(keyed, (k) => k.key, input.Marker, input.PageSize);
    const Certificates = page.items.map((k) => k.certificate);
    return page.NextMarker ? { Certificates, NextMarker: page.NextMarker } : { Certificates };
  }

  /** Adds to the list; a certificate already there is not added again. Answers with the whole list. */
  async add(scope: Scope, input: AddListenerCertificatesInput): Promise<AddListenerCertificatesOutput> {
    const arns = certificateArns(input.Certificates);
    const list = await this.deps.stores.transaction(async (tx) => {
      const listener = await requireListener(tx, scope, input.ListenerArn ?? '');
      if (!supportsCertificates(listener.body.Protocol)) throw invalidConfiguration(`Certificates can only be added to HTTPS or TLS listeners, not to ${listener.body.Protocol} listeners`);
      const current = listener.body.certificateList ?? [];
      const added = [...new Set(arns)].filter((arn) => !current.includes(arn));
      const lb = await requireLoadBalancer(tx, scope, listener.loadBalancerArn);
      const max = limitOf(lb.type === 'network' ? 'certificates-per-network-load-balancer' : 'certificates-per-application-load-balancer');
      const used = (await tx.elbListeners.listByLoadBalancer(lb.arn)).reduce((n, l) => n + (l.body.certificateList?.length ?? 0), 0);
      if (used + added.length > max) throw tooManyCertificates(max);
      listener.body.certificateList = [...current, ...added];
      await tx.elbListeners.update(listener);
      return listener.body.certificateList;
    });
    return { Certificates: list.map((CertificateArn) => ({ CertificateArn, IsDefault: false })) };
  }

  /** Removes from the list; the default certificate cannot be removed this way (ModifyListener replaces it). */
  async remove(scope: Scope, input: RemoveListenerCertificatesInput): Promise<RemoveListenerCertificatesOutput> {
    const arns = certificateArns(input.Certificates);
    await this.deps.stores.transaction(async (tx) => {
      const listener = await requireListener(tx, scope, input.ListenerArn ?? '');
      const current = listener.body.certificateList ?? [];
      const defaults = (listener.body.Certificates ?? []).map((c) => c.CertificateArn);
      const isDefaultOnly = arns.find((arn) => defaults.includes(arn) && !current.includes(arn));
      if (isDefaultOnly) throw operationNotPermitted(`The default certificate '${isDefaultOnly}' cannot be removed from the listener`);
      listener.body.certificateList = current.filter((arn) => !arns.includes(arn));
      await tx.elbListeners.update(listener);
    });
    return {};
  }
}
