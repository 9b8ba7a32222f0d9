/**
 * The runtime actions for an awsvpc task's sandbox (ECS agent's pause container): provision it
 * before the task's containers (a spare from the warm pool, else a network and a pause container
 * of the task's own), take it over after an agent restart, and remove it once every container of
 * the task has stopped: the pause container first, then its network. Only the task's runner calls
 * these, through `TaskSteps`.
 */
import type { ContainerSummary } from '../runtime/container-runtime.js';
import { isRetriable } from './failure-reasons.js';
import { ECS_LABELS, SANDBOX_LABELS } from './labels.js';
import type { RunnerDeps } from './runner-deps.js';
import { computeSandboxLabels, computeSandboxSpec, isSandboxContainer, needsOwnSandbox } from './sandbox-spec.js';
import type { TaskSandbox, TaskState } from './task-state.js';

const isConflict = (e: unknown) => (e as { code?: string }).code === 'BERTH_ERR_RUNTIME_CONFLICT';

export interface SandboxCallbacks {
  fail(reason: string): void;
  retryLater(): void;
}

export class SandboxSteps {
  readonly #deps: RunnerDeps;
  readonly #task: TaskState;
  readonly #sandbox: TaskSandbox;
  readonly #cb: SandboxCallbacks;

  constructor(deps: RunnerDeps, task: TaskState, sandbox: TaskSandbox, callbacks: SandboxCallbacks) {
    this.#deps = deps;
    this.#task = task;
    this.#sandbox = sandbox;
    this.#cb = callbacks;
  }

  #call() {
    return { signal: this.#deps.signal };
  }

  /** Takes over the task's pause container found after a restart (its own, or the spare its containers name); extras go. */
  async adopt(found: readonly ContainerSummary[]): Promise<void> {
    const { runtime, logger } = this.#deps;
    const sb = this.#sandbox;
    const pauses = found.filter(isSandboxContainer);
    const named = new Set(found.map((c) => c.labels[SANDBOX_LABELS.sandbox]).filter(Boolean));
    const keep = pauses.find((p) => named.has(p.id)) ?? pauses.find((p) => p.status === 'running') ?? pauses[0];
    for (const extra of pauses.filter((p) => p !== keep)) {
      await runtime.removeContainer(extra.id, { force: true, ...this.#call() })
        .catch((e: Error) => logger.warn('cannot remove a duplicate pause container', { taskArn: this.#task.taskArn, containerId: extra.id, error: e.message }));
    }
    if (!keep) {
      if (await runtime.inspectNetwork(sb.network, this.#call())) sb.networkCreated = true;
      return;
    }
    sb.network = keep.labels[SANDBOX_LABELS.network] ?? sb.network;
    sb.pauseName = keep.name;
    sb.pauseId = keep.id;
    sb.networkCreated = true;
    const state = keep.status === 'running' ? await runtime.inspectContainer(keep.id, this.#call()) : undefined;
    const ip = state?.running ? state.networks[sb.network] : undefined;
    if (ip) Object.assign(sb, { ip, ready: true });
  }

  /** Makes the sandbox ready for the task's containers to join; a failure fails the task. */
  async provision(): Promise<void> {
    const sb = this.#sandbox;
    const { runtime, pool } = this.#deps;
    try {
      if (sb.pauseId === undefined && !sb.networkCreated && pool && !needsOwnSandbox(this.#task.containers.map((c) => c.def))) {
        const spare = pool.claim();
        if (spare) {
          Object.assign(sb, spare, { networkCreated: true, ready: true });
          return;
        }
      }
      if (!sb.networkCreated) await this.#createNetwork();
      const image = await this.#deps.pauseImage();
      sb.pauseId ??= await this.#createPause(image);
      await runtime.startContainer(sb.pauseId, this.#call());
      const state = await runtime.inspectContainer(sb.pauseId, this.#call());
      const ip = state?.running ? state.networks[sb.network] : undefined;
      if (!ip) throw new Error(`the pause container ${sb.pauseName} is not running on ${sb.network}`);
      sb.ip = ip;
      sb.ready = true;
    } catch (error) {
      if (this.#deps.signal.aborted) throw error;
      this.#cb.fail(`ResourceInitializationError: cannot set up the task's network sandbox: ${(error as Error).message}`);
    }
  }

  /** Removes the pause container, then the network; a retriable failure is tried again later. */
  async remove(): Promise<void> {
    const sb = this.#sandbox;
    const { runtime, logger } = this.#deps;
    try {
      if (sb.pauseId !== undefined || sb.networkCreated) await runtime.removeContainer(sb.pauseId ?? sb.pauseName, { force: true, ...this.#call() });
      if (sb.networkCreated) await runtime.removeNetwork(sb.network, this.#call());
      sb.removed = true;
    } catch (error) {
      if (this.#deps.signal.aborted) throw error;
      logger.warn('cannot remove the task sandbox', { taskArn: this.#task.taskArn, error: (error as Error).message });
      if (isRetriable(error)) this.#cb.retryLater();
      else sb.removed = true;
    }
  }

  async #createNetwork(): Promise<void> {
    const { runtime, agentLabels } = this.#deps;
    const { network } = this.#sandbox;
    try {
      await runtime.createNetwork(network, { ...agentLabels, [ECS_LABELS.taskArn]: this.#task.taskArn }, this.#call());
    } catch (error) {
      // Ours from before a restart, or a create that answered too late: use it.
      if (!isConflict(error) || (await runtime.inspectNetwork(network, this.#call()))?.labels[ECS_LABELS.taskArn] !== this.#task.taskArn) throw error;
    }
    this.#sandbox.networkCreated = true;
  }

  async #createPause(image: string): Promise<string> {
    const { runtime, agentLabels } = this.#deps;
    const { network, pauseName } = this.#sandbox;
    const labels = computeSandboxLabels(agentLabels, network, { [ECS_LABELS.taskArn]: this.#task.taskArn });
    const spec = computeSandboxSpec({ name: pauseName, image, network, labels, containers: this.#task.containers.map((c) => c.def) });
    try {
      return await runtime.createContainer(spec, this.#call());
    } catch (error) {
      const existing = isConflict(error) ? await runtime.inspectContainer(pauseName, this.#call()) : undefined;
      if (existing?.labels[ECS_LABELS.taskArn] !== this.#task.taskArn) throw error;
      return existing.id;
    }
  }
}
