/**
 * The real health-check probes: an HTTP(S) GET judged by the matcher, or a TCP connect. Each
 * check uses a fresh connection (`Connection: close`), as ELB's checker does.
 */
import { connect } from 'node:net';
import { TargetHealthReasonEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Agent, request } from 'undici';
import type { Probe, ProbeResult } from './health-checker.js';

const timedOut: ProbeResult = { ok: false, reason: TargetHealthReasonEnum.TIMEOUT, description: 'Request timed out' };
const failed: ProbeResult = { ok: false, reason: TargetHealthReasonEnum.FAILED_HEALTH_CHECKS, description: 'Health checks failed' };

/** Probes through `agent` (which the caller closes); the check's own timer aborts, not undici's. */
export function createProbe(agent: Agent): Probe {
  return async (host, port, settings, signal) => {
    if (settings.protocol === 'TCP') return tcpProbe(host, port, signal);
    const scheme = settings.protocol === 'HTTPS' ? 'https' : 'http';
    const hostPart = host.includes(':') ? `[${host}]` : host;
    try {
      const { statusCode, body } = await request(`${scheme}://${hostPart}:${port}${settings.path}`, {
        method: 'GET',
        dispatcher: agent,
        signal,
        headers: { 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' },
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      await body.dump();
      return settings.matches(statusCode)
        ? { ok: true }
        : { ok: false, reason: TargetHealthReasonEnum.RESPONSE_CODE_MISMATCH, description: `Health checks failed with these codes: [${statusCode}]` };
    } catch {
      return signal.aborted ? timedOut : failed;
    }
  };
}

/** The agent probes go through: unverified TLS, like ELB's checker. */
export function createProbeAgent(): Agent {
  return new Agent({ connect: { rejectUnauthorized: false } });
}

function tcpProbe(host: string, port: number, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(timedOut);
    const socket = connect({ host, port });
    const finish = (result: ProbeResult) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish(timedOut);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', () => finish(failed));
  });
}
