/**
 * Registry push and pull: `docker push` and `docker pull` of a ~100 MB multi-layer image to Berth's
 * registry (/v2/ on its API port, `docker login` with an ECR token from GetAuthorizationToken) and,
 * in the same run, to CNCF distribution 2.8 (Debian's `docker-registry`, filesystem storage, no
 * auth) on another loopback port (issue 5). Rounds are interleaved, and the side that goes first
 * alternates, so background load on this 2-core machine hits both alike. Target: Berth p50 ≤ 1.0×
 * distribution p50, for push and for pull.
 *
 *   node --import tsx bench/registry-push-pull.ts   # needs a build (npx tsc -p tsconfig.build.json), Docker and /usr/bin/docker-registry
 *
 * Each round, per side (untimed unless said): a FROM-scratch image of BENCH_LAYERS layers of
 * BENCH_LAYER_MB MB of fresh random bytes each is `docker load`ed (fresh bytes every time, so no
 * registry holds a layer already and docker can mount none from another repository), tagged into a
 * repository of its own (Berth: CreateRepository first), `sync`; timed `docker push`; the image is
 * removed from the engine (`docker rmi` of every tag, so its layers go too), `sync`; timed
 * `docker pull`, which downloads, unpacks and registers every layer; `docker rmi`. Both registries
 * keep their data under the same temp dir (one filesystem). The docker daemon does most of the
 * work on both sides (gzip of every layer on push, gunzip and unpack on pull), the same for both;
 * the registry's own CPU per push and pull is printed beside the wall clock.
 *
 * Settings (environment): BENCH_ROUNDS (5), BENCH_WARMUP (1), BENCH_LAYERS (5), BENCH_LAYER_MB (20),
 * BENCH_DOCKER_TIMEOUT_S (300, per docker command), BENCH_DEADLINE_S (1800, the whole run);
 * BENCH_BERTH_NODE_OPTIONS is Berth's NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to
 * see where its time goes; the profile is written when Berth exits at the end).
 * Exit code 1 when a round failed or something could not be cleaned up; missed targets are printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateRepositoryCommand, DeleteRepositoryCommand, type ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../test/support/berth-process.js';
import { ecrClient } from '../test/registry/registry-support.js';
import { type DistributionProcess, DISTRIBUTION_BIN, startDistribution } from './support/distribution.js';
import { randomImageTarball } from './support/image-tarball.js';
import { pct } from './support/percentile.js';
import { cpuSeconds } from './support/proc-cpu.js';
import { runBench } from './support/run-bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const LAYERS = Number(process.env.BENCH_LAYERS ?? 5);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 20);
const DOCKER_TIMEOUT_MS = Number(process.env.BENCH_DOCKER_TIMEOUT_S ?? 300) * 1000;
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_S ?? 1800) * 1000;
const TARGET_RATIO = 1.0;
const LOCAL_NAME = `berth-bench/push-pull-${process.pid}`;
const repositoryOf = (round: number) => `bench/push-pull-${process.pid}-${round}`;

type Side = 'berth' | 'distribution';
interface Measured {
  push: number; pull: number; pushCpu: number; pullCpu: number; pushSys: number; pullSys: number; dockerdPushCpu: number; dockerdPullCpu: number;
}

// ---------------------------------------------------------------------------------------------
// docker CLI, with a config dir of its own (the Berth login) and a time limit on every command

let dockerConfig: string | undefined;
interface CliResult { code: number | null; output: string; ms: number }

function docker(args: string[], input?: Buffer | string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn('docker', args, {
      env: { ...process.env, ...(dockerConfig ? { DOCKER_CONFIG: dockerConfig } : {}) },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: DOCKER_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let output = '';
    let ms = 0;
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    child.once('error', reject);
    child.once('exit', () => { ms = performance.now() - t; });
    child.once('close', (code, signal) => {
      if (signal === 'SIGKILL') output += `\n(killed after ${DOCKER_TIMEOUT_MS / 1000} s)`;
      resolve({ code, output, ms });
    });
    if (input !== undefined) {
      child.stdin!.on('error', () => undefined); // the CLI may exit before reading it all; its exit code tells
      child.stdin!.end(input);
    }
  });
}

async function dockerOk(args: string[], input?: Buffer | string): Promise<CliResult> {
  const r = await docker(args, input);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited with ${r.code}: ${r.output.trim().split('\n').slice(-5).join('\n')}`);
  return r;
}

function sync(): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('sync', [], { stdio: 'ignore', timeout: 60_000 });
    child.once('error', () => resolve());
    child.once('close', () => resolve());
  });
}

/** Kernel-side CPU seconds of a process so far (stime, /proc/PID/stat field 15): write-back of fsync'd data lands here. */
function systemSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

