/**
 * ECS container definition (plus RunTask overrides) → the runtime's `ContainerSpec`. Pure: the one
 * place that knows how an ECS field lands on a container. Fields Berth cannot serve are refused
 * before this runs (unsupported-features.ts), so the mapping never drops one silently.
 */
import { parseTaskCpu, parseTaskMemory } from '../domain/ecs/fargate.js';
import type { ContainerDefinition, HealthCheck, TaskDefinition, TaskOverride, Volume } from '@aws-sdk/client-ecs';
import type { ContainerSpec, HealthCheckSpec, MountSpec, NetworkMode, PortBinding } from '../runtime/container-runtime.js';
import { runtimeContainerName } from './labels.js';
import { isNetworkSysctl } from './sandbox-spec.js';
import type { HostPortAssignment } from '../domain/ecs/task-contract.js';

const MIB = 1024 * 1024;
/** Docker's least CPU weight; ECS sends 2 for cpu 0, 1 or unset (agent `minimumCPUShare`). */
const MIN_CPU_SHARES = 2;
/** ECS health-check defaults (semantics.md §1.8); Docker's own timeout default (30 s) differs. */
const HEALTH_DEFAULTS = { interval: 30, timeout: 5, retries: 3 };

export function toHealthCheckSpec(h: HealthCheck): HealthCheckSpec {
  return {
    test: [...(h.command ?? [])],
    intervalSeconds: h.interval ?? HEALTH_DEFAULTS.interval,
    timeoutSeconds: h.timeout ?? HEALTH_DEFAULTS.timeout,
    retries: h.retries ?? HEALTH_DEFAULTS.retries,
    ...(h.startPeriod !== undefined ? { startPeriodSeconds: h.startPeriod } : {}),
  };
}

/** Where a task's containers attach: Docker's built-in modes, or the awsvpc task's sandbox (its pause container's namespace). */
export function computeNetworkMode(definition: TaskDefinition, sandboxId: string | undefined): NetworkMode {
  switch (definition.networkMode) {
    case 'host':
      return 'host';
    case 'none':
      return 'none';
    case 'awsvpc':
      if (!sandboxId) throw new Error('an awsvpc task needs its sandbox before its containers');
      return `container:${sandboxId}`;
    default:
      return 'bridge';
  }
}

/** A task volume → the mount source: a host path binds; otherwise a Docker volume named for the task. */
export function computeVolumeMount(taskId: string, volume: Volume, target: string, readOnly: boolean): MountSpec {
  const sourcePath = volume.host?.sourcePath;
  if (sourcePath) return { type: 'bind', source: sourcePath, target, readOnly };
  // A 'shared' Docker volume outlives the task under its own name; any other is the task's own.
  const shared = volume.dockerVolumeConfiguration?.scope === 'shared';
  return { type: 'volume', source: shared ? volume.name! : `berth-${taskId}-${volume.name}`, target, readOnly };
}

export interface ContainerSpecInput {
  readonly taskId: string;
  readonly taskDefinition: TaskDefinition;
  readonly overrides?: TaskOverride;
  /** The effective container (computeEffectiveContainer). */
  readonly container: ContainerDefinition;
  readonly hostPorts: readonly HostPortAssignment[];
  readonly hostIp: string;
  /** From computeNetworkMode. */
  readonly networkMode: NetworkMode;
  readonly labels: Readonly<Record<string, string>>;
  /** Variables read from the container's local environmentFiles; `environment` wins over them. */
  readonly fileEnvironment?: Readonly<Record<string, string>>;
  readonly stopTimeoutSeconds: number;
}

function computePortBindings(input: ContainerSpecInput): PortBinding[] | undefined {
  // host and awsvpc use the container's ports as they are; none has no network.
  if (input.networkMode !== 'bridge') return undefined;
  const name = input.container.name!;
  return (input.container.portMappings ?? []).filter((p) => p.containerPort !== undefined).map((p) => {
    const protocol = p.protocol === 'udp' ? 'udp' as const : 'tcp' as const;
    const assigned = input.hostPorts.find((h) => h.containerName === name && h.containerPort === p.containerPort && h.protocol === protocol);
    return { containerPort: p.containerPort!, protocol, hostIp: input.hostIp, hostPort: assigned?.hostPort ?? p.hostPort ?? 0 };
  });
}

