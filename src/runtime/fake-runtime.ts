/**
 * `FakeContainerRuntime`: a stateful, in-memory `ContainerRuntime` for unit and simulation tests
 * (Nomad `drivers/mock`). It behaves as Docker does where the conformance suite can tell
 * (ids, names, ports while running, exit codes, events, idempotent removes), and its processes do
 * nothing by themselves: tests make them exit, OOM, turn unhealthy or ignore SIGTERM through the
 * controls below. Ids are deterministic (a counter); time comes from the injected `Clock`. A stop
 * whose SIGTERM is ignored ends at once with 137: the fake does not wait out the timeout.
 */
import { systemClock, type Clock } from '../kit/clock.js';
import type {
  CallOptions, ContainerRuntime, ContainerSpec, ContainerState, ContainerStats, ContainerSummary, HealthStatus,
  LabelFilter, NetworkState, RegistryAuth, RemoveOptions, RuntimeEvent, RuntimeEventStream, RuntimeInfo,
} from './container-runtime.js';
import { FakeEventHub, matchesLabels } from './fake-event-hub.js';
import { allocateHostPorts } from './fake-host-ports.js';
import { normalizeImageRef } from './image-ref.js';
import {
  ContainerNotFoundError, ContainerStartError, ImageNotFoundError, NetworkNotFoundError, RuntimeConflictError,
} from './runtime-errors.js';

interface FakeContainer {
  readonly id: string;
  readonly spec: ContainerSpec;
  readonly createdAt: number;
  state: Omit<ContainerState, 'id' | 'name' | 'image' | 'labels'>;
  /** What SIGTERM does: exit with this code, or nothing (then the stop SIGKILLs: 137). */
  onSigterm: number | 'ignore';
  stats: Partial<ContainerStats>;
}

interface FakeNetwork {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly subnetPrefix: string;
  nextHost: number;
}

type Method = keyof ContainerRuntime;

export interface FakeContainerRuntimeOptions {
  readonly clock?: Clock;
  /** Present locally from the start. */
  readonly images?: Iterable<string>;
  /** What a pull can find; pulling anything else is ImageNotFoundError. */
  readonly registry?: Iterable<string>;
  readonly info?: Partial<RuntimeInfo>;
}

const hexId = (n: number): string => n.toString(16).padStart(64, '0');

export class FakeContainerRuntime implements ContainerRuntime {
  readonly #clock: Clock;
  readonly #images = new Set<string>();
  readonly #registry = new Set<string>();
  readonly #containers = new Map<string, FakeContainer>();
  readonly #networks = new Map<string, FakeNetwork>();
  readonly #faults = new Map<Method, Error[]>();
  readonly #events = new FakeEventHub();
  readonly #info: RuntimeInfo;
  #nextId = 1;
  #nextSubnet = 18;
  /** Every pull asked for, in order, with the credentials given. */
  readonly pulls: { ref: string; auth?: RegistryAuth }[] = [];
  /** Every image imported, in order, with the tarball's size. */
  readonly imports: { ref: string; bytes: number }[] = [];

