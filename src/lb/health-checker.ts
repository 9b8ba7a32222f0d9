/**
 * Active health checks for one target group: a probe per target every interval, counted against
 * the healthy and unhealthy thresholds. A new target (`initial`) is healthy after one passing
 * check, or unhealthy after UnhealthyThresholdCount failing ones. Timing comes from LbTimers so tests move it by hand.
 */
import { TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { HealthCheckSettings } from './lb-config.js';
import type { LbTimers } from './lb-timers.js';

export type FailureReason =
  | typeof TargetHealthReasonEnum.RESPONSE_CODE_MISMATCH
  | typeof TargetHealthReasonEnum.TIMEOUT
  | typeof TargetHealthReasonEnum.FAILED_HEALTH_CHECKS;

export type ProbeResult = { ok: true } | { ok: false; reason: FailureReason; description: string };

/** One check of `host:port`; it must settle soon after `signal` aborts (the check timed out). */
export type Probe = (host: string, port: number, settings: HealthCheckSettings, signal: AbortSignal) => Promise<ProbeResult>;

interface Checked {
  readonly id: string;
  readonly port: number;
  readonly state: TargetHealthStateEnum;
  readonly reason: TargetHealthReasonEnum | undefined;
}

type Report<T> = (target: T, state: TargetHealthStateEnum, reason: FailureReason | undefined, description: string | undefined) => void;

interface Watch {
  successes: number;
  failures: number;
  cancelNext: () => void;
  /** Aborts the check in flight, if any. */
  inFlight: AbortController | undefined;
}

export class HealthChecker<T extends Checked> {
  readonly #watched = new Map<T, Watch>();
  #settings: HealthCheckSettings | undefined;
  #settingsKey = '';

  constructor(
    private readonly timers: LbTimers,
    private readonly probe: Probe,
    private readonly report: Report<T>,
  ) {}

  /** New settings restart every target's schedule (counts are kept); the same ones change nothing. */
  configure(settings: HealthCheckSettings, key: string): void {
    const changed = key !== this.#settingsKey;
    this.#settings = settings;
    this.#settingsKey = key;
    if (!changed) return;
    for (const [target, watch] of this.#watched) {
      watch.cancelNext();
      watch.cancelNext = this.timers.schedule(0, () => this.#tick(target));
    }
  }

  /** Starts checking `target` now, from fresh counts. */
  watch(target: T): void {
    this.unwatch(target);
    const watch: Watch = { successes: 0, failures: 0, cancelNext: () => undefined, inFlight: undefined };
    this.#watched.set(target, watch);
    watch.cancelNext = this.timers.schedule(0, () => this.#tick(target));
  }

  unwatch(target: T): void {
    const watch = this.#watched.get(target);
    if (!watch) return;
    this.#watched.delete(target);
    watch.cancelNext();
    watch.inFlight?.abort();
  }

  close(): void {
    for (const target of [...this.#watched.keys()]) this.unwatch(target);
  }

  #tick(target: T): void {
    const watch = this.#watched.get(target);
    const settings = this.#settings;
    if (!watch || !settings) return;
    watch.cancelNext = this.timers.schedule(settings.intervalMs, () => this.#tick(target));
    if (watch.inFlight) return; // the previous check is still out; timeouts are below the interval
    const controller = new AbortController();
    watch.inFlight = controller;
    const cancelTimeout = this.timers.schedule(settings.timeoutMs, () => controller.abort());
    const port = settings.port === 'traffic-port' ? target.port : settings.port;
    this.probe(target.id, port, settings, controller.signal)
      .catch((error: unknown): ProbeResult => ({ ok: false, reason: TargetHealthReasonEnum.FAILED_HEALTH_CHECKS, description: String(error) }))
      .then((result) => {
        cancelTimeout();
        if (this.#watched.get(target) !== watch || watch.inFlight !== controller) return; // unwatched meanwhile
        watch.inFlight = undefined;
        this.#count(target, watch, settings, result);
      });
  }

  #count(target: T, watch: Watch, settings: HealthCheckSettings, result: ProbeResult): void {
    const { HEALTHY, UNHEALTHY } = TargetHealthStateEnum;
    if (result.ok) {
      watch.failures = 0;
      watch.successes += 1;
      // A newly registered target is healthy after one passing check (ALB user guide); an
      // unhealthy one needs HealthyThresholdCount in a row.
      const needed = target.state === TargetHealthStateEnum.INITIAL ? 1 : settings.healthyThreshold;
      if (target.state !== HEALTHY && watch.successes >= needed) this.report(target, HEALTHY, undefined, undefined);
      return;
    }
    watch.successes = 0;
    watch.failures += 1;
    if (target.state === UNHEALTHY || watch.failures >= settings.unhealthyThreshold) {
      this.report(target, UNHEALTHY, result.reason, result.description);
    }
  }
}
