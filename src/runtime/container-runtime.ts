/**
 * The `ContainerRuntime` port: what the agent needs from a container engine, in our own words.
 * Implementations: `DockerRuntime` (Docker Engine API, also Podman's compatible API) and
 * `FakeContainerRuntime` (memory, for unit and simulation tests). Both pass one conformance suite
 * (`container-runtime.case.ts`), so the fake stays honest.
 *
 * Every method takes an optional AbortSignal; aborting rejects with the signal's reason. Failures
 * are `RuntimeError`s (runtime-errors.ts) with a stable `code` and a `retriable` flag.
 * Expected absences are data: `inspectContainer` of a missing id is `undefined`, and removing
 * what is already gone succeeds.
 */

/** What the engine and its host are; the agent reports these as container-instance attributes. */
export interface RuntimeInfo {
  /** Engine product, e.g. 'docker' or 'podman'. */
  readonly engine: string;
  readonly engineVersion: string;
  /** The API version negotiated for this connection (min of the engine's and ours). */
  readonly apiVersion: string;
  /** 'linux' or 'windows'. */
  readonly os: string;
  /** ECS spelling: 'x86_64' or 'arm64'. */
  readonly architecture: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly kernelVersion?: string;
  /** '1' or '2' where the engine says. */
  readonly cgroupVersion?: string;
}

/** Registry credentials for one pull (ECS `repositoryCredentials`, or our registry's token). */
export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
  readonly serveraddress: string;
}

export type PortProtocol = 'tcp' | 'udp';

/** A port mapping as asked for: `hostPort` 0 means any free port (ECS dynamic host ports). */
export interface PortBinding {
  readonly containerPort: number;
  readonly protocol: PortProtocol;
  /** The host address to publish on, e.g. '127.0.0.1'; '' or '0.0.0.0' for every address. */
  readonly hostIp: string;
  readonly hostPort: number;
}

/** A port mapping as actually bound (`hostPort` is never 0 here). */
export type BoundPort = PortBinding;

/** Health check as ECS defines it; `test` is `['CMD-SHELL', cmd]`, `['CMD', ...argv]` or `['NONE']`. */
export interface HealthCheckSpec {
  readonly test: readonly string[];
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly retries?: number;
  readonly startPeriodSeconds?: number;
}

export interface Ulimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

export type MountSpec =
  | { readonly type: 'bind'; readonly source: string; readonly target: string; readonly readOnly?: boolean }
  | { readonly type: 'volume'; readonly source: string; readonly target: string; readonly readOnly?: boolean }
  | { readonly type: 'tmpfs'; readonly target: string; readonly sizeBytes?: number };

export interface ExtraHost {
  readonly hostname: string;
  readonly ipAddress: string;
}

/**
 * 'bridge' | 'host' | 'none', the name of a user-defined network (an awsvpc task's network), or
 * `container:<id>` to join another container's network namespace (an awsvpc task's sandbox).
 */
export type NetworkMode = 'bridge' | 'host' | 'none' | (string & {});

