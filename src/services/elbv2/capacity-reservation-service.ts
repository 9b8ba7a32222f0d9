import type {
  DescribeCapacityReservationInput, DescribeCapacityReservationOutput, ModifyCapacityReservationInput, ModifyCapacityReservationOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope } from '../../domain/arn.js';
import { operationNotPermitted } from '../../domain/elbv2/errors.js';
import { type Elbv2Deps, requireLoadBalancer } from './elbv2-context.js';

/**
 * Load balancer capacity unit reservations. Berth's load balancers have no provisioned capacity to
 * reserve: Describe answers that none is reserved, and Modify is refused (OperationNotPermitted).
 */
export class CapacityReservationService {
  constructor(private readonly deps: Elbv2Deps) {}

  async describe(scope: Scope, input: DescribeCapacityReservationInput): Promise<DescribeCapacityReservationOutput> {
    await requireLoadBalancer(this.deps.stores, scope, input.LoadBalancerArn ?? '');
    return { CapacityReservationState: [] };
  }

  async modify(scope: Scope, input: ModifyCapacityReservationInput): Promise<ModifyCapacityReservationOutput> {
    await requireLoadBalancer(this.deps.stores, scope, input.LoadBalancerArn ?? '');
    throw operationNotPermitted('Capacity reservations are not supported: Berth load balancers have no provisioned capacity to reserve');
  }
}
