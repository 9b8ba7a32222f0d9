/**
 * Task startup latency: RunTask → RUNNING for a FARGATE task whose image is already on the engine,
 * against raw `docker run -d` of the same image on the same engine in the same run. Runs are
 * interleaved (Berth, docker run, docker network create + run, Berth, …) so background load on this
 * 2-core machine hits every side alike. Targets (issue): Berth p50 ≤ 1.5× `docker run -d` p50, and
 * Berth p50 under 1 s (Fargate itself takes 25–70 s).
 *
 *   node --import tsx bench/task-startup.ts      # needs a build (npx tsc -p tsconfig.build.json) and Docker
 *
 * Berth side: `bin/berth up --port 0` on a fresh data dir; each run is t0 → RunTask → DescribeTasks
 * every BENCH_POLL_MS until lastStatus is RUNNING; then StopTask and a wait (untimed) until the
 * agent has removed the task's containers and its sandbox (pause container and network). Bridge
 * side (BENCH_BRIDGE=0 skips it): the same for an EC2 task in bridge mode on a `bin/berth agent`
 * joined to the same Berth, the like-for-like peer of `docker run -d`. Peer side: `docker run -d --network none`
 * timed from spawn to the CLI's exit (the container is running by then), and the awsvpc-like
 * variant `docker network create` + `docker run -d --network <net>`. A `docker events` stream
 * recorded through the run splits each start into the engine's steps (network create, container
 * create, container start), which with the task's own timestamps shows where Berth's time goes.
 *
 * Settings (environment): BENCH_RUNS (20), BENCH_WARMUP (2), BENCH_POLL_MS (5); BENCH_TRACE_DOCKER=1 puts
 * a recording proxy between Berth and the engine (bench/support/docker-trace-proxy.ts) and adds a
 * table of Berth's Engine API calls and its own time between them (the proxy costs a little on
 * every call, so take the headline from a run without it).
 * Exit code 1 when a run failed or something could not be cleaned up; missed targets are printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateClusterCommand, DescribeTasksCommand, type ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task,
} from '@aws-sdk/client-ecs';
import { type AgentProcess, startAgentProcess } from '../test/support/agent-process.js';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../test/support/berth-process.js';
import { TEST_IMAGE } from '../test/support/docker.js';
import { type DockerTraceProxy, engineOperation, startDockerTraceProxy, type TracedCall } from './support/docker-trace-proxy.js';
import { cpuSeconds } from './support/proc-cpu.js';
import { pct } from './support/percentile.js';
import { runBench } from './support/run-bench.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 5);
const TRACE_DOCKER = process.env.BENCH_TRACE_DOCKER === '1';
const TARGET_RATIO = 1.5;
const TARGET_P50_MS = 1000;
const CLUSTER = 'bench-startup';
const FAMILY = 'bench-startup';
/** On every container and network the peer side creates, for the final sweep. */
const PEER_LABEL = `berth-bench.task-startup=${process.pid}`;
const TASK_ARN_LABEL = 'com.amazonaws.ecs.task-arn';
const CONTAINER_NAME_LABEL = 'com.amazonaws.ecs.container-name';
/** On a task's containers: the pause container of the awsvpc sandbox they joined; on that one: its network. */
const SANDBOX_LABEL = 'berth.sandbox';
const NETWORK_LABEL = 'berth.network';
/** The bridge-mode side: an EC2 task on a `berth agent` joined to this cluster. */
const EC2_CLUSTER = 'bench-startup-ec2';
const EC2_FAMILY = 'bench-startup-bridge';
const BRIDGE = process.env.BENCH_BRIDGE !== '0';

/** Wall-clock epoch milliseconds with sub-millisecond resolution (same clock as Berth's and dockerd's timestamps). */
const nowMs = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// docker CLI

interface CliResult { code: number | null; stdout: string; stderr: string; /** spawn → exit, ms */ ms: number; startedAt: number }