  constructor(options: FakeContainerRuntimeOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    for (const ref of options.images ?? []) this.#images.add(normalizeImageRef(ref));
    for (const ref of options.registry ?? []) this.#registry.add(normalizeImageRef(ref));
    this.#info = {
      engine: 'fake', engineVersion: '0.0.0', apiVersion: '1.41', os: 'linux', architecture: 'x86_64',
      cpus: 2, memoryBytes: 4 * 1024 ** 3, ...options.info,
    };
    this.#networks.set('bridge', { id: this.#newId(), name: 'bridge', labels: {}, subnetPrefix: '172.17.0', nextHost: 2 });
  }

  // ---- controls for tests ----

  addImage(ref: string): void {
    this.#images.add(normalizeImageRef(ref));
  }
  removeImage(ref: string): void {
    this.#images.delete(normalizeImageRef(ref));
  }
  addToRegistry(ref: string): void {
    this.#registry.add(normalizeImageRef(ref));
  }
  /** The next call of `method` rejects with `error` (seeded faults for simulations). */
  failNext(method: Method, error: Error): void {
    this.#faults.set(method, [...(this.#faults.get(method) ?? []), error]);
  }
  /** The container's process exits by itself with `code`. */
  exit(id: string, code: number): void {
    const c = this.#get(id);
    if (c.state.running) this.#terminate(c, code, false);
  }
  /** The kernel kills it for going over its memory limit. */
  oom(id: string): void {
    const c = this.#get(id);
    if (!c.state.running) return;
    this.#emit(c, { action: 'oom' });
    this.#terminate(c, 137, true);
  }
  setHealth(id: string, health: HealthStatus): void {
    const c = this.#get(id);
    if (c.state.health === health) return;
    c.state = { ...c.state, health };
    this.#emit(c, { action: 'health_status', health });
  }
  /** What the process does on SIGTERM (default: exits 143, as a process killed by it). */
  onSigterm(id: string, behaviour: number | 'ignore'): void {
    this.#get(id).onSigterm = behaviour;
  }
  setStats(id: string, stats: Partial<ContainerStats>): void {
    this.#get(id).stats = { ...stats };
  }
  get eventSubscriberCount(): number {
    return this.#events.subscriberCount;
  }

  // ---- the port ----

  async info(options?: CallOptions): Promise<RuntimeInfo> {
    this.#enter('info', options);
    return { ...this.#info };
  }

  async hasImage(ref: string, options?: CallOptions): Promise<boolean> {
    this.#enter('hasImage', options);
    return this.#images.has(normalizeImageRef(ref));
  }

  async pullImage(ref: string, auth?: RegistryAuth, options?: CallOptions): Promise<void> {
    this.#enter('pullImage', options);
    this.pulls.push(auth ? { ref, auth } : { ref });
    const normalized = normalizeImageRef(ref);
    if (!this.#registry.has(normalized)) throw new ImageNotFoundError(ref, 'manifest unknown');
    this.#images.add(normalized);
  }

  async importImage(ref: string, rootfsTar: Uint8Array, options?: CallOptions): Promise<void> {
    this.#enter('importImage', options);
    this.imports.push({ ref, bytes: rootfsTar.length });
    this.#images.add(normalizeImageRef(ref));
  }

  async createContainer(spec: ContainerSpec, options?: CallOptions): Promise<string> {
    this.#enter('createContainer', options);
    if (!this.#images.has(normalizeImageRef(spec.image))) throw new ImageNotFoundError(spec.image, `No such image: ${spec.image}`);
    if (this.#find(spec.name)) throw new RuntimeConflictError(`cannot create container ${spec.name}: the name is already in use`);
    const id = this.#newId();
    const c: FakeContainer = {
      id, spec, createdAt: this.#clock.now(), onSigterm: 143, stats: {},
      state: { status: 'created', running: false, exitCode: 0, oomKilled: false, ports: [], networks: this.#detachedNetworks(spec) },
    };
    this.#containers.set(id, c);
    this.#emit(c, { action: 'create' });
    return id;
  }

  async startContainer(id: string, options?: CallOptions): Promise<void> {
    this.#enter('startContainer', options);
    const c = this.#find(id);
    if (!c) throw new ContainerNotFoundError(id);
    if (c.state.running) return;
    const mode = c.spec.networkMode ?? 'bridge';
    const joined = mode.startsWith('container:') ? this.#find(mode.slice('container:'.length)) : undefined;
    if (mode.startsWith('container:') && !joined?.state.running) throw new ContainerStartError(id, `cannot join network of a non running container: ${mode.slice('container:'.length)}`);
    const network = mode === 'host' || mode === 'none' || joined ? undefined : this.#networks.get(mode);
    if (mode !== 'host' && mode !== 'none' && !joined && !network) throw new NetworkNotFoundError(mode);
    const inUse = [...this.#containers.values()].flatMap((other) => other.state.ports);
    const ports = allocateHostPorts(c.id, c.spec.portBindings ?? [], inUse);
    const healthy = c.spec.healthcheck && c.spec.healthcheck.test[0] !== 'NONE';
    c.state = {
      status: 'running', running: true, exitCode: 0, oomKilled: false, startedAt: this.#clock.now(), finishedAt: undefined,
      health: healthy ? 'starting' : undefined, ports,
      networks: network ? { [network.name]: `${network.subnetPrefix}.${network.nextHost++}` } : this.#detachedNetworks(c.spec),
    };
    this.#emit(c, { action: 'start' });
  }

  async stopContainer(id: string, _timeoutSeconds: number, options?: CallOptions): Promise<void> {
    this.#enter('stopContainer', options);
    const c = this.#find(id);
    if (!c) throw new ContainerNotFoundError(id);
    if (!c.state.running) return;
    this.#signal(c, 'SIGTERM');
    if (c.state.running) this.#signal(c, 'SIGKILL');
    this.#emit(c, { action: 'stop' });
  }

  async killContainer(id: string, signal: string, options?: CallOptions): Promise<void> {
    this.#enter('killContainer', options);
    const c = this.#find(id);
    if (!c) throw new ContainerNotFoundError(id);
    if (c.state.running) this.#signal(c, signal);
  }

  async removeContainer(id: string, options?: RemoveOptions): Promise<void> {
    this.#enter('removeContainer', options);
    const c = this.#find(id);
    if (!c) return;
    if (c.state.running && !options?.force) throw new RuntimeConflictError(`cannot remove container ${id}: it is running (stop it first or force)`);
    if (c.state.running) this.#signal(c, 'SIGKILL');
    this.#containers.delete(c.id);
    this.#emit(c, { action: 'destroy' });
  }

  async inspectContainer(id: string, options?: CallOptions): Promise<ContainerState | undefined> {
    this.#enter('inspectContainer', options);
    const c = this.#find(id);
    return c && this.#snapshot(c);
  }

  async listContainers(labelFilter: LabelFilter, options?: CallOptions): Promise<ContainerSummary[]> {
    this.#enter('listContainers', options);
    return [...this.#containers.values()]
      .filter((c) => matchesLabels(c.spec.labels ?? {}, labelFilter))
      .reverse() // newest first, as the engine lists them
      .map((c) => ({ id: c.id, name: c.spec.name, image: c.spec.image, labels: { ...c.spec.labels }, status: c.state.status, createdAt: c.createdAt }));
  }

  events(labelFilter: LabelFilter, signal: AbortSignal): RuntimeEventStream {
    return this.#events.subscribe(labelFilter, signal);
  }

  async createNetwork(name: string, labels: LabelFilter, options?: CallOptions): Promise<NetworkState> {
    this.#enter('createNetwork', options);
    if (this.#networks.has(name) || name === 'host' || name === 'none') throw new RuntimeConflictError(`cannot create network ${name}: it exists`);
    const network: FakeNetwork = { id: this.#newId(), name, labels: { ...labels }, subnetPrefix: `172.${this.#nextSubnet++}.0`, nextHost: 2 };
    this.#networks.set(name, network);
    return this.#networkState(network);
  }

  async removeNetwork(name: string, options?: CallOptions): Promise<void> {
    this.#enter('removeNetwork', options);
    const network = this.#networks.get(name);
    if (!network) return;
    if (name === 'bridge') throw new RuntimeConflictError('bridge is a pre-defined network and cannot be removed');
    if ([...this.#containers.values()].some((c) => c.state.running && name in c.state.networks)) {
      throw new RuntimeConflictError(`cannot remove network ${name}: it has active endpoints`);
    }
    this.#networks.delete(name);
  }

  async inspectNetwork(name: string, options?: CallOptions): Promise<NetworkState | undefined> {
    this.#enter('inspectNetwork', options);
    const network = this.#networks.get(name);
    return network && this.#networkState(network);
  }

  async containerStats(id: string, options?: CallOptions): Promise<ContainerStats> {
    this.#enter('containerStats', options);
    const c = this.#find(id);
    if (!c) throw new ContainerNotFoundError(id);
    return {
      readAt: this.#clock.now(), cpuTotalNanos: 0, systemCpuNanos: 0, onlineCpus: this.#info.cpus, memoryUsageBytes: 0,
      memoryLimitBytes: c.spec.memoryBytes ?? this.#info.memoryBytes, networkRxBytes: 0, networkTxBytes: 0, ...c.stats,
    };
  }

  // ---- internals ----

  #enter(method: Method, options: CallOptions | undefined): void {
    options?.signal?.throwIfAborted();
    const fault = this.#faults.get(method)?.shift();
    if (fault) throw fault;
  }

  #newId(): string {
    return hexId(this.#nextId++);
  }

  #find(idOrName: string): FakeContainer | undefined {
    return this.#containers.get(idOrName) ?? [...this.#containers.values()].find((c) => c.spec.name === idOrName);
  }

  #get(idOrName: string): FakeContainer {
    const c = this.#find(idOrName);
    if (!c) throw new ContainerNotFoundError(idOrName);
    return c;
  }

  /** Network names with no address, as the engine shows a container that is not running; none in another's namespace. */
  #detachedNetworks(spec: ContainerSpec): Record<string, string> {
    const mode = spec.networkMode ?? 'bridge';
    return mode.startsWith('container:') ? {} : { [mode]: '' };
  }

  #signal(c: FakeContainer, signal: string): void {
    this.#emit(c, { action: 'kill', signal });
    const name = signal.toUpperCase().replace(/^SIG/, '');
    if (name === 'KILL' || name === '9') this.#terminate(c, 137, false);
    else if ((name === 'TERM' || name === '15') && c.onSigterm !== 'ignore') this.#terminate(c, c.onSigterm, false);
    // Other signals: the fake's processes ignore them.
  }

  #terminate(c: FakeContainer, exitCode: number, oomKilled: boolean): void {
    c.state = {
      ...c.state, status: 'exited', running: false, exitCode, oomKilled, finishedAt: this.#clock.now(),
      ports: [], networks: this.#detachedNetworks(c.spec),
    };
    this.#emit(c, { action: 'die', exitCode });
  }

  #emit(c: FakeContainer, event: Omit<RuntimeEvent, 'containerId' | 'time'>): void {
    this.#events.publish({ containerId: c.id, time: this.#clock.now(), ...event }, c.spec.labels ?? {});
  }

  #snapshot(c: FakeContainer): ContainerState {
    return {
      id: c.id, name: c.spec.name, image: c.spec.image, labels: { ...c.spec.labels }, ...c.state,
      ports: c.state.ports.map((p) => ({ ...p })), networks: { ...c.state.networks },
    };
  }

  #networkState(n: FakeNetwork): NetworkState {
    const containers: Record<string, string> = {};
    for (const c of this.#containers.values()) {
      const ip = c.state.networks[n.name];
      if (c.state.running && ip) containers[c.id] = ip;
    }
    return { id: n.id, name: n.name, labels: { ...n.labels }, subnets: [`${n.subnetPrefix}.0/16`], containers };
  }
}
