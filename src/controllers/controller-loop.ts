/**
 * Runs a controller's pass every `intervalMs`, and soon after `nudge()`: passes never overlap, and
 * nudges during a pass coalesce into one more pass. Time-based progress (grace periods, backoff)
 * rides on the interval; everything else is nudged.
 */
export class ControllerLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(private readonly pass: () => Promise<void>, private readonly intervalMs: number, private readonly onError: (error: unknown) => void) {}

  start(): void {
    this.#schedule(0);
  }

  nudge(): void {
    if (this.#closed) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  /** Stops scheduling and waits for a pass in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), delayMs);
    this.#timer.unref();
  }

  #run(): void {
    if (this.#closed || this.#running) return;
    this.#running = this.pass().catch(this.onError).finally(() => {
      this.#running = undefined;
      if (this.#closed) return;
      const again = this.#again;
      this.#again = false;
      this.#schedule(again ? 0 : this.intervalMs);
    });
  }
}
