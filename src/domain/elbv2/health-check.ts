import type { CreateTargetGroupInput, ModifyTargetGroupInput, ProtocolEnum, TargetTypeEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { outOfRange, validation } from './errors.js';
import type { HealthCheckSettings } from './records.js';

const HTTP_PROTOCOLS = new Set<string>(['HTTP', 'HTTPS']);
export const isHttpProtocol = (p: string | undefined) => p !== undefined && HTTP_PROTOCOLS.has(p);

/**
 * A target group's health check settings: what was given over AWS's defaults, which depend on
 * the protocol and target type (ALB user guide; NLB user guide for TCP/UDP/TLS):
 * HTTP(S) 30 s interval, 5 s timeout, 5 healthy, 2 unhealthy, path `/`, matcher 200;
 * TCP-family 30 s, 10 s, 5, 2; lambda 35 s, 30 s, 5, 2 and disabled unless asked.
 */
export function healthCheckOf(input: CreateTargetGroupInput, targetType: TargetTypeEnum): HealthCheckSettings {
  const lambda = targetType === 'lambda';
  const protocol: ProtocolEnum | undefined = input.HealthCheckProtocol ?? (lambda ? 'HTTP' : isHttpProtocol(input.Protocol) ? input.Protocol : input.Protocol === undefined ? 'HTTP' : 'TCP');
  const http = isHttpProtocol(protocol);
  const settings: HealthCheckSettings = {
    HealthCheckPort: input.HealthCheckPort ?? 'traffic-port',
    HealthCheckEnabled: input.HealthCheckEnabled ?? !lambda,
    HealthCheckIntervalSeconds: input.HealthCheckIntervalSeconds ?? (lambda ? 35 : 30),
    HealthCheckTimeoutSeconds: input.HealthCheckTimeoutSeconds ?? (lambda ? 30 : http ? 5 : 10),
    HealthyThresholdCount: input.HealthyThresholdCount ?? 5,
    UnhealthyThresholdCount: input.UnhealthyThresholdCount ?? 2,
  };
  if (!lambda) settings.HealthCheckProtocol = protocol;
  if (http) {
    settings.HealthCheckPath = input.HealthCheckPath ?? '/';
    settings.Matcher = { HttpCode: input.Matcher?.HttpCode ?? '200' };
  }
  validateHealthCheck(settings);
  return settings;
}

/** The settings after a ModifyTargetGroup: given members replace the current ones. */
export function modifyHealthCheck(current: HealthCheckSettings, input: ModifyTargetGroupInput): HealthCheckSettings {
  const next: HealthCheckSettings = { ...current };
  if (input.HealthCheckProtocol !== undefined) next.HealthCheckProtocol = input.HealthCheckProtocol;
  if (input.HealthCheckPort !== undefined) next.HealthCheckPort = input.HealthCheckPort;
  if (input.HealthCheckPath !== undefined) next.HealthCheckPath = input.HealthCheckPath;
  if (input.HealthCheckEnabled !== undefined) next.HealthCheckEnabled = input.HealthCheckEnabled;
  if (input.HealthCheckIntervalSeconds !== undefined) next.HealthCheckIntervalSeconds = input.HealthCheckIntervalSeconds;
  if (input.HealthCheckTimeoutSeconds !== undefined) next.HealthCheckTimeoutSeconds = input.HealthCheckTimeoutSeconds;
  if (input.HealthyThresholdCount !== undefined) next.HealthyThresholdCount = input.HealthyThresholdCount;
  if (input.UnhealthyThresholdCount !== undefined) next.UnhealthyThresholdCount = input.UnhealthyThresholdCount;
  if (input.Matcher?.HttpCode !== undefined) next.Matcher = { HttpCode: input.Matcher.HttpCode };
  if (isHttpProtocol(next.HealthCheckProtocol)) {
    next.HealthCheckPath ??= '/';
    next.Matcher ??= { HttpCode: '200' };
  }
  validateHealthCheck(next);
  return next;
}

function validateHealthCheck(s: HealthCheckSettings): void {
  const range = (value: number, member: string, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw outOfRange(value, member, min, max);
  };
  range(s.HealthCheckIntervalSeconds, 'healthCheckIntervalSeconds', 5, 300);
  range(s.HealthCheckTimeoutSeconds, 'healthCheckTimeoutSeconds', 2, 120);
  range(s.HealthyThresholdCount, 'healthyThresholdCount', 2, 10);
  range(s.UnhealthyThresholdCount, 'unhealthyThresholdCount', 2, 10);
  if (s.HealthCheckTimeoutSeconds >= s.HealthCheckIntervalSeconds && isHttpProtocol(s.HealthCheckProtocol)) {
    throw validation(`Health check timeout '${s.HealthCheckTimeoutSeconds}' must be smaller than the interval '${s.HealthCheckIntervalSeconds}'`);
  }
  if (s.HealthCheckTimeoutSeconds > s.HealthCheckIntervalSeconds) {
    throw validation(`Health check timeout '${s.HealthCheckTimeoutSeconds}' must be smaller than or equal to the interval '${s.HealthCheckIntervalSeconds}'`);
  }
  if (s.HealthCheckPort !== 'traffic-port' && !/^\d+$/.test(s.HealthCheckPort)) throw validation(`Health check port '${s.HealthCheckPort}' must be 'traffic-port' or a port number`);
  if (s.HealthCheckPath !== undefined && !s.HealthCheckPath.startsWith('/')) throw validation('Health check path must begin with a \'/\' character');
  if (s.Matcher?.HttpCode !== undefined && !/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(s.Matcher.HttpCode)) {
    throw validation(`Health check matcher HTTP code '${s.Matcher.HttpCode}' must be like 200 | 200-399 | 200,201`);
  }
}
