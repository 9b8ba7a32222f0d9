/**
 * The runtime actions of a task runner, one bounded step at a time (ECS `docker_task_engine.go`'s
 * status → transition table): provision the awsvpc sandbox, pull, create, start what the
 * dependency graph allows; stop in reverse dependency order; re-read containers from the engine.
 * Only the runner's loop calls these, so they mutate its state without locks.
 */
import { registryOfImage } from '../domain/image-registry.js';
import type { ContainerState, ContainerSummary } from '../runtime/container-runtime.js';
import { computeContainerSpec, computeNetworkMode } from './container-spec.js';
import { applyObservation, type ObservationContext } from './container-observation.js';
import { computeStartPlan, selectStoppable } from './dependency-graph.js';
import { readEnvironmentFiles } from './env-files.js';
import { computeFailureReason, isRetriable } from './failure-reasons.js';
import { computeContainerLabels, ECS_LABELS } from './labels.js';
import type { RunnerDeps } from './runner-deps.js';
import { isAtLeast } from './statuses.js';
import { SandboxSteps } from './sandbox-steps.js';
import { recordExit, toDependencyNode, type ManagedContainer, type TaskState } from './task-state.js';

export interface StepCallbacks {
  claim(containerId: string): void;
  /** A container (or the task, without one) cannot start: `reason` is ECS's text. */
  fail(reason: string, container?: ManagedContainer): void;
  /** `c` has just been seen STOPPED. */
  onExit(c: ManagedContainer): void;
  /** Look at every container again soon (a retriable failure, a start that already exited). */
  retryLater(): void;
  resyncNow(): void;
}

const isConflict = (e: unknown) => (e as { code?: string }).code === 'BERTH_ERR_RUNTIME_CONFLICT';
const isNotFound = (e: unknown) => (e as { code?: string }).code === 'BERTH_ERR_CONTAINER_NOT_FOUND';

export class TaskSteps {
  readonly #deps: RunnerDeps;
  readonly #task: TaskState;
  readonly #cb: StepCallbacks;
  readonly #sandbox: SandboxSteps | undefined;

  constructor(deps: RunnerDeps, task: TaskState, callbacks: StepCallbacks) {
    this.#deps = deps;
    this.#task = task;
    this.#cb = callbacks;
    this.#sandbox = task.sandbox && new SandboxSteps(deps, task, task.sandbox, { fail: (reason) => callbacks.fail(reason), retryLater: () => callbacks.retryLater() });
  }

  get #ctx(): ObservationContext {
    return { definition: this.#task.definition, hostIp: this.#deps.hostIp };
  }

  #call() {
    return { signal: this.#deps.signal };
  }

  #rethrowIfAborted(error: unknown): void {
    if (this.#deps.signal.aborted) throw error;
  }

