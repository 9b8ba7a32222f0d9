import type { Clock } from '../../kit/clock.js';
import type { IdGen } from '../../kit/id-gen.js';
import type { Stores } from '../../store/stores.js';
import { EcsTargetRegistry } from './ecs-target-registry.js';
import { ConfigChanges, type Elbv2Deps } from './elbv2-context.js';
import { Elbv2TagService } from './elbv2-tag-service.js';
import { ListenerService } from './listener-service.js';
import { LoadBalancerService } from './load-balancer-service.js';
import { LoadBalancingView } from './load-balancing-view.js';
import { RuleService } from './rule-service.js';
import { TargetGroupService } from './target-group-service.js';
import { TargetService } from './target-service.js';

export interface Elbv2Services {
  loadBalancers: LoadBalancerService;
  targetGroups: TargetGroupService;
  targets: TargetService;
  listeners: ListenerService;
  rules: RuleService;
  tags: Elbv2TagService;
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
    targetGroups: new TargetGroupService(deps),
    targets,
    listeners: new ListenerService(deps),
    rules: new RuleService(deps),
    tags: new Elbv2TagService(deps),
    view: new LoadBalancingView(deps, targets),
    ecsTargets: new EcsTargetRegistry(deps, targets),
  };
}
