/**
 * A runner's mailbox: messages queue up while the owner loop is busy, and `wait` parks the loop
 * until one arrives (or the signal aborts). One reader only.
 */
export class Inbox<T> {
  #queue: T[] = [];
  #wake: (() => void) | undefined;
  #waiting = false;

  push(message: T): void {
    this.#queue.push(message);
    this.#wake?.();
  }

  /** Everything queued, in order; the queue is empty after. */
  drain(): T[] {
    const out = this.#queue;
    this.#queue = [];
    return out;
  }

  get size(): number {
    return this.#queue.length;
  }

  /** Whether the reader is parked on an empty queue. */
  get idle(): boolean {
    return this.#waiting && this.#queue.length === 0;
  }

  /** Resolves once a message is queued (at once if one is) or `signal` aborts. */
  async wait(signal: AbortSignal): Promise<void> {
    if (this.#queue.length > 0 || signal.aborted) return;
    this.#waiting = true;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      this.#waiting = false;
      this.#wake = undefined;
    }
  }
}
