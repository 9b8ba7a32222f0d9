import type { CapacityProviderStrategyItem, Cluster, ClusterConfiguration, ClusterField, ClusterServiceConnectDefaults, ClusterSetting, KeyValuePair, Tag } from '@aws-sdk/client-ecs';
import { clusterArn, type Scope } from '../arn.js';
import { ServiceError } from '../../kit/errors.js';

/** How many of each thing a cluster holds; the delete guards and DescribeClusters read these. */
export interface ClusterCounts {
  registeredContainerInstancesCount: number;
  runningTasksCount: number;
  pendingTasksCount: number;
  activeServicesCount: number;
  /** Per launch type, for `include: ["STATISTICS"]`. */
  statistics: Record<StatisticName, number>;
}

const STATISTIC_NAMES = [
  'runningEC2TasksCount', 'runningFargateTasksCount', 'runningExternalTasksCount',
  'pendingEC2TasksCount', 'pendingFargateTasksCount', 'pendingExternalTasksCount',
  'activeEC2ServiceCount', 'activeFargateServiceCount', 'activeExternalServiceCount',
  'drainingEC2ServiceCount', 'drainingFargateServiceCount', 'drainingExternalServiceCount',
] as const;
export type StatisticName = (typeof STATISTIC_NAMES)[number];

export const emptyCounts = (): ClusterCounts => ({
  registeredContainerInstancesCount: 0,
  runningTasksCount: 0,
  pendingTasksCount: 0,
  activeServicesCount: 0,
  statistics: Object.fromEntries(STATISTIC_NAMES.map((n) => [n, 0])) as Record<StatisticName, number>,
});

/** ECS's only cluster setting, and the values it takes. */
export function validateClusterSettings(settings: readonly ClusterSetting[]): void {
  for (const s of settings) {
    if (s.name !== 'containerInsights') throw new ServiceError('InvalidParameterException', "Invalid setting 'name'");
    if (!['enabled', 'disabled', 'enhanced'].includes(s.value ?? '')) throw new ServiceError('InvalidParameterException', "Invalid setting 'value'");
  }
}

export function mergeSettings(current: readonly ClusterSetting[], changes: readonly ClusterSetting[]): ClusterSetting[] {
  const merged = new Map(current.map((s) => [s.name, s.value]));
  for (const s of changes) merged.set(s.name, s.value);
  return [...merged].map(([name, value]) => ({ name, value }));
}

export interface ClusterView {
  name: string;
  status: string;
  settings: ClusterSetting[];
  configuration?: ClusterConfiguration;
  serviceConnectDefaults?: ClusterServiceConnectDefaults;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
}

/** What Create/Update/Delete responses carry: ECS answers them with settings, tags and configuration. */
export const MUTATION_RESPONSE_FIELDS: readonly ClusterField[] = ['SETTINGS', 'TAGS', 'CONFIGURATIONS'];

/** The Cluster shape ECS returns; `include` decides which optional parts appear, as on AWS. */
export function presentCluster(
  scope: Scope,
  cluster: ClusterView,
  counts: ClusterCounts,
  include: readonly ClusterField[],
  tags: readonly Tag[] = [],
): Cluster {
  const wants = (field: ClusterField) => include.includes(field);
  const out: Cluster = {
    clusterArn: clusterArn(scope, cluster.name),
    clusterName: cluster.name,
    status: cluster.status,
    registeredContainerInstancesCount: counts.registeredContainerInstancesCount,
    runningTasksCount: counts.runningTasksCount,
    pendingTasksCount: counts.pendingTasksCount,
    activeServicesCount: counts.activeServicesCount,
    statistics: wants('STATISTICS') ? statistics(counts) : [],
    tags: wants('TAGS') ? [...tags] : [],
    settings: wants('SETTINGS') ? cluster.settings : [],
    capacityProviders: cluster.capacityProviders,
    defaultCapacityProviderStrategy: cluster.defaultCapacityProviderStrategy,
  };
  if (wants('CONFIGURATIONS') && cluster.configuration !== undefined) out.configuration = cluster.configuration;
  if (cluster.serviceConnectDefaults) out.serviceConnectDefaults = cluster.serviceConnectDefaults;
  if (wants('ATTACHMENTS')) out.attachments = [];
  return out;
}

const statistics = (counts: ClusterCounts): KeyValuePair[] =>
  STATISTIC_NAMES.map((name) => ({ name, value: String(counts.statistics[name]) }));