function dockerdPid(): number | undefined {
  try {
    return Number(readFileSync('/var/run/docker.pid', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// state, cleanup

let berth: BerthProcess | undefined;
let ecr: ECRClient | undefined;
let distribution: DistributionProcess | undefined;
let workDir: string | undefined;
/** Every image reference this run made on the engine, for the final sweep. */
const refs = new Set<string>();

async function cleanup(): Promise<string[]> {
  const problems: string[] = [];
  const left: string[] = [];
  for (const ref of refs) if ((await docker(['image', 'inspect', ref])).code === 0) left.push(ref);
  if (left.length > 0) {
    const r = await docker(['rmi', '-f', ...left]);
    if (r.code !== 0) problems.push(`docker rmi ${left.join(' ')}: ${r.output.trim()}`);
  }
  refs.clear();
  ecr?.destroy();
  ecr = undefined;
  await berth?.stop().catch(() => undefined);
  if (berth) removeDataDir(berth.dataDir);
  berth = undefined;
  await distribution?.stop().catch((error: unknown) => problems.push(`distribution: ${String(error)}`));
  distribution = undefined;
  if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
  dockerConfig = undefined;
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
  return problems;
}


// ---------------------------------------------------------------------------------------------
// one round on one side

const hostOf = (side: Side) => (side === 'berth' ? new URL(berth!.url).host : distribution!.host);
const serverPid = (side: Side) => (side === 'berth' ? berth!.child.pid : distribution!.child.pid);
const count = (output: string, what: RegExp) => output.split('\n').filter((l) => what.test(l)).length;

async function round(side: Side, n: number): Promise<Measured> {
  const repository = `${repositoryOf(n)}-${side}`;
  const local = `${LOCAL_NAME}:${n}-${side}`;
  const remote = `${hostOf(side)}/${repository}:v1`;
  refs.add(local);
  refs.add(remote);
  if (side === 'berth') {
    await ecr!.send(new CreateRepositoryCommand({ repositoryName: repository }));
  }
  await dockerOk(['load', '--quiet'], randomImageTarball(local, Array.from({ length: LAYERS }, () => LAYER_MB * 1024 * 1024)));
  await dockerOk(['tag', local, remote]);
  const imageId = (await dockerOk(['image', 'inspect', '--format', '{{.Id}}', local])).output.trim();
  await sync();

  const pid = serverPid(side);
  const dockerd = dockerdPid();
  let cpu = cpuSeconds(pid);
  let sys = systemSeconds(pid);
  let dcpu = cpuSeconds(dockerd);
  const push = await dockerOk(['push', remote]);
  const pushCpu = cpuSeconds(pid) - cpu;
  const pushSys = systemSeconds(pid) - sys;
  const dockerdPushCpu = cpuSeconds(dockerd) - dcpu;
  const pushed = count(push.output, /: Pushed$/);
  if (pushed !== LAYERS) throw new Error(`${side}: docker push uploaded ${pushed} of ${LAYERS} layers (the rest mounted or already there?):\n${push.output}`);
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push.output)?.[1];
  if (!digest) throw new Error(`${side}: no digest in the push output:\n${push.output}`);

  await dockerOk(['rmi', local, remote]);
  if ((await docker(['image', 'inspect', imageId])).code === 0) throw new Error(`${side}: image ${imageId} still on the engine after docker rmi`);
  await sync();

  cpu = cpuSeconds(pid);
  sys = systemSeconds(pid);
  dcpu = cpuSeconds(dockerd);
  const pull = await dockerOk(['pull', remote]);
  const pullCpu = cpuSeconds(pid) - cpu;
  const pullSys = systemSeconds(pid) - sys;
  const dockerdPullCpu = cpuSeconds(dockerd) - dcpu;
  const pulled = count(pull.output, /: Pull complete$/);
  if (pulled !== LAYERS) throw new Error(`${side}: docker pull fetched ${pulled} of ${LAYERS} layers:\n${pull.output}`);
  if (!pull.output.includes(digest)) throw new Error(`${side}: pulled a digest other than the pushed ${digest}:\n${pull.output}`);
  await dockerOk(['rmi', remote]);
  refs.delete(local);
  refs.delete(remote);
  if (side === 'berth') {
    // Untimed: the next rounds start from a registry no fuller than distribution's.
    await ecr!.send(new DeleteRepositoryCommand({ repositoryName: repository, force: true })).catch(() => undefined);
  }
  await sync();
  return { push: push.ms / 1000, pull: pull.ms / 1000, pushCpu, pullCpu, pushSys, pullSys, dockerdPushCpu, dockerdPullCpu };
}

// ---------------------------------------------------------------------------------------------
// report

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

function table(title: string, rows: [string, number[]][], header = ['p50 s', 'p95 s', 'min s', 'max s', 'n']): string[] {
  const cols = [44, ...header.map(() => 8)];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, cols[i]!, i > 0)).join('  ');
  const out = [title, line(['', ...header]), line(cols.map((n) => '-'.repeat(n)))];
  for (const [name, values] of rows) {
    out.push(line([name, f(pct(values, 50)), f(pct(values, 95)), f(Math.min(...values)), f(Math.max(...values)), String(values.length)]));
  }
  return out;
}

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const info = await docker(['version', '--format', '{{.Server.Version}}']);
  if (info.code !== 0) throw new Error(`no Docker engine answers (${info.output.trim()}); run scripts/docker-setup.sh`);
  const engineVersion = info.output.trim();
  const distributionVersion = await new Promise<string>((resolve) => {
    const child = spawn(DISTRIBUTION_BIN, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('error', () => resolve(''));
    child.once('close', () => resolve(out.trim()));
  });
  if (!distributionVersion) throw new Error(`${DISTRIBUTION_BIN} does not run (apt-get install docker-registry)`);

  workDir = mkdtempSync(join(tmpdir(), 'berth-bench-registry-'));
  dockerConfig = mkdtempSync(join(tmpdir(), 'berth-bench-docker-config-'));
  const nodeOptions = process.env.BENCH_BERTH_NODE_OPTIONS;
  berth = await startBerthProcess({ dataDir: mkdtempSync(join(workDir, 'berth-')), args: ['--no-agent'], ...(nodeOptions ? { env: { NODE_OPTIONS: nodeOptions } } : {}) });
  ecr = ecrClient(berth);
  distribution = await startDistribution(workDir);
  const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;
  const password = Buffer.from(token, 'base64').toString().slice('AWS:'.length);
  await dockerOk(['login', '--username', 'AWS', '--password-stdin', hostOf('berth')], password);

  const mb = (LAYERS * LAYER_MB * 1024 * 1024) / 1e6;
  process.stdout.write([
    `Registry: docker push / docker pull of a ${f(mb, 0)} MB image (${LAYERS} layers × ${LAYER_MB} MiB random bytes), Berth vs CNCF distribution, interleaved`,
    `berth ${berth.url} (node ${process.version}) vs ${distributionVersion} on ${distribution.host}; Docker engine ${engineVersion}, ${cpus().length} CPUs`,
    `${WARMUP} warm-up + ${ROUNDS} measured rounds each; fresh layers and a fresh repository every round; image removed from the engine before each pull`,
    `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    '',
  ].join('\n'));

  const started = performance.now();
  const runs: Record<Side, Measured[]> = { berth: [], distribution: [] };
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    if (performance.now() - started > DEADLINE_MS) throw new Error(`over the ${DEADLINE_MS / 1000} s deadline after ${i} rounds`);
    const measured = i >= WARMUP;
    const tag = measured ? `round ${i - WARMUP + 1}/${ROUNDS}` : `warm-up ${i + 1}/${WARMUP}`;
    const order: Side[] = i % 2 === 0 ? ['berth', 'distribution'] : ['distribution', 'berth'];
    const got: Partial<Record<Side, Measured>> = {};
    for (const side of order) got[side] = await round(side, i);
    const b = got.berth!;
    const d = got.distribution!;
    process.stderr.write(`  ${pad(tag, 13)} push berth ${f(b.push)} s  distribution ${f(d.push)} s   pull berth ${f(b.pull)} s  distribution ${f(d.pull)} s   (${order[0]} first)\n`);
    if (!measured) continue;
    runs.berth.push(b);
    runs.distribution.push(d);
  }

  const col = (side: Side, k: keyof Measured) => runs[side].map((r) => r[k]);
  const out: string[] = ['', ...table('Headline (wall clock of the docker CLI)', [
    ['docker push → Berth', col('berth', 'push')],
    ['docker push → distribution', col('distribution', 'push')],
    ['docker pull ← Berth', col('berth', 'pull')],
    ['docker pull ← distribution', col('distribution', 'pull')],
  ])];
  const ratio = (k: 'push' | 'pull', p: number) => pct(col('berth', k), p) / pct(col('distribution', k), p);
  const verdict = (k: 'push' | 'pull') => (ratio(k, 50) <= TARGET_RATIO ? 'met' : 'MISSED');
  out.push('',
    `Berth / distribution, push:   p50 ${f(ratio('push', 50))}x   p95 ${f(ratio('push', 95))}x   (target p50 <= ${f(TARGET_RATIO, 1)}x: ${verdict('push')})`,
    `Berth / distribution, pull:   p50 ${f(ratio('pull', 50))}x   p95 ${f(ratio('pull', 95))}x   (target p50 <= ${f(TARGET_RATIO, 1)}x: ${verdict('pull')})`,
    `throughput p50: push Berth ${f(mb / pct(col('berth', 'push'), 50), 0)} MB/s, distribution ${f(mb / pct(col('distribution', 'push'), 50), 0)} MB/s; ` +
      `pull Berth ${f(mb / pct(col('berth', 'pull'), 50), 0)} MB/s, distribution ${f(mb / pct(col('distribution', 'pull'), 50), 0)} MB/s`);
  out.push('', ...table('CPU seconds per push / pull (from /proc; the registry process, and dockerd doing gzip and unpacking)', [
    ['Berth process, push', col('berth', 'pushCpu')],
    ['  of which kernel (sys)', col('berth', 'pushSys')],
    ['distribution process, push', col('distribution', 'pushCpu')],
    ['  of which kernel (sys)', col('distribution', 'pushSys')],
    ['Berth process, pull', col('berth', 'pullCpu')],
    ['  of which kernel (sys)', col('berth', 'pullSys')],
    ['distribution process, pull', col('distribution', 'pullCpu')],
    ['  of which kernel (sys)', col('distribution', 'pullSys')],
    ['dockerd, push to Berth', col('berth', 'dockerdPushCpu')],
    ['dockerd, push to distribution', col('distribution', 'dockerdPushCpu')],
    ['dockerd, pull from Berth', col('berth', 'dockerdPullCpu')],
    ['dockerd, pull from distribution', col('distribution', 'dockerdPullCpu')],
  ], ['p50 s', 'p95 s', 'min s', 'max s', 'n']));
  out.push('', `load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on this machine skews every number)`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

await runBench(main, cleanup, () => {
  if (berth) process.stderr.write(`--- berth output ---\n${berth.output().slice(-4000)}\n`);
  if (distribution) process.stderr.write(`--- distribution output ---\n${distribution.output().slice(-4000)}\n`);
});
