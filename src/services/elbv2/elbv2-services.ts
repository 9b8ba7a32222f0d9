import type { Clock } from '../../kit/clock.js';
import type { IdGen } from '../../kit/id-gen.js';
import type { Stores } from '../../store/stores.js';
import { Elbv2AccountService } from './account-service.js';
import { CapacityReservationService } from './capacity-reservation-service.js';
import { EcsTargetRegistry } from './ecs-target-registry.js';
import { ConfigChanges, type Elbv2Deps } from './elbv2-context.js';
import { Elbv2TagService } from './elbv2-tag-service.js';
import { ListenerAttributeService } from './listener-attribute-service.js';
import { ListenerCertificateService } from './listener-certificate-service.js';
import { ListenerService } from './listener-service.js';
import { LoadBalancerNetworkService } from './load-balancer-network-service.js';
import { LoadBalancerService } from './load-balancer-service.js';
import { LoadBalancingView } from './load-balancing-view.js';
import { RuleService } from './rule-service.js';
import { TargetGroupService } from './target-group-service.js';
import { TargetService } from './target-service.js';

export interface Elbv2Services {
  loadBalancers: LoadBalancerService;
  /** Subnets, security groups and IP address type of load balancers. */
  loadBalancerNetwork: LoadBalancerNetworkService;
  capacityReservations: CapacityReservationService;
  targetGroups: TargetGroupService;
  targets: TargetService;
  listeners: ListenerService;
  listenerAttributes: ListenerAttributeService;
  listenerCertificates: ListenerCertificateService;
  rules: RuleService;
  tags: Elbv2TagService;
  /** Account limits and SSL policies. */
  account: Elbv2AccountService;
  /** For the data plane: the configuration, its changes, and where health goes. */
  view: LoadBalancingView;
  /** For ECS services with load balancers. */
  ecsTargets: EcsTargetRegistry;
}

/** Builds the ELBv2 services over one store, sharing one change signal. */
export function createElbv2Services(stores: Stores, clock: Clock, idGen: IdGen): Elbv2Services {
  const deps: Elbv2Deps = { stores, clock, idGen, changes: new ConfigChanges() };
  const targets = new TargetService(deps);
  return {
    loadBalancers: new LoadBalancerService(deps),
    loadBalancerNetwork: new LoadBalancerNetworkService(deps),
    capacityReservations: new CapacityReservationService(deps),
    targetGroups: new TargetGroupService(deps),
    targets,
    listeners: new ListenerService(deps),
    listenerAttributes: new ListenerAttributeService(deps),
    listenerCertificates: new ListenerCertificateService(deps),
    rules: new RuleService(deps),
    tags: new Elbv2TagService(deps),
    account: new Elbv2AccountService(),
    view: new LoadBalancingView(deps, targets),
    ecsTargets: new EcsTargetRegistry(deps, targets),
  };
}
