/**
 * `ContainerRuntime` over the Docker Engine API (Docker 20.10+, API 1.41; Podman's compatible API).
 * Each method is one engine call with a named timeout; this file decides what each HTTP status
 * means for the port, and the mapping files decide the JSON.
 */
import type {
  CallOptions, ContainerRuntime, ContainerSpec, ContainerState, ContainerStats, ContainerSummary, LabelFilter,
  NetworkState, RegistryAuth, RemoveOptions, RuntimeEventStream, RuntimeInfo,
} from '../container-runtime.js';
import {
  ContainerNotFoundError, ContainerStartError, ImageNotFoundError, InvalidContainerSpecError, NetworkNotFoundError,
  RuntimeApiError, RuntimeConflictError,
} from '../runtime-errors.js';
import { DockerClient, resolveDockerEndpoint, type EngineResponse } from './client.js';
import { toDockerCreateBody } from './container-spec-mapping.js';
import {
  toContainerState, toContainerStats, toContainerSummary, toNetworkState,
  type DockerContainerInspect, type DockerContainerListItem, type DockerNetworkInspect, type DockerStats,
} from './engine-state-mapping.js';
import { dockerEvents, hadOomEvent } from './events.js';
import { importImage } from './image-import.js';
import { pullImage } from './image-pull.js';
import { TIMEOUTS } from './timeouts.js';

const id = (s: string): string => encodeURIComponent(s);
/** Image references keep their slashes, colons and '@' in the path (`/images/{name:.*}/json`). */
const imagePath = (ref: string): string => encodeURIComponent(ref).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%40/g, '@');

const NO_SUCH_CONTAINER = /no such container/i;
const NETWORK_NOT_FOUND = /network (\S+) not found|no such network/i;

function fail(operation: string, res: EngineResponse): never {
  throw new RuntimeApiError(operation, res.status, res.message);
}

export interface DockerRuntimeOptions {
  /** Defaults to `DOCKER_HOST`, else /var/run/docker.sock. */
  readonly dockerHost?: string;
  readonly client?: DockerClient;
}

export class DockerRuntime implements ContainerRuntime {
  readonly #client: DockerClient;

  constructor(options: DockerRuntimeOptions = {}) {
    this.#client = options.client ?? new DockerClient({ endpoint: resolveDockerEndpoint(options.dockerHost ?? process.env.DOCKER_HOST) });
  }

  async info({ signal }: CallOptions = {}): Promise<RuntimeInfo> {
    const apiVersion = await this.#client.apiVersion(signal);
    const [version, info] = await Promise.all([
      this.#client.call('version', TIMEOUTS.version, { method: 'GET', path: '/version', signal }),
      this.#client.call('info', TIMEOUTS.info, { method: 'GET', path: '/info', signal }),
    ]);
    if (version.status !== 200) fail('version', version);
    if (info.status !== 200) fail('info', info);
    const v = version.json as { Version?: string; Os?: string; Platform?: { Name?: string } };
    const i = info.json as { NCPU?: number; MemTotal?: number; Architecture?: string; KernelVersion?: string; CgroupVersion?: string };
    return {
      engine: /podman/i.test(v.Platform?.Name ?? '') ? 'podman' : 'docker',
      engineVersion: v.Version ?? '',
      apiVersion,
      os: v.Os ?? 'linux',
      // ECS says arm64 where the kernel says aarch64.
      architecture: i.Architecture === 'aarch64' ? 'arm64' : (i.Architecture ?? ''),
      cpus: i.NCPU ?? 0,
      memoryBytes: i.MemTotal ?? 0,
      kernelVersion: i.KernelVersion,
      cgroupVersion: i.CgroupVersion,
    };
  }

  async hasImage(ref: string, { signal }: CallOptions = {}): Promise<boolean> {
    const res = await this.#client.call('inspectImage', TIMEOUTS.inspectImage, { method: 'GET', path: `/images/${imagePath(ref)}/json`, signal });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    fail('inspectImage', res);
  }

  pullImage(ref: string, auth?: RegistryAuth, { signal }: CallOptions = {}): Promise<void> {
    return pullImage(this.#client, ref, auth, signal);
  }

  importImage(ref: string, rootfsTar: Uint8Array, { signal }: CallOptions = {}): Promise<void> {
    return importImage(this.#client, ref, rootfsTar, signal);
  }

  async createContainer(spec: ContainerSpec, { signal }: CallOptions = {}): Promise<string> {
    const res = await this.#client.call('create', TIMEOUTS.create, {
      method: 'POST', path: '/containers/create', query: { name: spec.name }, body: toDockerCreateBody(spec), signal,
    });
    if (res.status === 201) return (res.json as { Id: string }).Id;
    if (res.status === 404 && NETWORK_NOT_FOUND.test(res.message)) throw new NetworkNotFoundError(spec.networkMode ?? '');
    if (res.status === 404) throw new ImageNotFoundError(spec.image, res.message);
    if (res.status === 409) throw new RuntimeConflictError(`cannot create container ${spec.name}: ${res.message}`);
    if (res.status === 400) throw new InvalidContainerSpecError(spec.name, res.message);
    fail('create', res);
  }

  async startContainer(containerId: string, { signal }: CallOptions = {}): Promise<void> {
    const res = await this.#client.call('start', TIMEOUTS.start, { method: 'POST', path: `/containers/${id(containerId)}/start`, signal });
    if (res.status === 204 || res.status === 304) return;
    if (res.status === 404 && NO_SUCH_CONTAINER.test(res.message)) throw new ContainerNotFoundError(containerId);
    const network = NETWORK_NOT_FOUND.exec(res.message);
    if (res.status === 404 && network) throw new NetworkNotFoundError(network[1] ?? res.message);
    // A missing executable, a host port already taken, a bad mount: the engine says which.
    throw new ContainerStartError(containerId, res.message);
  }

