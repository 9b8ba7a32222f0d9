/**
 * API throughput benchmark: DescribeClusters and RegisterTaskDefinition, SigV4-signed, against Berth
 * and moto_server side by side in one run. Load comes from wrk (C, one thread, N connections) so the
 * load generator takes as little CPU as possible from the servers on this 2-core machine. Servers are
 * interleaved (Berth, moto, Berth, moto) over the rounds; each run is a warm-up then a measured run.
 *
 *   bash scripts/bench.sh    # or: make bench
 *
 * Settings (environment): BENCH_DURATION (s, 10), BENCH_WARMUP (s, 2), BENCH_ROUNDS (2), BENCH_CONNECTIONS (16).
 * Exit code 1 when any response was not 2xx, a socket error happened, or a correctness check failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../test/support/berth-process.js';
import { type MotoServer, startMotoServer } from './support/moto-server.js';
import { cpuSeconds } from './support/proc-cpu.js';
import { type Credentials, callEcs, sendSigned, signEcsRequest } from './support/signed-request.js';
import { haveWrk, runWrk, stopWrk, type WrkResult } from './support/wrk.js';
import { runBench } from './support/run-bench.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TARGET_RATIO = 20;
const TARGET_P99_MS = 5;

interface Target {
  name: 'berth' | 'moto';
  url: string;
  credentials: Credentials;
  pid: number | undefined;
}

interface Operation {
  name: string;
  input: unknown;
  /** Throws unless a 200 answer's body is the one expected. */
  check(json: Record<string, unknown>): void;
}

const CLUSTER = 'bench';
const TASK_DEFINITION = {
  family: 'bench',
  containerDefinitions: [{
    name: 'app', image: 'busybox', memory: 128, cpu: 128, essential: true,
    portMappings: [{ containerPort: 80 }],
    environment: [{ name: 'A', value: 'b' }],
  }],
};

const OPERATIONS: Operation[] = [
  {
    name: 'DescribeClusters',
    input: { clusters: [CLUSTER] },
    check(json) {
      const clusters = json.clusters as { clusterName?: string; status?: string }[] | undefined;
      const failures = json.failures as unknown[] | undefined;
      if (clusters?.[0]?.clusterName !== CLUSTER || clusters[0].status !== 'ACTIVE' || (failures?.length ?? 0) > 0) {
        throw new Error(`DescribeClusters did not describe the ACTIVE cluster ${CLUSTER}: ${JSON.stringify(json)}`);
      }
    },
  },
  {
    name: 'RegisterTaskDefinition',
    input: TASK_DEFINITION,
    check(json) {
      const td = json.taskDefinition as { family?: string; revision?: number; containerDefinitions?: { name?: string }[] } | undefined;
      if (td?.family !== 'bench' || typeof td.revision !== 'number' || td.containerDefinitions?.[0]?.name !== 'app') {
        throw new Error(`RegisterTaskDefinition did not answer the registered definition: ${JSON.stringify(json)}`);
      }
    },
  },
];

interface Row {
  operation: string;
  server: Target['name'];
  round: number;
  result: WrkResult;
  /** The server process's CPU time during the measured run, in seconds. */
  cpu: number;
}

let berth: BerthProcess | undefined;
let moto: MotoServer | undefined;
let dataDir: string | undefined;

