/**
 * Time for the data plane's slow paths (health-check intervals and timeouts, deregistration
 * delays, cookie expiry): a Clock that can also schedule, so tests move time by hand. The request
 * path's idle timeout stays on undici's own timers.
 */
import type { Clock } from '../kit/clock.js';

export interface LbTimers extends Clock {
  /** Runs `fn` once after `ms`; returns the cancel function. Never keeps the process alive. */
  schedule(ms: number, fn: () => void): () => void;
}

export const systemTimers: LbTimers = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Timers that fire only inside `advance`, in due order; for tests. */
export class ManualTimers implements LbTimers {
  #now: number;
  #seq = 0;
  #due = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  schedule(ms: number, fn: () => void): () => void {
    const id = this.#seq++;
    this.#due.set(id, { at: this.#now + Math.max(0, ms), fn });
    return () => { this.#due.delete(id); };
  }

  /** Moves time on by `ms`, firing every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#due) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#due.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
    }
    this.#now = end;
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.#due.size;
  }
}
