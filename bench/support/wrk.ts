import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedRequest } from './signed-request.js';

export interface WrkOptions {
  connections: number;
  threads: number;
  durationSeconds: number;
  timeoutSeconds?: number;
}

export interface WrkResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Latencies in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Responses whose status was not 2xx, and the first such status seen. */
  non2xx: number;
  firstBadStatus: number | null;
  /** Socket errors: connect, read, write, timeout. */
  socketErrors: number;
}

/** True when `wrk` is on PATH (scripts/bench.sh installs the Debian package when it is not). */
export function haveWrk(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** A Lua string literal for any bytes. */
function lua(value: string): string {
  return `"${[...Buffer.from(value, 'utf8')].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b}`)).join('')}"`;
}

/**
 * The wrk script: the same pre-signed request on every connection, every response's status
 * checked (count of non-2xx per thread), and a one-line JSON summary printed at the end.
 */
function script(request: SignedRequest): string {
  const headers = Object.entries(request.headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`).join('\n');
  return `wrk.method = "POST"
wrk.path = "/"
wrk.body = ${lua(request.body)}
${headers}

local threads = {}
function setup(thread) table.insert(threads, thread) end

non2xx = 0
first_bad = 0
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    local f = t:get("first_bad")
    if first == 0 and f ~= 0 then first = f end
  end
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"non2xx":%d,"firstBad":%d,"socketErrors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max, bad, first,
    e.connect + e.read + e.write + e.timeout))
end
`;
}

let running: ChildProcess | undefined;

/** Stops a wrk run in progress, if any (for ctrl-c). */
export function stopWrk(): void {
  running?.kill('SIGTERM');
}

/** Runs wrk with `request` on every connection and returns its summary. */
export async function runWrk(request: SignedRequest, options: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-wrk-'));
  const file = join(dir, 'request.lua');
  writeFileSync(file, script(request));
  try {
    const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.durationSeconds}s`, `--timeout`, `${options.timeoutSeconds ?? 5}s`, '-s', file, `${request.url}/`];
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    running = undefined;
    const line = /WRK_RESULT (\{.*\})/.exec(out);
    if (code !== 0 || !line) throw new Error(`wrk ${args.join(' ')} exited with ${code}:\n${out}`);
    const r = JSON.parse(line[1]!) as Record<'requests' | 'durationUs' | 'p50Us' | 'p99Us' | 'maxUs' | 'non2xx' | 'firstBad' | 'socketErrors', number>;
    const durationSeconds = r.durationUs / 1e6;
    return {
      requests: r.requests,
      durationSeconds,
      requestsPerSecond: r.requests / durationSeconds,
      p50: r.p50Us / 1000,
      p99: r.p99Us / 1000,
      max: r.maxUs / 1000,
      non2xx: r.non2xx,
      firstBadStatus: r.firstBad === 0 ? null : r.firstBad,
      socketErrors: r.socketErrors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
