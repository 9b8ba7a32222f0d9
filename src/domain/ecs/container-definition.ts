import type { ContainerDefinition, HealthCheck, PortMapping } from '@aws-sdk/client-ecs';
import { ServiceError } from '../../kit/errors.js';
import { NAME_PATTERN } from './names.js';

/**
 * One container of a task definition: ECS's checks on it (texts as AWS returns them where known)
 * and the defaults ECS writes into what it stores and returns.
 */

const fail = (message: string) => new ServiceError('ClientException', message);
const invalid = (member: string, name: string) => fail(`Invalid '${member}' setting for container '${name}'.`);

/** What a container's rules need to know about the task around it. */
export interface ContainerContext {
  networkMode: string | undefined;
  /** Task-level memory in MiB, already normalised. */
  taskMemory: number | undefined;
}

/** ContainerDefinition members in the order ECS writes them (the model's order). */
const CONTAINER_MEMBERS: readonly (keyof ContainerDefinition)[] = [
  'name', 'image', 'repositoryCredentials', 'cpu', 'memory', 'memoryReservation', 'links', 'portMappings',
  'essential', 'restartPolicy', 'entryPoint', 'command', 'environment', 'environmentFiles', 'mountPoints',
  'volumesFrom', 'linuxParameters', 'secrets', 'dependsOn', 'startTimeout', 'stopTimeout', 'versionConsistency',
  'hostname', 'user', 'workingDirectory', 'disableNetworking', 'privileged', 'readonlyRootFilesystem', 'dnsServers',
  'dnsSearchDomains', 'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal', 'dockerLabels',
  'ulimits', 'logConfiguration', 'healthCheck', 'systemControls', 'resourceRequirements', 'firelensConfiguration',
  'credentialSpecs',
];

/** PortMapping members in the order real DescribeTaskDefinition output shows them. */
const PORT_MEMBERS: readonly (keyof PortMapping)[] = [
  'name', 'containerPort', 'hostPort', 'protocol', 'appProtocol', 'containerPortRange',
];

/** `value` with its members in `order` (others after, as given) and undefined members dropped. */
export function orderMembers<T extends object>(value: T, order: readonly (keyof T)[]): T {
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of order as readonly string[]) if (source[key] !== undefined) out[key] = source[key];
  for (const [key, v] of Object.entries(source)) if (v !== undefined && !(key in out)) out[key] = v;
  return out as T;
}

/** Container names: required, ECS's name charset, unique within the task definition. */
export function validateContainerNames(containers: readonly ContainerDefinition[]): void {
  const seen = new Set<string>();
  for (const c of containers) {
    if (c.name === undefined || c.name === '') throw fail('Container.name should not be null or empty.');
    if (!NAME_PATTERN.test(c.name)) throw fail('Container.name contains invalid characters.');
    if (seen.has(c.name)) throw fail('Container names must be unique within a Task Definition.');
    seen.add(c.name);
  }
}

/** Validates one (already named) container and returns it as ECS stores it. */
export function completeContainer(def: ContainerDefinition, ctx: ContainerContext): ContainerDefinition {
  const name = def.name!;
  if (def.image === undefined || def.image === '') throw fail('Container.image should not be null or empty.');
  checkMemory(def, name, ctx.taskMemory);
  if (def.cpu !== undefined && def.cpu < 0) throw invalid('cpu', name);
  if (def.hostname !== undefined && ctx.networkMode === 'awsvpc') {
    throw fail('hostname is not supported on container when networkMode=awsvpc.');
  }
  return orderMembers(
    {
      ...def,
      cpu: def.cpu ?? 0,
      portMappings: (def.portMappings ?? []).map((p) => completePortMapping(p, name, ctx.networkMode)),
      essential: def.essential ?? true,
      environment: def.environment ?? [],
      mountPoints: def.mountPoints ?? [],
      volumesFrom: def.volumesFrom ?? [],
      healthCheck: def.healthCheck && completeHealthCheck(def.healthCheck, name),
    },
    CONTAINER_MEMBERS,
  );
}

