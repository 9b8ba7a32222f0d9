/**
 * A few awsvpc sandboxes (network + running pause container) made ahead of the tasks that will use
 * them: creating and attaching a Docker network is most of an awsvpc task's start-up, so the next
 * task claims a ready one and only creates and starts its own containers. Bounded (`size` spares),
 * filled one at a time in the background, and only once this agent has run an awsvpc task (an
 * agent that never does holds none). Spares carry no task ARN; a task's containers name the one
 * they joined (`berth.sandbox`), which is how a restarted agent tells claimed from spare.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerRuntime, ContainerSummary } from '../runtime/container-runtime.js';
import type { AgentLogger } from './agent-logger.js';
import { SANDBOX_LABELS, SANDBOX_ROLE } from './labels.js';
import { removeSandbox } from './restore.js';
import type { SandboxClaimer, SpareSandbox } from './runner-deps.js';
import { computeSandboxLabels, computeSandboxSpec } from './sandbox-spec.js';

export interface SandboxPoolOptions {
  readonly runtime: ContainerRuntime;
  readonly agentLabels: Readonly<Record<string, string>>;
  /** How many ready spares to keep. */
  readonly size: number;
  readonly pauseImage: () => Promise<string>;
  readonly logger: AgentLogger;
  /** Names a new spare (its network and pause container); random by default. */
  readonly newName?: () => string;
}

const randomName = () => `berth-sandbox-${randomBytes(6).toString('hex')}`;

export class SandboxPool implements SandboxClaimer {
  readonly #o: SandboxPoolOptions;
  readonly #spares: SpareSandbox[] = [];
  #filling: Promise<void> | undefined;
  /** Set by the first claim (or spares found after a restart): this agent runs awsvpc tasks. */
  #wanted = false;
  #closed = false;

  constructor(options: SandboxPoolOptions) {
    this.#o = options;
  }

  get spareCount(): number {
    return this.#spares.length;
  }

  /** The filling in progress, if any (for an engine that waits until nothing is in flight). */
  get busy(): boolean {
    return this.#filling !== undefined;
  }

  claim(): SpareSandbox | undefined {
    this.#wanted = true;
    const spare = this.#spares.shift();
    this.#refill();
    return spare;
  }

  /** Keeps the running spares found after a restart, up to `size`; removes the rest. */
  async adopt(found: readonly ContainerSummary[]): Promise<void> {
    for (const pause of found) {
      const network = pause.labels[SANDBOX_LABELS.network];
      const state = pause.status === 'running' && network ? await this.#o.runtime.inspectContainer(pause.id) : undefined;
      const ip = state?.running && network ? state.networks[network] : undefined;
      if (ip && network && this.#spares.length < this.#o.size && !this.#spares.some((s) => s.pauseId === pause.id)) {
        this.#spares.push({ network, pauseName: pause.name, pauseId: pause.id, ip });
        this.#wanted = true;
      } else {
        await removeSandbox(this.#o.runtime, { pause: pause.id, network }, AbortSignal.timeout(60_000), this.#warn);
      }
    }
    this.#refill();
  }

  /** Stops filling and removes every spare (a claimed sandbox is its task's, and stays). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#filling;
    const spares = this.#spares.splice(0);
    await Promise.all(spares.map((s) => removeSandbox(this.#o.runtime, { pause: s.pauseId, network: s.network }, AbortSignal.timeout(60_000), this.#warn)));
  }

  readonly #warn = (what: string, error: unknown) => this.#o.logger.warn(`sandbox pool: cannot ${what}`, { error: (error as Error).message });

  #refill(): void {
    if (this.#filling || !this.#wanted || this.#closed) return;
    this.#filling = (async () => {
      // A failure ends this round; the next claim starts another, so a broken engine is not hammered.
      while (!this.#closed && this.#spares.length < this.#o.size) this.#spares.push(await this.#make());
    })().catch((error: unknown) => this.#warn('make a spare sandbox', error)).finally(() => {
      this.#filling = undefined;
    });
  }

  /** One spare: its network, then its pause container, started; what was made is removed if a step fails. */
  async #make(): Promise<SpareSandbox> {
    const { runtime, agentLabels } = this.#o;
    const name = (this.#o.newName ?? randomName)();
    try {
      await runtime.createNetwork(name, { ...agentLabels, [SANDBOX_LABELS.role]: SANDBOX_ROLE });
      const spec = computeSandboxSpec({ name, image: await this.#o.pauseImage(), network: name, labels: computeSandboxLabels(agentLabels, name) });
      const pauseId = await runtime.createContainer(spec);
      await runtime.startContainer(pauseId);
      const ip = (await runtime.inspectContainer(pauseId))?.networks[name];
      if (!ip) throw new Error(`the pause container ${name} has no address on its network`);
      return { network: name, pauseName: name, pauseId, ip };
    } catch (error) {
      await removeSandbox(runtime, { pause: name, network: name }, AbortSignal.timeout(60_000), this.#warn);
      throw error;
    }
  }
}