function computeMounts(input: ContainerSpecInput): MountSpec[] | undefined {
  const c = input.container;
  const volumes = new Map((input.taskDefinition.volumes ?? []).map((v) => [v.name, v]));
  const mounts: MountSpec[] = (c.mountPoints ?? []).map((m) => {
    const volume = volumes.get(m.sourceVolume);
    if (!volume) throw new Error(`mount point ${m.containerPath} names volume ${m.sourceVolume}, which the task does not define`);
    return computeVolumeMount(input.taskId, volume, m.containerPath!, m.readOnly ?? false);
  });
  for (const t of c.linuxParameters?.tmpfs ?? []) {
    mounts.push({ type: 'tmpfs', target: t.containerPath!, ...(t.size !== undefined ? { sizeBytes: t.size * MIB } : {}) });
  }
  return mounts.length > 0 ? mounts : undefined;
}

function computeEnvironment(input: ContainerSpecInput): Record<string, string> | undefined {
  const env: Record<string, string> = { ...input.fileEnvironment };
  for (const e of input.container.environment ?? []) if (e.name) env[e.name] = e.value ?? '';
  return Object.keys(env).length > 0 ? env : undefined;
}

/** The task-level limit each container gets when the task sets one (overrides first). */
function taskLimits(input: ContainerSpecInput): { nanoCpus?: number; memoryBytes?: number } {
  const cpu = parseTaskCpu(input.overrides?.cpu ?? input.taskDefinition.cpu);
  const memory = parseTaskMemory(input.overrides?.memory ?? input.taskDefinition.memory);
  return {
    ...(cpu !== undefined ? { nanoCpus: Math.round((cpu / 1024) * 1e9) } : {}),
    ...(memory !== undefined ? { memoryBytes: memory * MIB } : {}),
  };
}

/** The runtime spec for one container of a task. Throws only on a definition ECS would have refused. */
export function computeContainerSpec(input: ContainerSpecInput): ContainerSpec {
  const c = input.container;
  const lp = c.linuxParameters;
  const limits = taskLimits(input);
  const memoryBytes = c.memory !== undefined ? c.memory * MIB : limits.memoryBytes;
  const spec: { -readonly [K in keyof ContainerSpec]: ContainerSpec[K] } = {
    name: runtimeContainerName(input.taskId, c.name!),
    image: c.image!,
    labels: { ...input.labels },
    cpuShares: c.cpu === undefined || c.cpu <= 1 ? MIN_CPU_SHARES : c.cpu,
    networkMode: c.disableNetworking ? 'none' : input.networkMode,
    stopTimeoutSeconds: input.stopTimeoutSeconds,
  };
  const set = <K extends keyof ContainerSpec>(key: K, value: ContainerSpec[K] | undefined) => {
    if (value !== undefined) spec[key] = value;
  };
  set('command', c.command);
  set('entrypoint', c.entryPoint);
  set('env', computeEnvironment(input));
  set('workingDir', c.workingDirectory);
  set('user', c.user);
  set('memoryBytes', memoryBytes);
  set('memoryReservationBytes', c.memoryReservation === undefined ? undefined : c.memoryReservation * MIB);
  set('maxSwapBytes', lp?.maxSwap === undefined || memoryBytes === undefined ? undefined : lp.maxSwap * MIB);
  set('nanoCpus', limits.nanoCpus);
  set('portBindings', computePortBindings(input));
  set('healthcheck', c.healthCheck?.command?.length ? toHealthCheckSpec(c.healthCheck) : undefined);
  set('ulimits', c.ulimits?.map((u) => ({ name: u.name!, soft: u.softLimit!, hard: u.hardLimit! })));
  set('init', lp?.initProcessEnabled);
  set('mounts', computeMounts(input));
  set('readonlyRootfs', c.readonlyRootFilesystem);
  set('privileged', c.privileged);
  set('capAdd', lp?.capabilities?.add);
  set('capDrop', lp?.capabilities?.drop);
  set('shmSizeBytes', lp?.sharedMemorySize === undefined ? undefined : lp.sharedMemorySize * MIB);
  // In a sandbox's namespace these belong to the pause container (sandbox-spec.ts); Docker refuses them here.
  const joined = spec.networkMode!.startsWith('container:');
  const sysctls = (c.systemControls ?? []).filter((s) => !(joined && isNetworkSysctl(s.namespace ?? '')));
  set('sysctls', sysctls.length > 0 ? Object.fromEntries(sysctls.map((s) => [s.namespace!, s.value ?? ''])) : undefined);
  if (joined) return spec;
  set('extraHosts', c.extraHosts?.map((h) => ({ hostname: h.hostname!, ipAddress: h.ipAddress! })));
  set('hostname', c.hostname);
  set('dnsServers', c.dnsServers);
  set('dnsSearchDomains', c.dnsSearchDomains);
  return spec;
}