async function cleanup(): Promise<string[]> {
  stopWrk();
  await Promise.allSettled([berth?.stop(), moto?.stop()]);
  berth = undefined;
  moto = undefined;
  if (dataDir) removeDataDir(dataDir);
  dataDir = undefined;
  return [];
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

function motoVersion(): string {
  const r = spawnSync('python3', ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function wrkVersion(): string {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return /wrk (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

async function measure(target: Target, operation: Operation, round: number): Promise<Row> {
  // Signed afresh for each run, so every replay is well inside the 15-minute skew window.
  const request = await signEcsRequest(target.url, operation.name, operation.input, target.credentials);
  const probe = await sendSigned(request);
  if (probe.status !== 200) throw new Error(`${operation.name} on ${target.name} answered ${probe.status}: ${JSON.stringify(probe.json)}`);
  operation.check(probe.json);
  if (WARMUP > 0) await runWrk(request, { threads: 1, connections: CONNECTIONS, durationSeconds: WARMUP });
  const cpuBefore = cpuSeconds(target.pid);
  const result = await runWrk(request, { threads: 1, connections: CONNECTIONS, durationSeconds: DURATION });
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  const bad = result.non2xx + result.socketErrors > 0 ? `  <-- ${result.non2xx} non-2xx (first ${result.firstBadStatus}), ${result.socketErrors} socket errors` : '';
  process.stderr.write(`  round ${round} ${pad(operation.name, 22)} ${pad(target.name, 5)} ${pad(fmt(result.requestsPerSecond), 8, true)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms${bad}\n`);
  return { operation: operation.name, server: target.name, round, result, cpu };
}

function printTable(rows: Row[]): boolean {
  const cols = ['operation', 'server', 'round', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'sock err', 'srv CPU', 'CPU µs/req'];
  const widths = [22, 6, 5, 9, 7, 7, 8, 8, 8, 7, 10];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i >= 2)).join('  ');
  const out: string[] = ['', line(cols), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) {
    out.push(line([r.operation, r.server, String(r.round), fmt(r.result.requestsPerSecond), r.result.p50.toFixed(2), r.result.p99.toFixed(2),
      r.result.max.toFixed(1), String(r.result.non2xx), String(r.result.socketErrors),
      `${fmt((100 * r.cpu) / r.result.durationSeconds)}%`, fmt((r.cpu * 1e6) / r.result.requests)]));
  }

  out.push('', `Summary (mean req/s over ${ROUNDS} round(s), worst p99; targets: Berth >= ${TARGET_RATIO}x moto, Berth p99 < ${TARGET_P99_MS} ms at ${CONNECTIONS} connections)`);
  const sCols = ['operation', 'Berth req/s', 'moto req/s', 'Berth/moto', 'Berth p99', 'moto p99', 'throughput', 'p99'];
  const sWidths = [22, 11, 10, 10, 9, 9, 10, 6];
  const sLine = (cells: string[]) => cells.map((c, i) => pad(c, sWidths[i]!, i >= 1)).join('  ');
  out.push(sLine(sCols), sLine(sWidths.map((w) => '-'.repeat(w))));
  let allMet = true;
  for (const op of OPERATIONS) {
    const of = (server: Target['name']) => rows.filter((r) => r.operation === op.name && r.server === server).map((r) => r.result);
    const mean = (rs: WrkResult[]) => rs.reduce((s, r) => s + r.requestsPerSecond, 0) / rs.length;
    const worstP99 = (rs: WrkResult[]) => Math.max(...rs.map((r) => r.p99));
    const b = of('berth');
    const m = of('moto');
    const ratio = mean(b) / mean(m);
    const ratioOk = ratio >= TARGET_RATIO;
    const p99Ok = worstP99(b) < TARGET_P99_MS;
    allMet &&= ratioOk && p99Ok;
    out.push(sLine([op.name, fmt(mean(b)), fmt(mean(m)), `${ratio.toFixed(1)}x`, `${worstP99(b).toFixed(2)} ms`, `${worstP99(m).toFixed(2)} ms`,
      ratioOk ? 'met' : 'MISSED', p99Ok ? 'met' : 'MISSED']));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return allMet;
}

async function main(): Promise<number> {
  if (!haveWrk()) throw new Error('wrk is not on PATH: run `bash scripts/bench.sh`, which installs it (apt-get install -y wrk)');
  dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  [berth, moto] = await Promise.all([startBerthProcess({ dataDir }), startMotoServer()]);
  const targets: Target[] = [
    { name: 'berth', url: berth.url, pid: berth.child.pid, credentials: { accessKeyId: berth.accessKeyId, secretAccessKey: berth.secretAccessKey } },
    // moto accepts any key (it does not check signatures unless its IAM auth is enabled); the requests are signed all the same.
    { name: 'moto', url: moto.url, pid: moto.child.pid, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
  ];
  for (const t of targets) await callEcs(t.url, 'CreateCluster', { clusterName: CLUSTER }, t.credentials);

  process.stdout.write([
    `API throughput, SigV4-signed awsJson1_1, wrk ${wrkVersion()} (1 thread, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured per run)`,
    `berth ${berth.url} (node ${process.version}, data dir ${dataDir})  vs  moto_server ${motoVersion()} ${moto.url}`,
    `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    '',
  ].join('\n'));

  const rows: Row[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const op of OPERATIONS) {
      for (const target of targets) rows.push(await measure(target, op, round));
    }
  }

  // The servers did the work: each 2xx RegisterTaskDefinition made a revision, so the family's latest
  // revision is at least the count of measured ones (warm-ups, probes and requests still in flight
  // when a wrk run stopped add more).
  const failures: string[] = [];
  for (const t of targets) {
    const latest = await callEcs(t.url, 'DescribeTaskDefinition', { taskDefinition: 'bench' }, t.credentials);
    const revision = (latest.taskDefinition as { revision?: number } | undefined)?.revision ?? 0;
    const measured = rows.filter((r) => r.server === t.name && r.operation === 'RegisterTaskDefinition')
      .reduce((sum, r) => sum + r.result.requests - r.result.non2xx, 0);
    process.stdout.write(`${t.name}: family bench is at revision ${fmt(revision)} after ${fmt(measured)} measured 2xx RegisterTaskDefinition calls (plus warm-ups)\n`);
    if (revision < measured) failures.push(`${t.name} answered ${fmt(measured)} RegisterTaskDefinition calls but holds only ${fmt(revision)} revisions`);
  }

  const ok = printTable(rows);
  process.stdout.write(`srv CPU: the server process's CPU time during the measured run, as % of one core (Node serves on one thread).\n`);
  process.stdout.write(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on this 2-core machine skews every number)\n`);
  for (const r of rows) {
    if (r.result.non2xx > 0) failures.push(`${r.operation} on ${r.server}, round ${r.round}: ${r.result.non2xx} non-2xx responses (first: ${r.result.firstBadStatus})`);
    if (r.result.socketErrors > 0) failures.push(`${r.operation} on ${r.server}, round ${r.round}: ${r.result.socketErrors} socket errors`);
  }
  if (failures.length > 0) {
    process.stdout.write(`\n!!!!!!!! ERRORS: THE NUMBERS ABOVE ARE NOT VALID !!!!!!!!\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`\nall ${fmt(rows.reduce((s, r) => s + r.result.requests, 0))} measured responses were 2xx; targets ${ok ? 'met' : 'NOT met'}\n`);
  return 0;
}

await runBench(main, cleanup, () => {
  if (berth) process.stderr.write(`--- berth output ---\n${berth.output()}\n`);
  if (moto) process.stderr.write(`--- moto_server output (tail) ---\n${moto.output().slice(-2000)}\n`);
});
