import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Elbv2Services } from '../../services/elbv2/elbv2-services.js';
import { type AwsService, operation as op, type Operation } from '../operation.js';
import { queryErrorCodes } from '../protocols/aws-query.js';

/**
 * Elastic Load Balancing v2's API on the wire: awsQuery, form `Version=2015-12-01`, signed as
 * `elasticloadbalancing`. Errors leave as their awsQueryError codes (LoadBalancerNotFound).
 */
export function elbv2Api(s: Elbv2Services): AwsService {
  const operations: Record<string, Operation> = {
    CreateLoadBalancer: op<elb.CreateLoadBalancerInput, elb.CreateLoadBalancerOutput>(elb.CreateLoadBalancer$, (i, c) => s.loadBalancers.create(c.scope, i)),
    DescribeLoadBalancers: op<elb.DescribeLoadBalancersInput, elb.DescribeLoadBalancersOutput>(elb.DescribeLoadBalancers$, (i, c) => s.loadBalancers.describe(c.scope, i)),
    DeleteLoadBalancer: op<elb.DeleteLoadBalancerInput, elb.DeleteLoadBalancerOutput>(elb.DeleteLoadBalancer$, (i, c) => s.loadBalancers.delete(c.scope, i)),
    DescribeLoadBalancerAttributes: op<elb.DescribeLoadBalancerAttributesInput, elb.DescribeLoadBalancerAttributesOutput>(elb.DescribeLoadBalancerAttributes$, (i, c) => s.loadBalancers.describeAttributes(c.scope, i)),
    ModifyLoadBalancerAttributes: op<elb.ModifyLoadBalancerAttributesInput, elb.ModifyLoadBalancerAttributesOutput>(elb.ModifyLoadBalancerAttributes$, (i, c) => s.loadBalancers.modifyAttributes(c.scope, i)),
    SetSubnets: op<elb.SetSubnetsInput, elb.SetSubnetsOutput>(elb.SetSubnets$, (i, c) => s.loadBalancerNetwork.setSubnets(c.scope, i)),
    SetSecurityGroups: op<elb.SetSecurityGroupsInput, elb.SetSecurityGroupsOutput>(elb.SetSecurityGroups$, (i, c) => s.loadBalancerNetwork.setSecurityGroups(c.scope, i)),
    SetIpAddressType: op<elb.SetIpAddressTypeInput, elb.SetIpAddressTypeOutput>(elb.SetIpAddressType$, (i, c) => s.loadBalancerNetwork.setIpAddressType(c.scope, i)),
    DescribeCapacityReservation: op<elb.DescribeCapacityReservationInput, elb.DescribeCapacityReservationOutput>(elb.DescribeCapacityReservation$, (i, c) => s.capacityReservations.describe(c.scope, i)),
    ModifyCapacityReservation: op<elb.ModifyCapacityReservationInput, elb.ModifyCapacityReservationOutput>(elb.ModifyCapacityReservation$, (i, c) => s.capacityReservations.modify(c.scope, i)),

    CreateTargetGroup: op<elb.CreateTargetGroupInput, elb.CreateTargetGroupOutput>(elb.CreateTargetGroup$, (i, c) => s.targetGroups.create(c.scope, i)),
    DescribeTargetGroups: op<elb.DescribeTargetGroupsInput, elb.DescribeTargetGroupsOutput>(elb.DescribeTargetGroups$, (i, c) => s.targetGroups.describe(c.scope, i)),
    ModifyTargetGroup: op<elb.ModifyTargetGroupInput, elb.ModifyTargetGroupOutput>(elb.ModifyTargetGroup$, (i, c) => s.targetGroups.modify(c.scope, i)),
    DeleteTargetGroup: op<elb.DeleteTargetGroupInput, elb.DeleteTargetGroupOutput>(elb.DeleteTargetGroup$, (i, c) => s.targetGroups.delete(c.scope, i)),
    DescribeTargetGroupAttributes: op<elb.DescribeTargetGroupAttributesInput, elb.DescribeTargetGroupAttributesOutput>(elb.DescribeTargetGroupAttributes$, (i, c) => s.targetGroups.describeAttributes(c.scope, i)),
    ModifyTargetGroupAttributes: op<elb.ModifyTargetGroupAttributesInput, elb.ModifyTargetGroupAttributesOutput>(elb.ModifyTargetGroupAttributes$, (i, c) => s.targetGroups.modifyAttributes(c.scope, i)),

    RegisterTargets: op<elb.RegisterTargetsInput, elb.RegisterTargetsOutput>(elb.RegisterTargets$, (i, c) => s.targets.register(c.scope, i)),
    DeregisterTargets: op<elb.DeregisterTargetsInput, elb.DeregisterTargetsOutput>(elb.DeregisterTargets$, (i, c) => s.targets.deregister(c.scope, i)),
    DescribeTargetHealth: op<elb.DescribeTargetHealthInput, elb.DescribeTargetHealthOutput>(elb.DescribeTargetHealth$, (i, c) => s.targets.describeHealth(c.scope, i)),

    CreateListener: op<elb.CreateListenerInput, elb.CreateListenerOutput>(elb.CreateListener$, (i, c) => s.listeners.create(c.scope, i)),
    DescribeListeners: op<elb.DescribeListenersInput, elb.DescribeListenersOutput>(elb.DescribeListeners$, (i, c) => s.listeners.describe(c.scope, i)),
    ModifyListener: op<elb.ModifyListenerInput, elb.ModifyListenerOutput>(elb.ModifyListener$, (i, c) => s.listeners.modify(c.scope, i)),
    DeleteListener: op<elb.DeleteListenerInput, elb.DeleteListenerOutput>(elb.DeleteListener$, (i, c) => s.listeners.delete(c.scope, i)),
    DescribeListenerAttributes: op<elb.DescribeListenerAttributesInput, elb.DescribeListenerAttributesOutput>(elb.DescribeListenerAttributes$, (i, c) => s.listenerAttributes.describe(c.scope, i)),
    ModifyListenerAttributes: op<elb.ModifyListenerAttributesInput, elb.ModifyListenerAttributesOutput>(elb.ModifyListenerAttributes$, (i, c) => s.listenerAttributes.modify(c.scope, i)),
    DescribeListenerCertificates: op<elb.DescribeListenerCertificatesInput, elb.DescribeListenerCertificatesOutput>(elb.DescribeListenerCertificates$, (i, c) => s.listenerCertificates.describe(c.scope, i)),
    AddListenerCertificates: op<elb.AddListenerCertificatesInput, elb.AddListenerCertificatesOutput>(elb.AddListenerCertificates$, (i, c) => s.listenerCertificates.add(c.scope, i)),
    RemoveListenerCertificates: op<elb.RemoveListenerCertificatesInput, elb.RemoveListenerCertificatesOutput>(elb.RemoveListenerCertificates$, (i, c) => s.listenerCertificates.remove(c.scope, i)),

    CreateRule: op<elb.CreateRuleInput, elb.CreateRuleOutput>(elb.CreateRule$, (i, c) => s.rules.create(c.scope, i)),
    DescribeRules: op<elb.DescribeRulesInput, elb.DescribeRulesOutput>(elb.DescribeRules$, (i, c) => s.rules.describe(c.scope, i)),
    ModifyRule: op<elb.ModifyRuleInput, elb.ModifyRuleOutput>(elb.ModifyRule$, (i, c) => s.rules.modify(c.scope, i)),
    DeleteRule: op<elb.DeleteRuleInput, elb.DeleteRuleOutput>(elb.DeleteRule$, (i, c) => s.rules.delete(c.scope, i)),
    SetRulePriorities: op<elb.SetRulePrioritiesInput, elb.SetRulePrioritiesOutput>(elb.SetRulePriorities$, (i, c) => s.rules.setPriorities(c.scope, i)),

    AddTags: op<elb.AddTagsInput, elb.AddTagsOutput>(elb.AddTags$, (i, c) => s.tags.add(c.scope, i)),
    RemoveTags: op<elb.RemoveTagsInput, elb.RemoveTagsOutput>(elb.RemoveTags$, (i, c) => s.tags.remove(c.scope, i)),
    DescribeTags: op<elb.DescribeTagsInput, elb.DescribeTagsOutput>(elb.DescribeTags$, (i, c) => s.tags.describe(c.scope, i)),

    DescribeAccountLimits: op<elb.DescribeAccountLimitsInput, elb.DescribeAccountLimitsOutput>(elb.DescribeAccountLimits$, (i) => s.account.describeAccountLimits(i)),
    DescribeSSLPolicies: op<elb.DescribeSSLPoliciesInput, elb.DescribeSSLPoliciesOutput>(elb.DescribeSSLPolicies$, (i) => s.account.describeSslPolicies(i)),
  };
  return {
    signingName: 'elasticloadbalancing',
    operations: new Map(Object.entries(operations)),
    validationErrorCode: 'ValidationError',
    query: {
      version: '2015-12-01',
      xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
      errorCodes: queryErrorCodes(elb as unknown as Record<string, unknown>),
    },
  };
}
