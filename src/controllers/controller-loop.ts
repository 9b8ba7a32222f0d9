/**
 * Runs a controller's pass over everything every `intervalMs`, and a pass over just the nudged
 * keys soon after `nudge(key)` (everything after `nudge()`). Passes never overlap; nudges during
 * a pass coalesce into one more pass. Time-based progress (grace periods, backoff) rides on the
 * full passes; changes are nudged.
 */
export class ControllerLoop<K> {
  /** Arms the next full pass. */
  #fullTimer: NodeJS.Timeout | undefined;
  /** Runs the next pass as soon as nothing else runs. */
  #soonTimer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Keys nudged since the last pass began; `#all` when a full pass is due. */
  #dirty = new Set<K>();
  #all = false;
  #closed = false;

  constructor(
    /** One pass: over `only` those keys, or everything when undefined. */
    private readonly pass: (only: ReadonlySet<K> | undefined) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.nudge();
  }

  nudge(key?: K): void {
    if (this.#closed) return;
    if (key === undefined) this.#all = true;
    else this.#dirty.add(key);
    this.#soon();
  }

  /** Stops scheduling and waits for a pass in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#fullTimer);
    clearTimeout(this.#soonTimer);
    await this.#running;
  }

  #soon(): void {
    if (this.#running || this.#soonTimer) return;
    this.#soonTimer = setTimeout(() => this.#run(), 0);
    this.#soonTimer.unref();
  }

  #run(): void {
    this.#soonTimer = undefined;
    if (this.#closed || this.#running) return;
    const full = this.#all;
    const only = full ? undefined : this.#dirty;
    this.#all = false;
    this.#dirty = new Set();
    if (full) {
      clearTimeout(this.#fullTimer);
      this.#fullTimer = setTimeout(() => this.nudge(), this.intervalMs);
      this.#fullTimer.unref();
    }
    this.#running = this.pass(only).catch(this.onError).finally(() => {
      this.#running = undefined;
      if (!this.#closed && (this.#all || this.#dirty.size > 0)) this.#soon();
    });
  }
}
