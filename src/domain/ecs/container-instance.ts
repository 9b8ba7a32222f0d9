import type { Attribute, ContainerInstance, Resource, Tag } from '@aws-sdk/client-ecs';
import { ecsArn, ecsResourceOf, isArn, type Scope } from '../arn.js';
import { ServiceError } from '../../kit/errors.js';

/** How long an agent may stay quiet before its instance shows `agentConnected: false`. */
export const AGENT_QUIET_LIMIT_MS = 60_000;

export const containerInstanceArn = (scope: Scope, cluster: string, id: string) =>
  ecsArn(scope, `container-instance/${cluster}/${id}`);

/**
 * The instance id a reference names: a bare id, or an ARN of this scope and cluster (long form
 * `container-instance/<cluster>/<id>` or the old `container-instance/<id>`); undefined otherwise.
 */
export function containerInstanceIdOf(scope: Scope, cluster: string, ref: string): string | undefined {
  if (!isArn(ref)) return /^[a-zA-Z0-9-]{1,64}$/.test(ref) ? ref : undefined;
  const parts = ecsResourceOf(scope, ref)?.split('/');
  if (parts?.[0] !== 'container-instance') return undefined;
  if (parts.length === 2) return parts[1];
  return parts.length === 3 && parts[1] === cluster ? parts[2] : undefined;
}

/** The instance id inside an EC2 instance identity document (as the ECS agent sends it), if any. */
export function ec2InstanceIdFromIdentity(document: string | undefined): string | undefined {
  if (!document) return undefined;
  try {
    const id = (JSON.parse(document) as { instanceId?: unknown }).instanceId;
    if (typeof id === 'string' && /^(i|mi)-[0-9a-zA-Z]{1,32}$/.test(id)) return id;
  } catch {
    // fall through
  }
  throw new ServiceError('InvalidParameterException', 'The instance identity document is not valid.');
}

/** Checks the registered resources: CPU and MEMORY as integers, PORTS and PORTS_UDP as port sets. */
export function validateRegisteredResources(resources: readonly Resource[]): Resource[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  for (const name of ['CPU', 'MEMORY']) {
    const value = byName.get(name)?.integerValue;
    if (value === undefined || !Number.isInteger(value) || value < 0) {
      throw new ServiceError('InvalidParameterException', `totalResources must include ${name} as a non-negative INTEGER.`);
    }
  }
  for (const name of ['PORTS', 'PORTS_UDP']) {
    for (const port of byName.get(name)?.stringSetValue ?? []) {
      const n = Number(port);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ServiceError('InvalidParameterException', `Invalid port ${port} in ${name}.`);
    }
  }
  return resources.map((r) => ({ ...r }));
}

export interface ContainerInstanceView {
  arn: string;
  ec2InstanceId: string;
  status: string;
  statusReason?: string;
  agentConnected: boolean;
  version: number;
  versionInfo: ContainerInstance['versionInfo'];
  registeredResources: Resource[];
  remainingResources: Resource[];
  runningTasksCount: number;
  pendingTasksCount: number;
  attributes: Attribute[];
  registeredAt: Date;
  tags?: Tag[];
}

/** The ContainerInstance shape ECS returns. */
export function presentContainerInstance(view: ContainerInstanceView): ContainerInstance {
  return {
    containerInstanceArn: view.arn,
    ec2InstanceId: view.ec2InstanceId,
    version: view.version,
    versionInfo: view.versionInfo,
    remainingResources: view.remainingResources,
    registeredResources: view.registeredResources,
    status: view.status,
    ...(view.statusReason ? { statusReason: view.statusReason } : {}),
    agentConnected: view.agentConnected,
    runningTasksCount: view.runningTasksCount,
    pendingTasksCount: view.pendingTasksCount,
    attributes: view.attributes,
    registeredAt: view.registeredAt,
    attachments: [],
    ...(view.tags ? { tags: view.tags } : {}),
  };
}
