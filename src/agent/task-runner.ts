/**
 * One task's owner loop (ECS agent `task_manager.go`): the only writer of its task's known and
 * desired statuses. Each turn it takes its messages (a newer assignment, runtime events, a resync),
 * takes one bounded step towards the desired status through the `ContainerRuntime` port, reports
 * if anything changed, and parks when there is nothing to do. The desired status only moves
 * forward: once STOPPED, no assignment makes it RUNNING again.
 */
import type { ContainerSummary } from '../runtime/container-runtime.js';
import { findDependencyProblem } from './dependency-graph.js';
import { toWireHealth } from './health.js';
import { Inbox } from './inbox.js';
import type { ReapTarget } from './restore.js';
import type { RunnerDeps, RunnerMessage } from './runner-deps.js';
import { isAtLeast, statusRank, type KnownStatus } from './statuses.js';
import type { TaskAssignment } from '../domain/ecs/task-contract.js';
import { computeTaskReport, type AgentStopCode, type ManagedContainer, type TaskState } from './task-state.js';
import { createTaskState } from './task-state-builder.js';
import { TaskSteps } from './task-steps.js';
import { findUnsupportedFeature } from './unsupported-features.js';

export class TaskRunner {
  readonly #deps: RunnerDeps;
  readonly #task: TaskState;
  readonly #inbox = new Inbox<RunnerMessage>();
  readonly #steps: TaskSteps;
  #validated = false;
  #lastReport = '';
  #retryTimer: NodeJS.Timeout | undefined;
  /** Resolves when the loop ends: the task is STOPPED, or the engine closed. */
  readonly done: Promise<void>;

