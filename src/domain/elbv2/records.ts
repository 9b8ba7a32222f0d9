import type {
  Action, AvailabilityZone, Certificate, LoadBalancerSchemeEnum, LoadBalancerStateEnum, Matcher, ProtocolEnum, RuleCondition,
  TargetGroupIpAddressTypeEnum, TargetHealthReasonEnum, TargetHealthStateEnum, TargetTypeEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerType } from './arns.js';

/** What Berth keeps of each ELBv2 resource, in AWS's spelling; ARNs are the keys. Times are epoch ms. */
export interface LoadBalancerRecord {
  arn: string;
  region: string;
  name: string;
  type: LoadBalancerType;
  createdAt: number;
  body: {
    Scheme: LoadBalancerSchemeEnum;
    IpAddressType: string;
    VpcId: string;
    DNSName: string;
    CanonicalHostedZoneId: string;
    State: { Code: LoadBalancerStateEnum; Reason?: string };
    AvailabilityZones: AvailabilityZone[];
    SecurityGroups?: string[];
    /** Network load balancers with security groups: `on` (the default) or `off`. */
    EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic?: string;
    attributes: Record<string, string>;
  };
}

export interface HealthCheckSettings {
  HealthCheckProtocol?: ProtocolEnum;
  HealthCheckPort: string;
  HealthCheckEnabled: boolean;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  Matcher?: Matcher;
}

export interface TargetGroupRecord {
  arn: string;
  region: string;
  name: string;
  createdAt: number;
  body: HealthCheckSettings & {
    TargetType: TargetTypeEnum;
    Protocol?: ProtocolEnum;
    ProtocolVersion?: string;
    Port?: number;
    VpcId?: string;
    IpAddressType?: TargetGroupIpAddressTypeEnum;
    attributes: Record<string, string>;
  };
}

export interface ListenerRecord {
  arn: string;
  region: string;
  loadBalancerArn: string;
  port: number;
  body: {
    Protocol: ProtocolEnum;
    DefaultActions: Action[];
    Certificates?: Certificate[];
    SslPolicy?: string;
    AlpnPolicy?: string[];
    /** Attributes set by ModifyListenerAttributes (defaults are not stored). */
    attributes?: Record<string, string>;
    /** The certificate list (AddListenerCertificates), besides the default certificate above. */
    certificateList?: string[];
  };
}

/** A rule; the default rule (priority null) has no body of its own: its actions are the listener's. */
export interface RuleRecord {
  arn: string;
  region: string;
  listenerArn: string;
  priority: number | null;
  body: { Conditions: RuleCondition[]; Actions: Action[] };
}

/** A registered (or draining) target, with the health last recorded for it. */
export interface TargetRecord {
  targetGroupArn: string;
  id: string;
  port: number;
  availabilityZone?: string;
  state: TargetHealthStateEnum;
  reason?: TargetHealthReasonEnum;
  description?: string;
  registeredAt: number;
  /** Set once deregistered: the target drains until then, and is gone after. */
  drainUntil?: number;
}
