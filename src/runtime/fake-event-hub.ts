/**
 * Fan-out of the fake runtime's container events to subscribers, each with its own label filter
 * and queue. A subscription is live as soon as it is made, so `ready` resolves at once.
 */
import type { LabelFilter, RuntimeEvent, RuntimeEventStream } from './container-runtime.js';

interface Subscriber {
  readonly filter: LabelFilter;
  readonly queue: RuntimeEvent[];
  wake: (() => void) | undefined;
}

export const matchesLabels = (labels: Readonly<Record<string, string>>, filter: LabelFilter): boolean =>
  Object.entries(filter).every(([k, v]) => labels[k] === v);

export class FakeEventHub {
  readonly #subscribers = new Set<Subscriber>();

  /** Delivers `event` to every subscriber whose filter the container's labels satisfy. */
  publish(event: RuntimeEvent, labels: Readonly<Record<string, string>>): void {
    for (const s of this.#subscribers) {
      if (!matchesLabels(labels, s.filter)) continue;
      s.queue.push(event);
      s.wake?.();
    }
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  subscribe(filter: LabelFilter, signal: AbortSignal): RuntimeEventStream {
    const sub: Subscriber = { filter, queue: [], wake: undefined };
    if (!signal.aborted) this.#subscribers.add(sub);
    const subscribers = this.#subscribers;
    // Unsubscribe on abort even if nobody ever iterates.
    const onAbort = () => {
      subscribers.delete(sub);
      sub.wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    async function* iterate(): AsyncGenerator<RuntimeEvent> {
      try {
        while (!signal.aborted) {
          const next = sub.queue.shift();
          if (next) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => {
            sub.wake = resolve;
          });
          sub.wake = undefined;
        }
      } finally {
        subscribers.delete(sub);
        signal.removeEventListener('abort', onAbort);
      }
    }

    const events = iterate();
    return { ready: Promise.resolve(), [Symbol.asyncIterator]: () => events };
  }
}