  async stopContainer(containerId: string, timeoutSeconds: number, { signal }: CallOptions = {}): Promise<void> {
    const t = Math.max(0, Math.ceil(timeoutSeconds));
    const res = await this.#client.call('stop', TIMEOUTS.stop(t), { method: 'POST', path: `/containers/${id(containerId)}/stop`, query: { t }, signal });
    if (res.status === 204 || res.status === 304) return;
    if (res.status === 404) throw new ContainerNotFoundError(containerId);
    fail('stop', res);
  }

  async killContainer(containerId: string, signalName: string, { signal }: CallOptions = {}): Promise<void> {
    const res = await this.#client.call('kill', TIMEOUTS.kill, {
      method: 'POST', path: `/containers/${id(containerId)}/kill`, query: { signal: signalName }, signal,
    });
    // 409: it is not running, which is what a kill wants anyway.
    if (res.status === 204 || res.status === 409) return;
    if (res.status === 404) throw new ContainerNotFoundError(containerId);
    fail('kill', res);
  }

  async removeContainer(containerId: string, { signal, force }: RemoveOptions = {}): Promise<void> {
    const res = await this.#client.call('remove', TIMEOUTS.remove, {
      method: 'DELETE', path: `/containers/${id(containerId)}`, query: { force: force ?? false, v: false }, signal,
    });
    if (res.status === 204 || res.status === 404) return;
    if (res.status === 409 && /already in progress/i.test(res.message)) return;
    if (res.status === 409) throw new RuntimeConflictError(`cannot remove container ${containerId}: ${res.message}`);
    fail('remove', res);
  }

  async inspectContainer(containerId: string, { signal }: CallOptions = {}): Promise<ContainerState | undefined> {
    const res = await this.#client.call('inspect', TIMEOUTS.inspect, { method: 'GET', path: `/containers/${id(containerId)}/json`, signal });
    if (res.status === 200) {
      const state = toContainerState(res.json as DockerContainerInspect);
      // SIGKILLed with no OOM flag: ask the engine's event log whether the kernel's OOM killer did it.
      if (state.status === 'exited' && state.exitCode === 137 && !state.oomKilled && state.startedAt !== undefined
        && await hadOomEvent(this.#client, containerId, state.startedAt, TIMEOUTS.inspect, signal)) return { ...state, oomKilled: true };
      return state;
    }
    if (res.status === 404) return undefined;
    fail('inspect', res);
  }

  async listContainers(labelFilter: LabelFilter, { signal }: CallOptions = {}): Promise<ContainerSummary[]> {
    const filters = JSON.stringify({ label: Object.entries(labelFilter).map(([k, v]) => `${k}=${v}`) });
    const res = await this.#client.call('list', TIMEOUTS.list, { method: 'GET', path: '/containers/json', query: { all: true, filters }, signal });
    if (res.status !== 200) fail('list', res);
    return (res.json as DockerContainerListItem[]).map(toContainerSummary);
  }

  events(labelFilter: LabelFilter, signal: AbortSignal): RuntimeEventStream {
    return dockerEvents(this.#client, labelFilter, signal);
  }

  async createNetwork(name: string, labels: LabelFilter, { signal }: CallOptions = {}): Promise<NetworkState> {
    const res = await this.#client.call('createNetwork', TIMEOUTS.network, {
      method: 'POST', path: '/networks/create', body: { Name: name, Driver: 'bridge', Labels: { ...labels }, CheckDuplicate: true }, signal,
    });
    if (res.status === 409) throw new RuntimeConflictError(`cannot create network ${name}: ${res.message}`);
    if (res.status !== 201) fail('createNetwork', res);
    const created = await this.inspectNetwork(name, { signal });
    if (!created) throw new NetworkNotFoundError(name);
    return created;
  }

  async removeNetwork(name: string, { signal }: CallOptions = {}): Promise<void> {
    const res = await this.#client.call('removeNetwork', TIMEOUTS.network, { method: 'DELETE', path: `/networks/${id(name)}`, signal });
    if (res.status === 204 || res.status === 404) return;
    // 403 "has active endpoints": containers are still attached.
    if (res.status === 403 || res.status === 409) throw new RuntimeConflictError(`cannot remove network ${name}: ${res.message}`);
    fail('removeNetwork', res);
  }

  async inspectNetwork(name: string, { signal }: CallOptions = {}): Promise<NetworkState | undefined> {
    const res = await this.#client.call('inspectNetwork', TIMEOUTS.network, { method: 'GET', path: `/networks/${id(name)}`, signal });
    if (res.status === 200) return toNetworkState(res.json as DockerNetworkInspect);
    if (res.status === 404) return undefined;
    fail('inspectNetwork', res);
  }

  async containerStats(containerId: string, { signal }: CallOptions = {}): Promise<ContainerStats> {
    const res = await this.#client.call('stats', TIMEOUTS.stats, {
      method: 'GET', path: `/containers/${id(containerId)}/stats`, query: { stream: false }, signal,
    });
    if (res.status === 200) return toContainerStats(res.json as DockerStats);
    if (res.status === 404) throw new ContainerNotFoundError(containerId);
    fail('stats', res);
  }

  /** Closes the connection pool; open event streams end. */
  close(): Promise<void> {
    return this.#client.close();
  }
}