/** Runs the docker CLI; `ms` is from just before spawn to the process's exit. */
function docker(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const startedAt = nowMs();
    const t = performance.now();
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let ms = 0;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('exit', () => { ms = performance.now() - t; });
    child.once('close', (code) => resolve({ code, stdout, stderr, ms, startedAt }));
  });
}

async function dockerOk(args: string[]): Promise<CliResult> {
  const r = await docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim()}`);
  return r;
}

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

// ---------------------------------------------------------------------------------------------
// docker events, recorded for the whole run: engine-side timestamps of each step

interface EngineEvent { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number }

class EventLog {
  readonly #events: EngineEvent[] = [];
  readonly #child: ChildProcess;
  #buffer = '';

  constructor(sinceSeconds: number) {
    // --since replays from before the first run, so nothing is missed while the CLI connects.
    this.#child = spawn('docker', ['events', '--since', sinceSeconds.toFixed(3), '--format', '{{json .}}', '--filter', 'type=container', '--filter', 'type=network'],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    this.#child.once('error', () => undefined);
    this.#child.stdout!.on('data', (d: Buffer) => {
      this.#buffer += d.toString();
      const parts = this.#buffer.split('\n');
      this.#buffer = parts.pop() ?? '';
      for (const line of parts) {
        try { this.#events.push(JSON.parse(line) as EngineEvent); } catch { /* not an event */ }
      }
    });
  }

  /** Epoch ms of the first event matching, waiting up to `waitMs` for it to arrive. */
  async find(match: (e: EngineEvent) => boolean, waitMs = 2000): Promise<number | undefined> {
    const e = await this.findEvent(match, waitMs);
    return e?.timeNano === undefined ? undefined : e.timeNano / 1e6;
  }

  async findEvent(match: (e: EngineEvent) => boolean, waitMs = 2000): Promise<EngineEvent | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const e = this.#events.find(match);
      if (e?.timeNano !== undefined) return e;
      if (Date.now() > deadline) return undefined;
      await sleep(20);
    }
  }

  close(): void {
    this.#child.kill('SIGTERM');
  }
}

const containerEvent = (action: string, test: (e: EngineEvent) => boolean) => (e: EngineEvent) => e.Type === 'container' && e.Action === action && test(e);
const networkEvent = (action: string, name: string) => (e: EngineEvent) => e.Type === 'network' && e.Action === action && e.Actor?.Attributes?.name === name;
const eventMs = (e: EngineEvent | undefined) => (e?.timeNano === undefined ? undefined : e.timeNano / 1e6);

// ---------------------------------------------------------------------------------------------
// measurements

interface BerthRun {
  /** t0 → DescribeTasks first shows RUNNING, ms. */
  total: number;
  /** The task's own createdAt → startedAt (server clock, ms resolution). */
  serverMs: number;
  runTaskCall: number;
  polls: number;
  berthCpuMs: number;
  /** Untimed cleanup, for information: StopTask → STOPPED, and → containers and network removed (100 ms polls). */
  stopToStopped: number; stopToGone: number;
  /** Epoch ms of each step; undefined where an event was not seen. */
  t0: number; runTaskReturned: number; createdAt: number; networkCreated?: number | undefined; pauseStarted?: number | undefined;
  /** The task's sandbox was provisioned before RunTask (a warm-pool spare). */
  sandboxFromPool: boolean; pullStartedAt?: number | undefined;
  pullStoppedAt?: number | undefined; containerCreated?: number | undefined; containerStarted?: number | undefined; startedAt: number; seenRunning: number;
}

interface DockerRun {
  total: number;
  networkCreate?: number;
  /** The `docker run -d` part alone. */
  run: number;
  spawned: number; containerCreated?: number | undefined; containerStarted?: number | undefined; exited: number;
}

let berth: BerthProcess | undefined;
let ecs: ECSClient | undefined;
let dataDir: string | undefined;
let events: EventLog | undefined;
let proxy: DockerTraceProxy | undefined;
const berthTasks: string[] = [];
const peerContainers = new Set<string>();
const peerNetworks = new Set<string>();
/** Sandbox networks of tasks whose cleanup has not been seen yet. */
const berthNetworks = new Set<string>();
let agent: AgentProcess | undefined;

const describe = async (taskArn: string): Promise<Task> => {
  const out = await ecs!.send(new DescribeTasksCommand({ cluster: taskArn.includes(`/${EC2_CLUSTER}/`) ? EC2_CLUSTER : CLUSTER, tasks: [taskArn] }));
  const task = out.tasks?.[0];
  if (!task) throw new Error(`DescribeTasks does not know ${taskArn}: ${JSON.stringify(out.failures)}`);
  return task;
};

const taskIdOf = (taskArn: string) => taskArn.split('/').at(-1)!;
const ms = (d: Date | undefined) => d?.getTime();

async function berthContainersOf(taskArn: string): Promise<string[]> {
  return lines((await dockerOk(['ps', '-aq', '--filter', `label=${TASK_ARN_LABEL}=${taskArn}`])).stdout);
}

async function networkExists(name: string): Promise<boolean> {
  return (await docker(['network', 'inspect', name])).code === 0;
}

async function containerExists(id: string): Promise<boolean> {
  return (await docker(['container', 'inspect', id])).code === 0;
}

type LaunchKind = 'FARGATE' | 'EC2';

async function berthRun(kind: LaunchKind = 'FARGATE'): Promise<BerthRun> {
  const cpuBefore = cpuSeconds(berth!.child.pid);
  const t0 = nowMs();
  const start = performance.now();
  const out = await ecs!.send(new RunTaskCommand({
    ...(kind === 'FARGATE'
      ? { cluster: CLUSTER, taskDefinition: FAMILY, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-berth'] } } }
      : { cluster: EC2_CLUSTER, taskDefinition: EC2_FAMILY, launchType: 'EC2' }),
  }));
  const runTaskCall = performance.now() - start;
  const runTaskReturned = nowMs();
  const taskArn = out.tasks?.[0]?.taskArn;
  if (!taskArn || (out.failures?.length ?? 0) > 0) throw new Error(`RunTask placed nothing: ${JSON.stringify(out.failures)}`);
  berthTasks.push(taskArn);

  let polls = 0;
  let task: Task;
  for (;;) {
    task = await describe(taskArn);
    polls++;
    if (task.lastStatus === 'RUNNING') break;
    if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DEPROVISIONING') throw new Error(`task ${taskArn} stopped before RUNNING: ${task.stoppedReason}`);
    if (performance.now() - start > 60_000) throw new Error(`task ${taskArn} not RUNNING after 60 s (last ${task.lastStatus})`);
    await sleep(POLL_MS);
  }
  const total = performance.now() - start;
  const seenRunning = nowMs();
  const berthCpuMs = (cpuSeconds(berth!.child.pid) - cpuBefore) * 1000;
  const createdAt = ms(task.createdAt)!;
  const startedAt = ms(task.startedAt);
  if (startedAt === undefined) throw new Error(`task ${taskArn} is RUNNING without startedAt`);

  // Untimed from here: engine timestamps, then stop and wait until the agent removed everything.
  // The task's own container (not its sandbox's pause container) names the sandbox it joined.
  const hasArn = (e: EngineEvent) => e.Actor?.Attributes?.[TASK_ARN_LABEL] === taskArn && e.Actor.Attributes[CONTAINER_NAME_LABEL] !== undefined;
  const [created, containerStarted] = await Promise.all([events!.findEvent(containerEvent('create', hasArn)), events!.find(containerEvent('start', hasArn))]);
  const containerCreated = eventMs(created);
  const pauseId = created?.Actor?.Attributes?.[SANDBOX_LABEL];
  const isPause = (e: EngineEvent) => e.Actor?.ID === pauseId;
  const [pauseCreate, pauseStarted] = pauseId === undefined ? [] : await Promise.all([events!.findEvent(containerEvent('create', isPause)), events!.find(containerEvent('start', isPause))]);
  const network = pauseCreate?.Actor?.Attributes?.[NETWORK_LABEL];
  const networkCreated = network === undefined ? undefined : await events!.find(networkEvent('create', network), 0);
  if (network) berthNetworks.add(network);
  const stopStart = performance.now();
  await ecs!.send(new StopTaskCommand({ cluster: kind === 'FARGATE' ? CLUSTER : EC2_CLUSTER, task: taskArn, reason: 'bench run done' }));
  const deadline = Date.now() + 60_000;
  let stopToStopped = Number.NaN;
  const gone = async () => (await berthContainersOf(taskArn)).length === 0 && (!pauseId || !(await containerExists(pauseId))) && (!network || !(await networkExists(network)));
  for (;;) {
    const stopped = (await describe(taskArn)).lastStatus === 'STOPPED';
    if (stopped && Number.isNaN(stopToStopped)) stopToStopped = performance.now() - stopStart;
    if (stopped && (await gone())) break;
    if (Date.now() > deadline) throw new Error(`task ${taskArn}: containers or sandbox ${pauseId} ${network} still there 60 s after StopTask`);
    await sleep(100);
  }
  if (network) berthNetworks.delete(network);
  return {
    total, serverMs: startedAt - createdAt, runTaskCall, polls, berthCpuMs, stopToStopped, stopToGone: performance.now() - stopStart,
    t0, runTaskReturned, createdAt, networkCreated, pauseStarted, sandboxFromPool: pauseStarted !== undefined && pauseStarted < t0,
    pullStartedAt: ms(task.pullStartedAt), pullStoppedAt: ms(task.pullStoppedAt),
    containerCreated, containerStarted, startedAt, seenRunning,
  };
}

async function dockerRun(withNetwork: boolean, seq: number): Promise<DockerRun> {
  const label = ['--label', PEER_LABEL];
  let networkCreate: number | undefined;
  let network = 'none';
  if (withNetwork) {
    network = `berth-bench-startup-${process.pid}-${seq}`;
    peerNetworks.add(network);
    networkCreate = (await dockerOk(['network', 'create', ...label, network])).ms;
  }
  const r = await docker(['run', '-d', '--network', network, ...label, TEST_IMAGE, 'sleep', '300']);
  const id = r.stdout.trim();
  if (id) peerContainers.add(id);
  if (r.code !== 0 || !/^[0-9a-f]{64}$/.test(id)) throw new Error(`docker run -d exited with ${r.code}: ${r.stderr.trim()}`);
  const [containerCreated, containerStarted] = await Promise.all([
    events!.find(containerEvent('create', (e) => e.Actor?.ID === id)), events!.find(containerEvent('start', (e) => e.Actor?.ID === id)),
  ]);
  await dockerOk(['rm', '-f', id]);
  peerContainers.delete(id);
  if (withNetwork) {
    await dockerOk(['network', 'rm', network]);
    peerNetworks.delete(network);
  }
  return {
    total: r.ms + (networkCreate ?? 0), run: r.ms, ...(networkCreate !== undefined ? { networkCreate } : {}),
    spawned: r.startedAt, containerCreated, containerStarted, exited: r.startedAt + r.ms,
  };
}

// ---------------------------------------------------------------------------------------------
// setup, cleanup, report

async function cleanup(): Promise<string[]> {
  const problems: string[] = [];
  events?.close();
  events = undefined;
  ecs?.destroy();
  ecs = undefined;
  // Berth first, so its agent does not start anything again; then whatever it left on the engine.
  await agent?.stop().catch(() => undefined);
  agent = undefined;
  await berth?.stop().catch(() => undefined);
  berth = undefined;
  await proxy?.close().catch(() => undefined);
  proxy = undefined;
  for (const taskArn of berthTasks) {
    const ids = await berthContainersOf(taskArn).catch(() => []);
    if (ids.length > 0) {
      problems.push(`task ${taskArn} left ${ids.length} container(s); removed`);
      await docker(['rm', '-f', ...ids]);
    }
  }
  for (const network of [...berthTasks.map((arn) => `berth-task-${taskIdOf(arn)}`), ...berthNetworks]) {
    if (await networkExists(network)) {
      problems.push(`network ${network} was left; removed`);
      await docker(['network', 'rm', network]);
    }
  }
  const leftContainers = lines((await docker(['ps', '-aq', '--filter', `label=${PEER_LABEL}`])).stdout);
  if (leftContainers.length > 0) await docker(['rm', '-f', ...leftContainers]);
  const leftNetworks = [...new Set([...peerNetworks, ...lines((await docker(['network', 'ls', '-q', '--filter', `label=${PEER_LABEL}`])).stdout)])];
  for (const n of leftNetworks) await docker(['network', 'rm', n]);
  if (dataDir) removeDataDir(dataDir);
  dataDir = undefined;
  return problems;
}


const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

function table(title: string, rows: [string, number[]][], header = ['p50 ms', 'p95 ms', 'min ms', 'max ms', 'n']): string[] {
  const w = 46;
  const cols = [w, ...header.map(() => 8)];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, cols[i]!, i > 0)).join('  ');
  const out = [title, line(['', ...header]), line(cols.map((n) => '-'.repeat(n)))];
  for (const [name, values] of rows) {
    out.push(line([name, f(pct(values, 50)), f(pct(values, 95)), f(Math.min(...values)), f(Math.max(...values)), String(values.length)]));
  }
  return out;
}

/** `b - a` for each run where both are known. */
const span = <T>(runs: T[], a: (r: T) => number | undefined, b: (r: T) => number | undefined): number[] =>
  runs.flatMap((r) => { const x = a(r); const y = b(r); return x === undefined || y === undefined ? [] : [y - x]; });

/** Berth's Engine API calls inside each run's t0 → RUNNING window, and its own time around them. */
function traceTable(runs: BerthRun[], calls: TracedCall[]): string[] {
  const byOp = new Map<string, number[]>();
  const engineSum: number[] = [];
  const own: number[] = [];
  const beforeFirst: number[] = [];
  const count: number[] = [];
  for (const r of runs) {
    const mine = calls.filter((c) => c.start >= r.t0 && c.start <= r.seenRunning && engineOperation(c) !== 'events').sort((a, b) => a.start - b.start);
    count.push(mine.length);
    for (const c of mine) {
      const op = engineOperation(c);
      byOp.set(op, [...(byOp.get(op) ?? []), c.end - c.start]);
    }
    // The agent works on one task step by step: calls inside createdAt → startedAt are sequential.
    const critical = mine.filter((c) => c.start >= r.createdAt - 1 && c.end <= r.startedAt + 1);
    const sum = critical.reduce((s, c) => s + (c.end - c.start), 0);
    engineSum.push(sum);
    own.push(r.serverMs - sum);
    if (mine[0]) beforeFirst.push(mine[0].start - r.createdAt);
  }
  return table('Berth\'s Engine API calls between t0 and RUNNING seen (BENCH_TRACE_DOCKER=1; durations at the proxy)', [
    ...[...byOp].map(([op, d]): [string, number[]] => [op, d]),
    ['engine calls per run', count],
    ['sum of engine calls in createdAt → startedAt', engineSum],
    ['createdAt → startedAt minus engine calls (Berth)', own],
    ['s createdAt → first engine call', beforeFirst],
  ]);
}

async function main(): Promise<number> {
  const info = await docker(['version', '--format', '{{.Server.Version}}']);
  if (info.code !== 0) throw new Error(`no Docker engine answers (${info.stderr.trim()}); run scripts/docker-setup.sh`);
  if ((await docker(['image', 'inspect', TEST_IMAGE])).code !== 0) throw new Error(`image ${TEST_IMAGE} is missing (run scripts/test-image.sh)`);
  const engineVersion = info.stdout.trim();

  events = new EventLog(Date.now() / 1000 - 1);
  dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-startup-'));
  if (TRACE_DOCKER) proxy = await startDockerTraceProxy();
  berth = await startBerthProcess({ dataDir, ...(proxy ? { env: { DOCKER_HOST: proxy.dockerHost } } : {}) });
  ecs = berth.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: FAMILY, requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'app', image: TEST_IMAGE, command: ['sleep', '300'], stopTimeout: 2, essential: true }],
  }));
  if (BRIDGE) {
    await ecs.send(new CreateClusterCommand({ clusterName: EC2_CLUSTER }));
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: EC2_FAMILY, requiresCompatibilities: ['EC2'], networkMode: 'bridge',
      containerDefinitions: [{ name: 'app', image: TEST_IMAGE, command: ['sleep', '300'], stopTimeout: 2, essential: true, memory: 64 }],
    }));
    agent = await startAgentProcess(berth, EC2_CLUSTER);
  }

  process.stdout.write([
    `Task startup: RunTask → RUNNING (FARGATE, awsvpc, cached image ${TEST_IMAGE}) vs docker run -d, interleaved`,
    `berth ${berth.url} (node ${process.version}), Docker engine ${engineVersion}, ${cpus().length} CPUs; ${WARMUP} warm-up + ${RUNS} measured runs each; DescribeTasks poll every ${POLL_MS} ms after each answer`,
    `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    ...(proxy ? [`BENCH_TRACE_DOCKER=1: Berth reaches the engine through a recording proxy (${proxy.dockerHost}), which slows each of its calls a little`] : []),
    '',
  ].join('\n'));

  const berthRuns: BerthRun[] = [];
  const plainRuns: DockerRun[] = [];
  const netRuns: DockerRun[] = [];
  const bridgeRuns: BerthRun[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const measured = i >= WARMUP;
    const tag = measured ? `run ${i - WARMUP + 1}/${RUNS}` : `warm-up ${i + 1}/${WARMUP}`;
    const b = await berthRun();
    const d = await dockerRun(false, i);
    const n = await dockerRun(true, i);
    const e = BRIDGE ? await berthRun('EC2') : undefined;
    process.stderr.write(`  ${pad(tag, 13)} berth ${f(b.total, 0)} ms (server ${f(b.serverMs, 0)} ms, ${b.polls} polls${b.sandboxFromPool ? ', pooled sandbox' : ''})  docker run ${f(d.total, 0)} ms  network create + run ${f(n.networkCreate ?? 0, 0)} + ${f(n.run, 0)} ms${e ? `  berth bridge ${f(e.total, 0)} ms` : ''}\n`);
    if (!measured) continue;
    if (e) bridgeRuns.push(e);
    berthRuns.push(b);
    plainRuns.push(d);
    netRuns.push(n);
  }

  const berthTotal = berthRuns.map((r) => r.total);
  const plain = plainRuns.map((r) => r.total);
  const out: string[] = ['', ...table('Headline', [
    ['Berth RunTask → RUNNING (client, polled)', berthTotal],
    ['Berth createdAt → startedAt (server)', berthRuns.map((r) => r.serverMs)],
    ...(BRIDGE ? [['Berth EC2 bridge task → RUNNING (berth agent)', bridgeRuns.map((r) => r.total)] as [string, number[]]] : []),
    ['docker run -d --network none', plain],
    ['docker network create + docker run -d', netRuns.map((r) => r.total)],
    ['  of which docker network create', netRuns.map((r) => r.networkCreate ?? Number.NaN)],
    ['  of which docker run -d --network <net>', netRuns.map((r) => r.run)],
  ])];

  const ratio50 = pct(berthTotal, 50) / pct(plain, 50);
  const ratio95 = pct(berthTotal, 95) / pct(plain, 95);
  const netRatio50 = pct(berthTotal, 50) / pct(netRuns.map((r) => r.total), 50);
  const ratioOk = ratio50 <= TARGET_RATIO;
  const p50Ok = pct(berthTotal, 50) < TARGET_P50_MS;
  out.push('',
    `Berth / docker run -d:                     p50 ${f(ratio50, 2)}x   p95 ${f(ratio95, 2)}x   (target p50 <= ${TARGET_RATIO}x: ${ratioOk ? 'met' : 'MISSED'})`,
    `Berth / docker network create + run -d:    p50 ${f(netRatio50, 2)}x`,
    ...(BRIDGE ? [`Berth bridge (EC2) / docker run -d:        p50 ${f(pct(bridgeRuns.map((r) => r.total), 50) / pct(plain, 50), 2)}x   p95 ${f(pct(bridgeRuns.map((r) => r.total), 95) / pct(plain, 95), 2)}x`] : []),
    `FARGATE runs whose sandbox came from the warm pool: ${berthRuns.filter((r) => r.sandboxFromPool).length}/${berthRuns.length}`,
    `Berth p50 ${f(pct(berthTotal, 50), 0)} ms (target < ${TARGET_P50_MS} ms: ${p50Ok ? 'met' : 'MISSED'})`);

  const ownSandbox = berthRuns.filter((r) => !r.sandboxFromPool);
  out.push('', ...table('Where Berth\'s time goes (per run, consecutive steps; e: docker events, s: task timestamps, c: client clock)', [
    ['c t0 → RunTask answered', berthRuns.map((r) => r.runTaskCall)],
    ['c t0 → s createdAt', span(berthRuns, (r) => r.t0, (r) => r.createdAt)],
    ['s createdAt → s pullStartedAt (sandbox ready)', span(berthRuns, (r) => r.createdAt, (r) => r.pullStartedAt)],
    ['  own sandbox: s createdAt → e network created', span(ownSandbox, (r) => r.createdAt, (r) => r.networkCreated)],
    ['  own sandbox: e network → e pause started', span(ownSandbox, (r) => r.networkCreated, (r) => r.pauseStarted)],
    ['  own sandbox: e pause started → s pullStartedAt', span(ownSandbox, (r) => r.pauseStarted, (r) => r.pullStartedAt)],
    ['s pullStartedAt → s pullStoppedAt (image check)', span(berthRuns, (r) => r.pullStartedAt, (r) => r.pullStoppedAt)],
    ['s pullStoppedAt → e container created', span(berthRuns, (r) => r.pullStoppedAt, (r) => r.containerCreated)],
    ['e container created → e container started', span(berthRuns, (r) => r.containerCreated, (r) => r.containerStarted)],
    ['e container started → s startedAt', span(berthRuns, (r) => r.containerStarted, (r) => r.startedAt)],
    ['s startedAt → c RUNNING seen', span(berthRuns, (r) => r.startedAt, (r) => r.seenRunning)],
    ['DescribeTasks calls per run', berthRuns.map((r) => r.polls)],
    ['Berth process CPU ms per run', berthRuns.map((r) => r.berthCpuMs)],
    ['(untimed) StopTask → STOPPED (stopTimeout 2)', berthRuns.map((r) => r.stopToStopped)],
    ['(untimed) StopTask → containers removed', berthRuns.map((r) => r.stopToGone)],
  ]));
  out.push('', ...table('Where docker run -d\'s time goes', [
    ['c spawn → e container created', span(plainRuns, (r) => r.spawned, (r) => r.containerCreated)],
    ['e container created → e container started', span(plainRuns, (r) => r.containerCreated, (r) => r.containerStarted)],
    ['e container started → c CLI exited', span(plainRuns, (r) => r.containerStarted, (r) => r.exited)],
    ['(--network <net>) container created → started', span(netRuns, (r) => r.containerCreated, (r) => r.containerStarted)],
  ]));
  if (proxy) out.push('', ...traceTable(berthRuns, proxy.calls));
  out.push('', `load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on this machine skews every number)`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

await runBench(main, cleanup, () => {
  if (berth) process.stderr.write(`--- berth output ---\n${berth.output()}\n`);
});
