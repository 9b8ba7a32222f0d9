import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { normalizeActions } from '../../domain/elbv2/actions.js';
import { elbResourceType } from '../../domain/elbv2/arns.js';
import { incompatibleProtocols } from '../../domain/elbv2/errors.js';
import { isHttpProtocol } from '../../domain/elbv2/health-check.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/records.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';

/** Which target group protocols a network listener may forward to. */
const NETWORK_PAIRS: Record<string, string[]> = {
  TCP: ['TCP', 'TCP_UDP'],
  TLS: ['TCP', 'TLS'],
  UDP: ['UDP', 'TCP_UDP'],
  TCP_UDP: ['TCP_UDP'],
};

/**
 * A listener's or rule's actions, normalised, with every target group they forward to checked:
 * it exists, its protocol suits the listener's, and it serves no other load balancer (an
 * application or network target group belongs to one load balancer at a time).
 */
export async function checkedActions(tx: Stores, scope: Scope, lb: LoadBalancerRecord, listenerProtocol: string, actions: readonly Action[] | undefined, member: string) {
  const normalized = normalizeActions(actions, lb.type, member);
  for (const arn of normalized.targetGroupArns) {
    const group = elbResourceType(scope, arn) === 'targetgroup' ? await tx.elbTargetGroups.get(arn) : undefined;
    if (!group) throw new ServiceError('TargetGroupNotFoundException', `Target group '${arn}' not found`);
    const protocol = group.body.Protocol ?? '';
    const fits = lb.type === 'application'
      ? group.body.TargetType === 'lambda' || isHttpProtocol(protocol)
      : (NETWORK_PAIRS[listenerProtocol] ?? []).includes(protocol) || (group.body.TargetType === 'alb' && listenerProtocol === 'TCP');
    if (!fits) {
      throw incompatibleProtocols(`The protocol of the target group '${arn}' (${protocol || 'lambda'}) is not compatible with the listener protocol '${listenerProtocol}'`);
    }
    const others = (await tx.elbTargets.usersOf(arn)).filter((u) => u.loadBalancerArn !== lb.arn);
    if (others.length > 0) {
      throw new ServiceError('TargetGroupAssociationLimitException', `The following target groups cannot be associated with more than one load balancer: ${arn}`);
    }
  }
  return normalized;
}
