/**
 * `ContainerSpec` → the body of `POST /containers/create` (API 1.41). Pure; the one place that
 * knows Docker's spelling of a container. Unset fields stay unset so the engine's defaults apply
 * (JSON.stringify drops `undefined`).
 */
import type { ContainerSpec, HealthCheckSpec, MountSpec, PortBinding } from '../container-runtime.js';

/** The part of the create body we send. */
export interface DockerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  Hostname?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  StopTimeout?: number;
  HostConfig: Record<string, unknown>;
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[] }> };
}

const BUILTIN_NETWORK_MODES = new Set(['bridge', 'host', 'none', 'default']);

/** Docker's port key, e.g. '80/tcp'. */
export const portKey = (containerPort: number, protocol: string): string => `${containerPort}/${protocol}`;

const seconds = (s: number | undefined): number | undefined => (s === undefined ? undefined : Math.round(s * 1e9));

function mapHealthcheck(h: HealthCheckSpec): NonNullable<DockerCreateBody['Healthcheck']> {
  return {
    Test: [...h.test],
    Interval: seconds(h.intervalSeconds),
    Timeout: seconds(h.timeoutSeconds),
    Retries: h.retries,
    StartPeriod: seconds(h.startPeriodSeconds),
  };
}

function mapPortBindings(bindings: readonly PortBinding[]) {
  const exposed: Record<string, Record<string, never>> = {};
  const published: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const b of bindings) {
    const key = portKey(b.containerPort, b.protocol);
    exposed[key] = {};
    // An empty HostPort asks the engine for a free port from its ephemeral range.
    (published[key] ??= []).push({ HostIp: b.hostIp, HostPort: b.hostPort === 0 ? '' : String(b.hostPort) });
  }
  return { exposed, published };
}

function mapMount(m: MountSpec): Record<string, unknown> {
  if (m.type === 'tmpfs') return { Type: 'tmpfs', Target: m.target, TmpfsOptions: m.sizeBytes === undefined ? undefined : { SizeBytes: m.sizeBytes } };
  return { Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly ?? false };
}

const copy = <T>(xs: readonly T[] | undefined): T[] | undefined => (xs === undefined ? undefined : [...xs]);

/** The create body for `spec`; the container name goes in the `name` query parameter. */
export function toDockerCreateBody(spec: ContainerSpec): DockerCreateBody {
  const ports = spec.portBindings && spec.portBindings.length > 0 ? mapPortBindings(spec.portBindings) : undefined;
  const networkMode = spec.networkMode ?? 'bridge';
  // `container:<id>` shares another container's namespace: it has no endpoint of its own.
  const userNetwork = !BUILTIN_NETWORK_MODES.has(networkMode) && !networkMode.startsWith('container:');
  return {
    Image: spec.image,
    Cmd: copy(spec.command),
    Entrypoint: copy(spec.entrypoint),
    Env: spec.env === undefined ? undefined : Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: spec.workingDir,
    User: spec.user,
    Labels: spec.labels === undefined ? undefined : { ...spec.labels },
    Hostname: spec.hostname,
    ExposedPorts: ports?.exposed,
    Healthcheck: spec.healthcheck === undefined ? undefined : mapHealthcheck(spec.healthcheck),
    StopTimeout: spec.stopTimeoutSeconds,
    HostConfig: {
      CpuShares: spec.cpuShares,
      Memory: spec.memoryBytes,
      MemoryReservation: spec.memoryReservationBytes,
      // Docker's MemorySwap is memory plus swap; it needs Memory to mean anything.
      MemorySwap: spec.maxSwapBytes !== undefined && spec.memoryBytes !== undefined ? spec.memoryBytes + spec.maxSwapBytes : undefined,
      NanoCpus: spec.nanoCpus,
      PortBindings: ports?.published,
      NetworkMode: networkMode,
      Ulimits: spec.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      Init: spec.init,
      Mounts: spec.mounts?.map(mapMount),
      ReadonlyRootfs: spec.readonlyRootfs,
      ExtraHosts: spec.extraHosts?.map((h) => `${h.hostname}:${h.ipAddress}`),
      Privileged: spec.privileged,
      Dns: copy(spec.dnsServers),
      DnsSearch: copy(spec.dnsSearchDomains),
      CapAdd: copy(spec.capAdd),
      CapDrop: copy(spec.capDrop),
      Sysctls: spec.sysctls === undefined ? undefined : { ...spec.sysctls },
      ShmSize: spec.shmSizeBytes,
    },
    // Aliases exist only on user-defined networks; the default bridge has no DNS of its own.
    NetworkingConfig: userNetwork && spec.networkAliases && spec.networkAliases.length > 0
      ? { EndpointsConfig: { [networkMode]: { Aliases: [...spec.networkAliases] } } }
      : undefined,
  };
}
