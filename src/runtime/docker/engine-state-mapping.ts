/**
 * Engine JSON → the port's types: container inspect and list, network inspect, stats. Pure; the
 * `Docker*` shapes name only the fields we read, all optional, since engines (and Podman) vary.
 */
import type {
  BoundPort, ContainerState, ContainerStats, ContainerStatus, ContainerSummary, HealthStatus, NetworkState, PortProtocol,
} from '../container-runtime.js';

export interface DockerContainerInspect {
  Id?: string;
  Name?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: {
    Status?: string; Running?: boolean; ExitCode?: number; OOMKilled?: boolean;
    StartedAt?: string; FinishedAt?: string; Health?: { Status?: string } | null;
  };
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string } | null> | null;
  };
}

export interface DockerContainerListItem {
  Id?: string;
  Names?: string[];
  Image?: string;
  Labels?: Record<string, string> | null;
  State?: string;
  Created?: number;
}

export interface DockerNetworkInspect {
  Id?: string;
  Name?: string;
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: { Subnet?: string }[] | null };
  Containers?: Record<string, { IPv4Address?: string }> | null;
}

export interface DockerStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

const STATUSES = new Set<ContainerStatus>(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);
const HEALTH = new Set<HealthStatus>(['starting', 'healthy', 'unhealthy']);

export const toContainerStatus = (s: string | undefined): ContainerStatus =>
  STATUSES.has(s as ContainerStatus) ? (s as ContainerStatus) : 'dead';

export const toHealthStatus = (s: string | undefined): HealthStatus | undefined =>
  HEALTH.has(s as HealthStatus) ? (s as HealthStatus) : undefined;

/** Engine timestamps (RFC 3339, nanoseconds) in ms; Go's zero time ('0001-01-01…') means never. */
export function parseEngineTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** '/web-1' → 'web-1' (the engine reports names with a leading slash). */
const stripSlash = (name: string | undefined): string => (name ?? '').replace(/^\//, '');

function boundPorts(ports: NonNullable<DockerContainerInspect['NetworkSettings']>['Ports']): BoundPort[] {
  const out: BoundPort[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, protocol = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) {
      out.push({ containerPort: Number(port), protocol: protocol as PortProtocol, hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort) });
    }
  }
  return out;
}

/**
 * The engine keeps the last FinishedAt while a restarted container runs, so only a stopped one has
 * finished; and it stamps a process that exits at once about a millisecond *before* its StartedAt,
 * which would put an ECS task's stop before its start.
 */
function finishedAt(running: boolean, started: number | undefined, finished: number | undefined): number | undefined {
  if (running || finished === undefined) return undefined;
  return started !== undefined && finished < started ? started : finished;
}

export function toContainerState(c: DockerContainerInspect): ContainerState {
  const state = c.State ?? {};
  const networks: Record<string, string> = {};
  for (const [name, endpoint] of Object.entries(c.NetworkSettings?.Networks ?? {})) networks[name] = endpoint?.IPAddress ?? '';
  const status = toContainerStatus(state.Status);
  const startedAt = parseEngineTime(state.StartedAt);
  return {
    id: c.Id ?? '',
    name: stripSlash(c.Name),
    image: c.Config?.Image ?? '',
    labels: { ...c.Config?.Labels },
    status,
    running: state.Running ?? false,
    exitCode: state.ExitCode ?? 0,
    oomKilled: state.OOMKilled ?? false,
    startedAt,
    finishedAt: finishedAt(state.Running ?? false, startedAt, parseEngineTime(state.FinishedAt)),
    health: toHealthStatus(state.Health?.Status),
    ports: boundPorts(c.NetworkSettings?.Ports),
    networks,
  };
}

export function toContainerSummary(c: DockerContainerListItem): ContainerSummary {
  return {
    id: c.Id ?? '',
    name: stripSlash(c.Names?.[0]),
    image: c.Image ?? '',
    labels: { ...c.Labels },
    status: toContainerStatus(c.State),
    createdAt: (c.Created ?? 0) * 1000,
  };
}

export function toNetworkState(n: DockerNetworkInspect): NetworkState {
  const containers: Record<string, string> = {};
  for (const [id, endpoint] of Object.entries(n.Containers ?? {})) containers[id] = (endpoint.IPv4Address ?? '').replace(/\/\d+$/, '');
  return {
    id: n.Id ?? '',
    name: n.Name ?? '',
    labels: { ...n.Labels },
    subnets: (n.IPAM?.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
    containers,
  };
}

export function toContainerStats(s: DockerStats): ContainerStats {
  const memory = s.memory_stats ?? {};
  // As `docker stats` does: page cache is not "used" (cgroup v1 total_inactive_file, v2 inactive_file).
  const inactive = memory.stats?.total_inactive_file ?? memory.stats?.inactive_file ?? 0;
  const usage = memory.usage ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  return {
    readAt: parseEngineTime(s.read) ?? Date.now(),
    cpuTotalNanos: s.cpu_stats?.cpu_usage?.total_usage ?? 0,
    systemCpuNanos: s.cpu_stats?.system_cpu_usage ?? 0,
    onlineCpus: s.cpu_stats?.online_cpus ?? 0,
    memoryUsageBytes: inactive < usage ? usage - inactive : usage,
    memoryLimitBytes: memory.limit ?? 0,
    networkRxBytes: rx,
    networkTxBytes: tx,
  };
}