function checkMemory(def: ContainerDefinition, name: string, taskMemory: number | undefined): void {
  const { memory, memoryReservation } = def;
  if (taskMemory === undefined && memory === undefined && memoryReservation === undefined) {
    throw fail(`Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
  }
  if (memory !== undefined && memory <= 0) throw invalid('memory', name);
  if (memoryReservation !== undefined && memoryReservation <= 0) throw invalid('memoryReservation', name);
  // The DG: "memory must be greater than or equal to memoryReservation".
  if (memory !== undefined && memoryReservation !== undefined && memoryReservation > memory) {
    throw invalid('memoryReservation', name);
  }
  if (taskMemory !== undefined && memory !== undefined && memory > taskMemory) {
    throw fail(`The 'memory' setting for container '${name}' is greater than for the task.`);
  }
}

function completePortMapping(p: PortMapping, name: string, networkMode: string | undefined): PortMapping {
  const protocol = p.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp') throw invalid('protocol', name);
  // A port range stands in for containerPort; ECS then assigns host ports itself.
  if (p.containerPortRange !== undefined && p.containerPort === undefined) {
    return orderMembers({ ...p, protocol }, PORT_MEMBERS);
  }
  const { containerPort } = p;
  if (containerPort === undefined || !isPort(containerPort, 1)) throw invalid('containerPort', name);
  if (p.hostPort !== undefined && !isPort(p.hostPort, 0)) throw invalid('hostPort', name);
  let hostPort = p.hostPort;
  // In awsvpc and host mode the container's port *is* the host port: 0 or absent means "the same".
  if (networkMode === 'awsvpc' || networkMode === 'host') {
    if (hostPort === undefined || hostPort === 0) hostPort = containerPort;
    if (hostPort !== containerPort) {
      throw fail(`When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`);
    }
  }
  return orderMembers({ ...p, containerPort, hostPort, protocol }, PORT_MEMBERS);
}

const isPort = (n: number, min: number) => Number.isInteger(n) && n >= min && n <= 65535;

/** Ranges and defaults from the HealthCheck model; ECS returns interval/timeout/retries filled in. */
const HEALTH_LIMITS = {
  interval: { min: 5, max: 300, fallback: 30 },
  timeout: { min: 2, max: 60, fallback: 5 },
  retries: { min: 1, max: 10, fallback: 3 },
  startPeriod: { min: 0, max: 300, fallback: undefined },
} as const;

function completeHealthCheck(hc: HealthCheck, name: string): HealthCheck {
  if (hc.command === undefined || hc.command.length === 0) throw invalid('healthCheck.command', name);
  const out: HealthCheck = { command: hc.command };
  for (const member of ['interval', 'timeout', 'retries', 'startPeriod'] as const) {
    const limits = HEALTH_LIMITS[member];
    const value = hc[member] ?? limits.fallback;
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < limits.min || value > limits.max) throw invalid(`healthCheck.${member}`, name);
    out[member] = value;
  }
  return out;
}

const CONDITIONS = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'];

/** `dependsOn`: a known container, a known condition, and a target that can meet it. */
export function validateDependencies(containers: readonly ContainerDefinition[]): void {
  const byName = new Map(containers.map((c) => [c.name!, c]));
  for (const c of containers) {
    for (const dep of c.dependsOn ?? []) {
      const target = byName.get(dep.containerName ?? '');
      // Sic: AWS's text carries a stray " + ".
      if (!target) throw fail(`Cannot depend on container + '${dep.containerName ?? ''}' because it does not exist`);
      const condition = dep.condition ?? '';
      if (!CONDITIONS.includes(condition)) {
        throw fail(`Invalid dependency condition '${condition}' for container '${c.name!}'. Valid values are START, COMPLETE, SUCCESS and HEALTHY.`);
      }
      // A completing essential container would stop the whole task, so nothing could run after it.
      if ((condition === 'SUCCESS' || condition === 'COMPLETE') && (target.essential ?? true)) {
        throw fail('A dependency container with SUCCESS or COMPLETE condition cannot be an essential container');
      }
      if (condition === 'HEALTHY' && target.healthCheck === undefined) {
        throw fail('A dependency container with HEALTHY condition must have a health check configured');
      }
    }
  }
}