/** One container to create: the ECS container-definition features the agent maps onto a runtime. */
export interface ContainerSpec {
  /** Unique on the host; the agent derives it from the task and container names. */
  readonly name: string;
  readonly image: string;
  /** Replaces the image's CMD when given. */
  readonly command?: readonly string[];
  /** Replaces the image's ENTRYPOINT when given. */
  readonly entrypoint?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  readonly user?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Relative CPU weight (ECS container `cpu` units map 1:1 onto shares). */
  readonly cpuShares?: number;
  /** Hard memory limit in bytes: the container is OOM-killed above it. */
  readonly memoryBytes?: number;
  /** Soft limit in bytes: what the scheduler reserved. */
  readonly memoryReservationBytes?: number;
  /** Swap allowed on top of `memoryBytes` (ECS `maxSwap`); unset leaves the engine's default. */
  readonly maxSwapBytes?: number;
  /** CPU limit in billionths of a CPU (a task-level `cpu` limit). */
  readonly nanoCpus?: number;
  readonly portBindings?: readonly PortBinding[];
  readonly networkMode?: NetworkMode;
  /** DNS names for this container on a user-defined network. */
  readonly networkAliases?: readonly string[];
  readonly healthcheck?: HealthCheckSpec;
  /** Seconds between SIGTERM and SIGKILL when the engine stops it without a timeout of ours. */
  readonly stopTimeoutSeconds?: number;
  readonly ulimits?: readonly Ulimit[];
  /** Run an init process as PID 1 that forwards signals and reaps zombies. */
  readonly init?: boolean;
  readonly mounts?: readonly MountSpec[];
  readonly readonlyRootfs?: boolean;
  readonly extraHosts?: readonly ExtraHost[];
  readonly hostname?: string;
  readonly privileged?: boolean;
  readonly dnsServers?: readonly string[];
  readonly dnsSearchDomains?: readonly string[];
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly sysctls?: Readonly<Record<string, string>>;
  readonly shmSizeBytes?: number;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** What a container is now, as the engine reports it. */
export interface ContainerState {
  readonly id: string;
  readonly name: string;
  /** The image reference it was created from, as given. */
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: ContainerStatus;
  readonly running: boolean;
  /** Meaningful once it has exited; 0 before that. */
  readonly exitCode: number;
  readonly oomKilled: boolean;
  /** Milliseconds since the epoch; undefined if it never started. */
  readonly startedAt?: number;
  /** Milliseconds since the epoch; undefined until it has stopped. */
  readonly finishedAt?: number;
  /** Undefined when the container has no health check. */
  readonly health?: HealthStatus;
  readonly ports: readonly BoundPort[];
  /** Network name → the container's IPv4 address on it ('' if none yet). */
  readonly networks: Readonly<Record<string, string>>;
}

/** A container as listed: enough to find ours by label; inspect it for the rest. */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: ContainerStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export type RuntimeEventAction = 'create' | 'start' | 'kill' | 'die' | 'oom' | 'stop' | 'destroy' | 'health_status';

export interface RuntimeEvent {
  readonly containerId: string;
  readonly action: RuntimeEventAction;
  /** Milliseconds since the epoch, by the engine's clock. */
  readonly time: number;
  /** On 'die'. */
  readonly exitCode?: number;
  /** On 'health_status'. */
  readonly health?: HealthStatus;
  /** On 'kill', e.g. 'SIGTERM' or '15' as the engine says it. */
  readonly signal?: string;
}

/**
 * A live subscription. Every event that happens after `ready` resolves is delivered, so the agent
 * subscribes, awaits `ready`, then lists what exists, and misses nothing in between. Iteration ends
 * when the subscription's signal aborts, and throws if the engine goes away.
 */
export interface RuntimeEventStream extends AsyncIterable<RuntimeEvent> {
  readonly ready: Promise<void>;
}

export interface NetworkState {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** IPv4 subnets in CIDR form. */
  readonly subnets: readonly string[];
  /** Container id → its IPv4 address on this network. */
  readonly containers: Readonly<Record<string, string>>;
}

/** Raw counters at one instant; the metrics sampler derives rates from two samples. */
export interface ContainerStats {
  /** Milliseconds since the epoch, when the engine read them. */
  readonly readAt: number;
  /** Total CPU time the container used, in nanoseconds. */
  readonly cpuTotalNanos: number;
  /** Total CPU time of the host, in nanoseconds (0 where the engine does not say). */
  readonly systemCpuNanos: number;
  readonly onlineCpus: number;
  /** Memory in use, less page cache (what `docker stats` shows). */
  readonly memoryUsageBytes: number;
  readonly memoryLimitBytes: number;
  readonly networkRxBytes: number;
  readonly networkTxBytes: number;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface RemoveOptions extends CallOptions {
  /** Kill it first if it is running (otherwise removing a running container is a conflict). */
  readonly force?: boolean;
}

/** A set of labels that must all match; `{}` matches everything. */
export type LabelFilter = Readonly<Record<string, string>>;

export interface ContainerRuntime {
  info(options?: CallOptions): Promise<RuntimeInfo>;
  hasImage(ref: string, options?: CallOptions): Promise<boolean>;
  /** Pulls to the end; a reference no registry has rejects with ImageNotFoundError. */
  pullImage(ref: string, auth?: RegistryAuth, options?: CallOptions): Promise<void>;
  /**
   * Makes a one-layer image `ref` from a root filesystem tarball (`docker import`), replacing the
   * tag if it exists. Containers of it must give their own entrypoint.
   */
  importImage(ref: string, rootfsTar: Uint8Array, options?: CallOptions): Promise<void>;
  /** Returns the new container's id. The image must be present (ImageNotFoundError otherwise). */
  createContainer(spec: ContainerSpec, options?: CallOptions): Promise<string>;
  /** Starting a running container is a no-op. */
  startContainer(id: string, options?: CallOptions): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`; resolves once it has stopped. */
  stopContainer(id: string, timeoutSeconds: number, options?: CallOptions): Promise<void>;
  /** Sends `signal` ('SIGKILL', 'SIGHUP', ...); a no-op if it is not running. */
  killContainer(id: string, signal: string, options?: CallOptions): Promise<void>;
  /** Removing a container that is already gone succeeds. */
  removeContainer(id: string, options?: RemoveOptions): Promise<void>;
  /** `undefined` when no such container exists. Accepts an id or a name. */
  inspectContainer(id: string, options?: CallOptions): Promise<ContainerState | undefined>;
  /** All containers carrying every label in the filter, stopped ones included. */
  listContainers(labelFilter: LabelFilter, options?: CallOptions): Promise<ContainerSummary[]>;
  /** Container events for containers carrying every label in the filter, until `signal` aborts. */
  events(labelFilter: LabelFilter, signal: AbortSignal): RuntimeEventStream;
  /** A bridge network of its own (one per awsvpc task); a name already taken is a conflict. */
  createNetwork(name: string, labels: LabelFilter, options?: CallOptions): Promise<NetworkState>;
  /** Removing a network that is already gone succeeds; one still in use is a conflict. */
  removeNetwork(name: string, options?: CallOptions): Promise<void>;
  inspectNetwork(name: string, options?: CallOptions): Promise<NetworkState | undefined>;
  /** One sample of a running container's counters. */
  containerStats?(id: string, options?: CallOptions): Promise<ContainerStats>;
}
