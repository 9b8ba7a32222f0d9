import type { TaskAssignment } from '../../domain/ecs/task-contract.js';
import type { TaskService } from './task-service.js';

/**
 * Long-poll for agents: an agent names the last feed version it saw for its instance and waits
 * until its assignments change (or `timeoutMs` passes), then gets the whole list (level-triggered:
 * a lost answer costs nothing but a repeat).
 */
export class AssignmentFeed {
  readonly #versions = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #closed = false;

  constructor(private readonly tasks: TaskService) {
    tasks.onAssignmentsChanged((instanceId) => {
      this.#versions.set(instanceId, (this.#versions.get(instanceId) ?? 0) + 1);
      for (const wake of this.#waiters.get(instanceId) ?? []) wake();
    });
  }

  async poll(instanceId: string, knownVersion: number | undefined, timeoutMs: number, signal?: AbortSignal): Promise<{ version: number; assignments: TaskAssignment[] }> {
    if (!this.#closed && knownVersion !== undefined && knownVersion === this.#version(instanceId)) {
      await new Promise<void>((resolve) => {
        const waiters = this.#waiters.get(instanceId) ?? new Set();
        this.#waiters.set(instanceId, waiters);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    const version = this.#version(instanceId);
    return { version, assignments: await this.tasks.assignmentsFor(instanceId) };
  }

  /** Answers every waiting poll now and every later one at once (the server is shutting down). */
  close(): void {
    this.#closed = true;
    for (const waiters of this.#waiters.values()) for (const wake of [...waiters]) wake();
  }

  #version(instanceId: string): number {
    return this.#versions.get(instanceId) ?? 0;
  }
}
