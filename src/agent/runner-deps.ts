/** What a task runner gets from its engine, and the messages it takes. */
import type { Clock } from '../kit/clock.js';
import type { ContainerRuntime, RuntimeEvent } from '../runtime/container-runtime.js';
import type { AgentLogger } from './agent-logger.js';
import type { TaskAssignment, TaskReport } from '../domain/ecs/task-contract.js';

export interface RunnerDeps {
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  /** Where bridge ports are published, and the bindIP reported. */
  readonly hostIp: string;
  /** On every container and network: the agent's cluster and identity labels. */
  readonly agentLabels: Readonly<Record<string, string>>;
  readonly defaultStopTimeoutSeconds: number;
  /** How long to wait before looking again after a retriable runtime failure. */
  readonly retryDelayMs: number;
  readonly logger: AgentLogger;
  /** The engine's; aborting ends every loop (containers are left as they are). */
  readonly signal: AbortSignal;
  /** Resolves once the engine's event subscription is live: nothing created after it is missed. */
  readonly eventsReady: Promise<void>;
  report(report: TaskReport): void;
  /** Routes the runtime events of `containerId` to the task's runner from now on. */
  claim(containerId: string, taskArn: string): void;
  /** The pause image's reference, imported on first use. */
  pauseImage(): Promise<string>;
  /** Ready sandboxes to take instead of making one (absent: every awsvpc task makes its own). */
  readonly pool?: SandboxClaimer;
}

/** A sandbox provisioned ahead of its task: network, running pause container, address. */
export interface SpareSandbox {
  readonly network: string;
  readonly pauseName: string;
  readonly pauseId: string;
  readonly ip: string;
}

export interface SandboxClaimer {
  /** A ready spare, now the caller's; undefined when none is ready. */
  claim(): SpareSandbox | undefined;
}

export type RunnerMessage =
  | { readonly kind: 'assignment'; readonly assignment: TaskAssignment }
  | { readonly kind: 'event'; readonly event: RuntimeEvent }
  /** Re-read every container from the engine (after a missed event stream, or a retriable failure). */
  | { readonly kind: 'resync' }
  /** The control plane no longer lists the task: stop it. */
  | { readonly kind: 'forget' };
