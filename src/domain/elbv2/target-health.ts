import type { TargetHealth, TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';

/** The Description AWS gives with each TargetHealth Reason. */
export const REASON_DESCRIPTIONS: Record<TargetHealthReasonEnum, string> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.ResponseCodeMismatch': 'Health checks failed',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotRegistered': 'Target is not registered to the target group',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.InvalidState': 'Target is in the stopped or terminated state',
  'Target.IpUnusable': 'The target IP address is reserved for use by a load balancer',
  'Target.HealthCheckDisabled': 'Health checks are disabled',
  'Elb.InternalError': 'Health checks failed due to an internal error',
};

/** `Health checks failed with these codes: [502]`, the text AWS gives a response code mismatch. */
export const responseCodeMismatch = (codes: readonly (number | string)[]) => `Health checks failed with these codes: [${codes.join(',')}]`;

export const targetHealth = (state: TargetHealthStateEnum, reason?: TargetHealthReasonEnum, description?: string): TargetHealth =>
  reason === undefined ? { State: state } : { State: state, Reason: reason, Description: description ?? REASON_DESCRIPTIONS[reason] };

/** Every state a target can be in, and the reasons that go with each (the model's enums). */
export const TARGET_STATES: readonly TargetHealthStateEnum[] = ['initial', 'healthy', 'unhealthy', 'unhealthy.draining', 'unused', 'draining', 'unavailable'];