  /** `adopted`: this task's containers found on the engine after an agent restart. */
  constructor(deps: RunnerDeps, assignment: TaskAssignment, adopted: readonly ContainerSummary[] = []) {
    this.#deps = deps;
    this.#task = createTaskState(assignment, deps.defaultStopTimeoutSeconds);
    this.#steps = new TaskSteps(deps, this.#task, {
      claim: (id) => deps.claim(id, assignment.taskArn),
      fail: (reason, container) => this.#failToStart(reason, container),
      onExit: (c) => this.#onExit(c),
      retryLater: () => this.#retryLater(),
      resyncNow: () => this.send({ kind: 'resync' }),
    });
    this.done = this.#run(adopted);
  }

  get taskArn(): string {
    return this.#task.taskArn;
  }

  get finished(): boolean {
    return this.#task.known === 'STOPPED';
  }

  /** Parked with nothing queued, or finished: nothing will happen until a message arrives. */
  get idle(): boolean {
    return this.finished || this.#inbox.idle;
  }

  /** What to remove once the control plane forgets the task. */
  get reapTarget(): ReapTarget {
    const task = this.#task;
    return {
      taskArn: task.taskArn,
      containers: task.containers.flatMap((c) => (c.runtimeId ? [{ id: c.runtimeId, stopTimeoutSeconds: c.stopTimeoutSeconds }] : [])),
      sandboxes: task.sandbox && !task.sandbox.removed ? [{ pause: task.sandbox.pauseId ?? task.sandbox.pauseName, network: task.sandbox.network }] : [],
    };
  }

  send(message: RunnerMessage): void {
    this.#inbox.push(message);
  }

  async #run(adopted: readonly ContainerSummary[]): Promise<void> {
    const { signal, logger } = this.#deps;
    try {
      await this.#deps.eventsReady.catch(() => undefined);
      if (adopted.length > 0) await this.#steps.adopt(adopted);
      for (;;) {
        for (const message of this.#inbox.drain()) await this.#handle(message);
        const progressed = this.#task.desired === 'RUNNING' ? await this.#stepTowardsRunning() : await this.#steps.stopStep();
        this.#advanceTaskStatus();
        this.#emit();
        if (this.#task.known === 'STOPPED' || signal.aborted) return;
        if (!progressed) await this.#inbox.wait(signal);
        if (signal.aborted) return;
      }
    } catch (error) {
      if (!signal.aborted) logger.error('task runner failed', { taskArn: this.taskArn, error: (error as Error).message });
    } finally {
      clearTimeout(this.#retryTimer);
    }
  }

  async #handle(message: RunnerMessage): Promise<void> {
    const task = this.#task;
    switch (message.kind) {
      case 'assignment':
        this.#applyAssignment(message.assignment);
        return;
      case 'resync':
        await this.#steps.resync();
        return;
      case 'forget':
        // The control plane no longer lists the task: stop it, with no reason of ECS's to give.
        task.desired = 'STOPPED';
        return;
      case 'event': {
        const { event } = message;
        const c = task.containers.find((x) => x.runtimeId === event.containerId);
        if (!c || c.known === 'STOPPED') return;
        if (event.action === 'health_status' && c.hasHealthCheck && c.known === 'RUNNING') c.health = toWireHealth(event.health);
        if (event.action === 'die' || event.action === 'destroy') await this.#steps.observe(c);
        return;
      }
    }
  }

  #applyAssignment(assignment: TaskAssignment): void {
    const task = this.#task;
    if (assignment.version < task.assignment.version) return;
    task.assignment = assignment;
    if (assignment.desiredStatus !== 'STOPPED' || task.desired === 'STOPPED') return;
    task.desired = 'STOPPED';
    // The control plane wrote its own stopCode; the agent echoes the reason (and a code it may report).
    const code = assignment.stopCode;
    if (code === 'TaskFailedToStart' || code === 'EssentialContainerExited') task.stopCode = code;
    if (assignment.stoppedReason !== undefined) task.stoppedReason = assignment.stoppedReason;
  }

  async #stepTowardsRunning(): Promise<boolean> {
    if (!this.#validated) {
      this.#validated = true;
      const task = this.#task;
      const graphProblem = findDependencyProblem(task.containers);
      const problem = findUnsupportedFeature(task.definition, task.containers.map((c) => c.def))
        ?? (graphProblem === undefined ? undefined : `CannotStartContainerError: ${graphProblem}`);
      if (problem) {
        this.#failToStart(problem);
        return true;
      }
    }
    return this.#steps.startStep();
  }

  /** Desired STOPPED with a reason, unless something already decided the task stops. */
  #stop(code: AgentStopCode, reason: string): void {
    const task = this.#task;
    if (task.desired === 'STOPPED') return;
    task.desired = 'STOPPED';
    task.stopCode = code;
    task.stoppedReason = reason;
  }

  #failToStart(reason: string, container?: ManagedContainer): void {
    if (container && !container.reason) container.reason = reason;
    // Once RUNNING, a container that cannot start is an essential container gone.
    if (isAtLeast(this.#task.known, 'RUNNING')) {
      if (!container || container.essential) this.#stop('EssentialContainerExited', 'Essential container in task exited');
      return;
    }
    if (!container || container.essential) this.#stop('TaskFailedToStart', reason);
  }

  #onExit(c: ManagedContainer): void {
    if (c.essential) this.#stop('EssentialContainerExited', 'Essential container in task exited');
  }

  /** RUNNING once every essential container runs; below that, the least of the containers. */
  #advanceTaskStatus(): void {
    const task = this.#task;
    const now = this.#deps.clock.now();
    if (task.known === 'STOPPED') return;
    if (task.desired === 'STOPPED' && task.containers.every((c) => c.known === 'STOPPED')) {
      task.executionStoppedAt ??= now;
      if (task.sandbox && !task.sandbox.removed) return; // stopStep removes it first
      task.known = 'STOPPED';
      task.stoppedAt = now;
      return;
    }
    if (isAtLeast(task.known, 'RUNNING')) return;
    const essentials = task.containers.filter((c) => c.essential);
    if (task.desired === 'RUNNING' && essentials.every((c) => c.known === 'RUNNING')) {
      task.known = 'RUNNING';
      // A re-adopted task has been running since its last essential container started.
      task.startedAt = task.adopted ? essentials.reduce((max, c) => Math.max(max, c.startedAt ?? now), 0) : now;
      return;
    }
    const least = task.containers.reduce<KnownStatus>((min, c) => {
      const capped: KnownStatus = isAtLeast(c.known, 'CREATED') ? 'CREATED' : c.known;
      return statusRank(capped) < statusRank(min) ? capped : min;
    }, 'CREATED');
    if (statusRank(least) > statusRank(task.known)) task.known = least;
  }

  #emit(): void {
    const report = computeTaskReport(this.#task);
    const key = JSON.stringify(report);
    if (key === this.#lastReport) return;
    this.#lastReport = key;
    try {
      this.#deps.report(report);
    } catch (error) {
      this.#deps.logger.error('onReport threw', { taskArn: this.taskArn, error: (error as Error).message });
    }
  }

  /** A retriable runtime failure: look again after a while (the engine may be back). */
  #retryLater(): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.send({ kind: 'resync' });
    }, this.#deps.retryDelayMs);
    this.#retryTimer.unref();
  }
}
