/**
 * Runs work one at a time per key, within this process; different keys run side by side.
 * A failed run does not block the ones queued behind it.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Whether work holds or waits for `key` right now. */
  held(key: string): boolean {
    return this.#tails.has(key);
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    this.#tails.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#tails.get(key) === run) this.#tails.delete(key);
    }
  }
}