  /** Takes over this task's containers found after an agent restart; extra copies are removed. */
  async adopt(found: readonly ContainerSummary[]): Promise<void> {
    const { runtime, logger } = this.#deps;
    this.#task.adopted = true;
    for (const c of this.#task.containers) {
      const mine = found.filter((s) => s.labels[ECS_LABELS.containerName] === c.name);
      const keep = mine.find((s) => s.status === 'running') ?? mine[0];
      if (!keep) continue;
      for (const extra of mine) {
        if (extra === keep) continue;
        await runtime.removeContainer(extra.id, { force: true, ...this.#call() })
          .catch((e: Error) => logger.warn('cannot remove a duplicate container', { taskArn: this.#task.taskArn, containerId: extra.id, error: e.message }));
      }
      c.runtimeId = keep.id;
      c.known = 'PULLED';
      this.#cb.claim(keep.id);
      await this.observe(c);
    }
    await this.#sandbox?.adopt(found);
  }

  /** One step towards RUNNING; false when there is nothing to do until something happens. */
  async startStep(): Promise<boolean> {
    const task = this.#task;
    if (task.sandbox && !task.sandbox.ready) {
      await this.#sandbox!.provision();
      return true;
    }
    const toPull = task.containers.filter((c) => c.known === 'NONE');
    if (toPull.length > 0) return this.#pull(toPull);
    for (const c of task.containers.filter((x) => x.known === 'PULLED')) {
      if (!(await this.#create(c))) return true;
    }
    const plan = computeStartPlan(task.containers.map(toDependencyNode));
    for (const { name, reason } of plan.impossible) {
      const c = this.#container(name);
      c.known = 'STOPPED';
      this.#cb.fail(`CannotStartContainerError: ${reason}`, c);
    }
    for (const name of plan.startable) {
      if (task.desired === 'STOPPED') break;
      await this.#start(this.#container(name));
    }
    return plan.startable.length > 0 || plan.impossible.length > 0;
  }

  /** One step towards STOPPED: stop what no running container depends on; then the sandbox. */
  async stopStep(): Promise<boolean> {
    const task = this.#task;
    for (const c of task.containers) if (!isAtLeast(c.known, 'RUNNING')) c.known = 'STOPPED';
    const stoppable = selectStoppable(task.containers.map(toDependencyNode));
    if (stoppable.length > 0) {
      const changed = await Promise.all(stoppable.map((name) => this.#stopOne(this.#container(name))));
      return changed.some(Boolean);
    }
    if (task.sandbox && !task.sandbox.removed && task.containers.every((c) => c.known === 'STOPPED')) await this.#sandbox!.remove();
    return false;
  }

  /** Re-reads one container from the engine and records what changed. */
  async observe(c: ManagedContainer): Promise<void> {
    if (!c.runtimeId) return;
    let state: ContainerState | undefined;
    try {
      state = await this.#deps.runtime.inspectContainer(c.runtimeId, this.#call());
    } catch (error) {
      this.#rethrowIfAborted(error);
      this.#deps.logger.warn('cannot inspect a container', { taskArn: this.#task.taskArn, containerId: c.runtimeId, error: (error as Error).message });
      this.#cb.retryLater();
      return;
    }
    if (applyObservation(c, state, this.#ctx, this.#deps.clock.now())) this.#cb.onExit(c);
  }

  async resync(): Promise<void> {
    for (const c of this.#task.containers) if (c.known === 'CREATED' || c.known === 'RUNNING') await this.observe(c);
  }

  #container(name: string): ManagedContainer {
    const c = this.#task.containers.find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name} in task ${this.#task.taskArn}`);
    return c;
  }

  /** Pulls each image the containers need, once (see #pullOne). */
  async #pull(containers: ManagedContainer[]): Promise<boolean> {
    const task = this.#task;
    const { clock } = this.#deps;
    task.pullStartedAt ??= clock.now();
    for (const image of new Set(containers.map((c) => c.def.image!))) {
      const users = containers.filter((c) => c.def.image === image);
      try {
        await this.#pullOne(image);
      } catch (error) {
        this.#rethrowIfAborted(error);
        const reason = computeFailureReason('pull', error);
        for (const c of users) this.#cb.fail(reason, c);
        task.pullStoppedAt = clock.now();
        return true;
      }
      for (const c of users) c.known = 'PULLED';
    }
    task.pullStoppedAt = clock.now();
    return true;
  }

  /**
   * An image on a registry the assignment has credentials for (Berth's own) is pulled every time,
   * so a pushed-over tag runs its new content, and the cached copy serves if the pull fails (ECS's
   * default ECS_IMAGE_PULL_BEHAVIOR). Any other image is pulled only when missing: with no
   * internet, asking Docker Hub for a local image would fail or hang on every start.
   */
  async #pullOne(image: string): Promise<void> {
    const { runtime, logger } = this.#deps;
    const registry = registryOfImage(image);
    const auth = this.#task.assignment.registryCredentials?.find((c) => c.serveraddress === registry);
    if (!auth) {
      if (!(await runtime.hasImage(image, this.#call()))) await runtime.pullImage(image, undefined, this.#call());
      return;
    }
    try {
      await runtime.pullImage(image, auth, this.#call());
    } catch (error) {
      this.#rethrowIfAborted(error);
      if (!(await runtime.hasImage(image, this.#call()))) throw error;
      logger.warn('pull failed; using the cached image', { taskArn: this.#task.taskArn, image, error: (error as Error).message });
    }
  }

  /** Creates one container; false when it failed (the task then stops). */
  async #create(c: ManagedContainer): Promise<boolean> {
    const task = this.#task;
    const { runtime } = this.#deps;
    let spec;
    try {
      const fileEnvironment = await readEnvironmentFiles(c.def, this.#deps.signal);
      const labels = computeContainerLabels({
        agentLabels: this.#deps.agentLabels, taskArn: task.taskArn, family: task.definition.family ?? '',
        revision: task.definition.revision ?? 0, containerName: c.name, stopTimeoutSeconds: c.stopTimeoutSeconds,
        ...(task.sandbox?.pauseId ? { sandboxId: task.sandbox.pauseId } : {}),
        ...(c.def.dockerLabels ? { dockerLabels: c.def.dockerLabels } : {}),
      });
      spec = computeContainerSpec({
        taskId: task.taskId, taskDefinition: task.definition, ...(task.assignment.overrides ? { overrides: task.assignment.overrides } : {}),
        container: c.def, hostPorts: task.assignment.hostPorts, hostIp: this.#deps.hostIp,
        networkMode: computeNetworkMode(task.definition, task.sandbox?.pauseId), labels, fileEnvironment,
        stopTimeoutSeconds: c.stopTimeoutSeconds,
      });
    } catch (error) {
      this.#rethrowIfAborted(error);
      this.#cb.fail(`CannotCreateContainerError: ${(error as Error).message}`, c);
      return false;
    }
    try {
      c.runtimeId = await runtime.createContainer(spec, this.#call());
    } catch (error) {
      this.#rethrowIfAborted(error);
      // A container of this name exists: ours if it carries this task's ARN (a create whose answer was lost).
      const existing = isConflict(error) ? await runtime.inspectContainer(spec.name, this.#call()) : undefined;
      if (existing?.labels[ECS_LABELS.taskArn] !== task.taskArn) {
        this.#cb.fail(computeFailureReason('create', error), c);
        return false;
      }
      c.runtimeId = existing.id;
    }
    this.#cb.claim(c.runtimeId);
    c.known = 'CREATED';
    return true;
  }

  async #start(c: ManagedContainer): Promise<void> {
    const id = c.runtimeId!;
    try {
      await this.#deps.runtime.startContainer(id, this.#call());
    } catch (error) {
      this.#rethrowIfAborted(error);
      c.known = 'STOPPED';
      this.#cb.fail(computeFailureReason('start', error), c);
      return;
    }
    // RUNNING from the moment the engine says it started, as ECS's agent does; an exit that
    // already happened is recorded on the next turn, after RUNNING has been reported.
    c.known = 'RUNNING';
    c.startedAt = this.#deps.clock.now();
    let state: ContainerState | undefined;
    try {
      state = await this.#deps.runtime.inspectContainer(id, this.#call());
    } catch (error) {
      this.#rethrowIfAborted(error);
      this.#cb.retryLater();
      return;
    }
    if (state?.running) applyObservation(c, state, this.#ctx, this.#deps.clock.now());
    else this.#cb.resyncNow();
  }

  /** Stops one container (SIGTERM, SIGKILL after its stopTimeout); true if it is now STOPPED. */
  async #stopOne(c: ManagedContainer): Promise<boolean> {
    try {
      await this.#deps.runtime.stopContainer(c.runtimeId!, c.stopTimeoutSeconds, this.#call());
    } catch (error) {
      this.#rethrowIfAborted(error);
      if (isNotFound(error)) {
        recordExit(c, undefined);
        return true;
      }
      this.#deps.logger.warn('cannot stop a container', { taskArn: this.#task.taskArn, containerId: c.runtimeId, error: (error as Error).message });
      if (isRetriable(error)) {
        this.#cb.retryLater();
        return false;
      }
      c.reason ??= computeFailureReason('stop', error);
      c.known = 'STOPPED';
      return true;
    }
    await this.observe(c);
    return c.known === 'STOPPED';
  }
}
