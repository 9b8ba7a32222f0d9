import { ServiceError } from '../../kit/errors.js';

/**
 * ECS account settings: the names ECS knows, the values each accepts, and what an account that
 * never set one gets (the effective value ListAccountSettings reports with effectiveSettings).
 */
const ENABLED_DISABLED = ['enabled', 'disabled'];
const ON_OFF = ['on', 'off'];

export const ACCOUNT_SETTINGS: Readonly<Record<string, { values: readonly string[]; default: string; type?: 'aws_managed' }>> = {
  serviceLongArnFormat: { values: ENABLED_DISABLED, default: 'enabled' },
  taskLongArnFormat: { values: ENABLED_DISABLED, default: 'enabled' },
  containerInstanceLongArnFormat: { values: ENABLED_DISABLED, default: 'enabled' },
  awsvpcTrunking: { values: ENABLED_DISABLED, default: 'disabled' },
  containerInsights: { values: ['enabled', 'disabled', 'enhanced'], default: 'disabled' },
  fargateFIPSMode: { values: ENABLED_DISABLED, default: 'disabled' },
  tagResourceAuthorization: { values: ON_OFF, default: 'on' },
  fargateTaskRetirementWaitPeriod: { values: ['0', '7', '14'], default: '7' },
  guardDutyActivate: { values: ON_OFF, default: 'off', type: 'aws_managed' },
  defaultLogDriverMode: { values: ['blocking', 'non-blocking'], default: 'non-blocking' },
  fargateEventWindows: { values: ENABLED_DISABLED, default: 'disabled' },
};

export const isAccountSettingName = (name: string): boolean => Object.hasOwn(ACCOUNT_SETTINGS, name);

export function validateAccountSetting(name: string, value: string): void {
  const spec = Object.hasOwn(ACCOUNT_SETTINGS, name) ? ACCOUNT_SETTINGS[name] : undefined;
  if (!spec) {
    throw new ServiceError('InvalidParameterException', `${name} should be one of [${Object.keys(ACCOUNT_SETTINGS).join(',')}]`);
  }
  if (!spec.values.includes(value)) throw new ServiceError('InvalidParameterException', "Invalid setting 'value'");
}
