/**
 * Service rollout: UpdateService → steady state for a 10-task service on real Docker, against a
 * Docker Swarm service update of the same image and task count on the same engine in the same run
 * (issue 4). Rounds are interleaved (Berth, Swarm, Berth, …) so background load on this 2-core
 * machine hits both sides alike; each round alternates the command between `sleep 3601` and
 * `sleep 3600` so every update replaces all 10 tasks.
 *
 *   node --import tsx bench/service-rollout.ts    # needs a build (npx tsc -p tsconfig.build.json) and Docker
 *
 * Berth side: `bin/berth up --port 0`, a FARGATE (awsvpc) service at its default 100/200 deployment
 * configuration, i.e. start-first with up to 10 extra tasks: all 10 replacements start at once.
 * Berth's managed capacity is the engine's CPUs × 1024 per agent (8 such tasks on 2 cores), so
 * extra `berth agent --fargate` processes on the same engine make room for the 20 a rollout needs.
 * Each round registers the next revision (untimed), then t0 → UpdateService → DescribeServices,
 * ListTasks and DescribeTasks every BENCH_POLL_MS. Swarm side: `docker service create --replicas 10
 * --update-parallelism 10 --update-order start-first`, the same all-at-once start-first rollout,
 * then t0 → `docker service update --args …` (the CLI waits for convergence), polled through the
 * Engine API (/tasks, /services) at the same interval. Both sides use the same container health
 * check (`true` every 5 s, ECS's minimum interval, 2 retries) and the same 2 s stop timeout
 * (busybox `sleep` as PID 1 ignores SIGTERM, so every stop takes the whole timeout; ECS's default
 * 30 s and Swarm's 10 s would otherwise measure the defaults, not the orchestrators).
 *
 * Milestones, per side: all 10 new tasks started (Berth: lastStatus RUNNING; Swarm: task state
 * starting, i.e. container up, health pending), all 10 healthy (Berth: healthStatus HEALTHY; Swarm:
 * task state running), all old tasks stopped, and steady (Berth: one deployment, COMPLETED, of the
 * new revision, runningCount 10; Swarm: UpdateStatus completed, which includes Swarm's 5 s
 * --update-monitor wait, and old tasks stopped). Targets: none yet; the ratio Berth/Swarm is printed.
 *
 * Settings (environment): BENCH_ROUNDS (3), BENCH_POLL_MS (100), BENCH_SWARM=0 skips the peer.
 * If `docker swarm init` fails the reason is printed and Berth's numbers are still reported.
 * Exit code 1 when a round failed or something could not be cleaned up.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, type ECSClient,
  ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { type AgentProcess, startAgentProcess } from '../test/support/agent-process.js';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../test/support/berth-process.js';
import { TEST_IMAGE } from '../test/support/docker.js';
import { type CliResult, docker, dockerOk, engineGet, lines } from './support/docker-engine.js';
import { cpuSeconds } from './support/proc-cpu.js';
import { pct } from './support/percentile.js';
import { runBench } from './support/run-bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 100);
const SWARM = process.env.BENCH_SWARM !== '0';
const TASKS = 10;
const STOP_SECONDS = 2;
const PHASE_TIMEOUT_MS = 180_000;
const CLUSTER = `bench-rollout-${process.pid}`;
const FAMILY = `bench-rollout-${process.pid}`;
const SERVICE = 'web';
const SWARM_SERVICE = `berth-bench-${process.pid}`;
const commandOf = (round: number) => ['sleep', String(3600 + (round % 2))];

/** Milestones of one rollout, ms after t0. */
interface Rollout { started: number; healthy: number; oldStopped: number; steady: number; cli?: number; berthCpuMs?: number }

interface SwarmTask { DesiredState: string; Status: { State: string }; Spec: { ContainerSpec: { Args?: string[] } } }
interface SwarmService { UpdateStatus?: { State?: string } }
const TERMINAL = new Set(['shutdown', 'complete', 'failed', 'rejected', 'orphaned', 'remove']);

// ---------------------------------------------------------------------------------------------
// waiting for milestones

/** Polls `probe` until it reports every milestone; `probe` gets ms since t0 and fills what it sees. */
async function track(t0: number, what: string, probe: (at: number, seen: Partial<Rollout>) => Promise<boolean>): Promise<Rollout> {
  const seen: Partial<Rollout> = {};
  for (;;) {
    const at = performance.now() - t0;
    if (await probe(at, seen)) return seen as Rollout;
    if (at > PHASE_TIMEOUT_MS) throw new Error(`${what}: not steady after ${PHASE_TIMEOUT_MS / 1000} s (seen ${JSON.stringify(seen)})`);
    await sleep(POLL_MS);
  }
}

let berth: BerthProcess | undefined;
let ecs: ECSClient | undefined;
let dataDir: string | undefined;
const agents: AgentProcess[] = [];
let swarmCreated = false;
let gwbridgeCreated = false;
let swarmService = false;
/** berth.instance-id labels seen on Berth's task containers, for the final sweep. */
const berthInstances = new Set<string>();

async function berthRollout(taskDefinition: string, t0: number, old: string[]): Promise<Rollout> {
  const cpuBefore = cpuSeconds(berth!.child.pid);
  let pendingOld = old;
  let events: string[] = [];
  const r = await track(t0, `Berth ${taskDefinition}`, async (at, seen) => {
    const service = (await ecs!.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }))).services![0]!;
    events = (service.events ?? []).slice(0, 3).map((e) => e.message ?? '');
    const primary = service.deployments![0]!;
    if (seen.started === undefined && primary.taskDefinition === taskDefinition && (primary.runningCount ?? 0) >= TASKS) seen.started = at;
    const arns = (await ecs!.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE, desiredStatus: 'RUNNING' }))).taskArns ?? [];
    const tasks = arns.length + pendingOld.length === 0 ? [] : (await ecs!.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [...arns, ...pendingOld] }))).tasks ?? [];
    const healthy = tasks.filter((t) => t.taskDefinitionArn === taskDefinition && t.desiredStatus === 'RUNNING' && t.healthStatus === 'HEALTHY');
    if (seen.healthy === undefined && healthy.length >= TASKS) seen.healthy = at;
    pendingOld = pendingOld.filter((arn) => tasks.find((t) => t.taskArn === arn)?.lastStatus !== 'STOPPED');
    if (seen.oldStopped === undefined && pendingOld.length === 0) seen.oldStopped = at;
    const steady = service.deployments!.length === 1 && primary.rolloutState === 'COMPLETED' && primary.taskDefinition === taskDefinition && service.runningCount === TASKS;
    if (steady) {
      seen.steady = at;
      seen.started ??= at;
      seen.healthy ??= at;
      seen.oldStopped ??= at;
    }
    return steady && pendingOld.length === 0;
  }).catch((error: unknown) => {
    // Each awsvpc task (and each warm spare) takes a Docker network from the engine's address pools (31 by default).
    throw new Error(`${(error as Error).message}; newest service events: ${JSON.stringify(events)}`);
  });
  r.berthCpuMs = (cpuSeconds(berth!.child.pid) - cpuBefore) * 1000;
  return r;
}

async function berthRound(round: number): Promise<Rollout> {
  const old = (await ecs!.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE, desiredStatus: 'RUNNING' }))).taskArns ?? [];
  const arn = await registerRevision(commandOf(round + 1));
  const t0 = performance.now();
  await ecs!.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: arn }));
  return berthRollout(arn, t0, old);
}

async function registerRevision(command: string[]): Promise<string> {
  const out = await ecs!.send(new RegisterTaskDefinitionCommand({
    family: FAMILY, requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
    containerDefinitions: [{
      name: 'app', image: TEST_IMAGE, command, essential: true, stopTimeout: STOP_SECONDS,
      healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 2, retries: 2, startPeriod: 0 },
    }],
  }));
  return out.taskDefinition!.taskDefinitionArn!;
}

/** Swarm's rollout of `args`; `cli` is the running `docker service update`/`create`, if any. */
async function swarmRollout(args: string[], t0: number, update: boolean, cli: Promise<CliResult>): Promise<Rollout> {
  let cliMs: number | undefined;
  let cliError: string | undefined;
  void cli.then((r) => { cliMs = performance.now() - t0; if (r.code !== 0) cliError = r.stderr.trim(); });
  const want = args.join(' ');
  const filters = encodeURIComponent(JSON.stringify({ service: [SWARM_SERVICE] }));
  const r = await track(t0, `Swarm ${want}`, async (at, seen) => {
    if (cliError) throw new Error(`docker service: ${cliError}`);
    const [tasks, service] = await Promise.all([engineGet<SwarmTask[]>(`/tasks?filters=${filters}`), engineGet<SwarmService>(`/services/${SWARM_SERVICE}`)]);
    if (!tasks || !service) return false; // not created yet
    const fresh = tasks.filter((t) => (t.Spec.ContainerSpec.Args ?? []).join(' ') === want && t.DesiredState === 'running');
    if (seen.started === undefined && fresh.filter((t) => t.Status.State === 'starting' || t.Status.State === 'running').length >= TASKS) seen.started = at;
    const healthy = fresh.filter((t) => t.Status.State === 'running').length >= TASKS;
    if (seen.healthy === undefined && healthy) seen.healthy = at;
    const oldStopped = tasks.every((t) => (t.Spec.ContainerSpec.Args ?? []).join(' ') === want || TERMINAL.has(t.Status.State));
    if (seen.oldStopped === undefined && oldStopped) seen.oldStopped = at;
    const done = healthy && oldStopped && (!update || service.UpdateStatus?.State === 'completed');
    if (done && seen.steady === undefined) seen.steady = at;
    return done && cliMs !== undefined;
  });
  if (cliError) throw new Error(`docker service: ${cliError}`);
  return { ...r, cli: cliMs! };
}

async function swarmRound(round: number): Promise<Rollout> {
  const args = commandOf(round + 1);
  const t0 = performance.now();
  return swarmRollout(args, t0, true, docker(['service', 'update', '--detach=false', '--args', args.join(' '), SWARM_SERVICE]));
}

/**
 * Berth's managed capacity is the engine's CPUs × 1024 units per agent: on a 2-core machine one
 * agent holds 8 tasks of 256, and a start-first rollout of 10 needs room for 20. Extra `berth agent
 * --fargate` processes on the same engine add capacity; each derives its instance identity from
 * the server URL it was given, so each gets its own spelling (a fragment, never sent).
 */
async function addFargateCapacity(): Promise<number> {
  const ncpu = Number((await dockerOk(['info', '--format', '{{.NCPU}}'])).trim());
  const perAgent = Math.floor((ncpu * 1024) / 256);
  const extra = Math.max(0, Math.ceil((2 * TASKS) / perAgent) - 1);
  for (let i = 1; i <= extra; i++) {
    const agent = await startAgentProcess({ ...berth!, url: `${berth!.url}/#capacity-${i}` }, 'unused', ['--fargate']);
    agents.push(agent);
    berthInstances.add(agent.containerInstanceArn.split('/').at(-1)!);
  }
  return extra;
}

/** Joins a swarm unless already in one; the reason it could not, or undefined. */
async function ensureSwarm(): Promise<string | undefined> {
  const state = (await dockerOk(['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim();
  if (state === 'active') return undefined;
  gwbridgeCreated = (await docker(['network', 'inspect', 'docker_gwbridge'])).code !== 0;
  const r = await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  if (r.code !== 0) return `docker swarm init failed (node state ${state}): ${r.stderr.trim()}`;
  swarmCreated = true;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// cleanup and report

/** Polls `gone` every 200 ms for up to 60 s. */
async function waitGone(gone: () => Promise<boolean>): Promise<boolean> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) if (await gone()) return true;
  return false;
}

const BERTH_TASKS = `label=com.amazonaws.ecs.task-definition-family=${FAMILY}`;

/** Notes which of Berth's agents run this bench's tasks (only those are swept at the end). */
async function noteInstances(): Promise<void> {
  for (const id of lines((await docker(['ps', '-aq', '--filter', BERTH_TASKS])).stdout)) {
    const label = (await docker(['inspect', id, '--format', '{{index .Config.Labels "berth.instance-id"}}'])).stdout.trim();
    if (label) berthInstances.add(label);
  }
}

async function cleanup(): Promise<string[]> {
  const problems: string[] = [];
  if (ecs) {
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: SERVICE, force: true })).catch(() => undefined);
    await noteInstances();
    // Berth leaves tasks running when it stops (a restart adopts them), so wait for the agents to remove them.
    const taskContainers = async () => (await Promise.all([...berthInstances].map(async (i) =>
      lines((await docker(['ps', '-aq', '--filter', `label=berth.instance-id=${i}`, '--filter', 'label=com.amazonaws.ecs.task-arn'])).stdout)))).flat();
    if (!(await waitGone(async () => (await taskContainers()).length === 0))) problems.push('Berth\'s task containers still there 60 s after DeleteService');
    ecs.destroy();
    ecs = undefined;
  }
  await Promise.all(agents.splice(0).map((a) => a.stop().catch(() => undefined)));
  await berth?.stop().catch(() => undefined);
  berth = undefined;
  // Berth removes its spare sandboxes on shutdown; anything of its agent's left now is a leak.
  for (const instance of berthInstances) {
    const left = lines((await docker(['ps', '-aq', '--filter', `label=berth.instance-id=${instance}`])).stdout);
    if (left.length > 0) { problems.push(`Berth left ${left.length} container(s); removed`); await docker(['rm', '-f', ...left]); }
    const nets = lines((await docker(['network', 'ls', '-q', '--filter', `label=berth.instance-id=${instance}`])).stdout);
    if (nets.length > 0) { problems.push(`Berth left ${nets.length} network(s); removed`); for (const n of nets) await docker(['network', 'rm', n]); }
  }
  if (dataDir) removeDataDir(dataDir);
  dataDir = undefined;
  if (swarmService) {
    await docker(['service', 'rm', SWARM_SERVICE]);
    const swarmLabel = `label=com.docker.swarm.service.name=${SWARM_SERVICE}`;
    if (!(await waitGone(async () => lines((await docker(['ps', '-aq', '--filter', swarmLabel])).stdout).length === 0))) problems.push('Swarm service containers still there 60 s after docker service rm');
    swarmService = false;
  }
  if (swarmCreated) {
    const r = await docker(['swarm', 'leave', '--force']);
    if (r.code !== 0) problems.push(`docker swarm leave: ${r.stderr.trim()}`);
    // swarm init creates docker_gwbridge and leave keeps it.
    if (gwbridgeCreated) await docker(['network', 'rm', 'docker_gwbridge']);
    swarmCreated = false;
  }
  return problems;
}


const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-');
const pad = (x: string, n: number, right = false) => (right ? x.padStart(n) : x.padEnd(n));

function table(berthRuns: Rollout[], swarmRuns: Rollout[]): string[] {
  const cols = [44, 10, 10, 10, 10, 12];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, cols[i]!, i > 0)).join('  ');
  const out = [line(['(seconds after t0)', 'Berth p50', 'Berth max', 'Swarm p50', 'Swarm max', 'Berth/Swarm']), line(cols.map((n) => '-'.repeat(n)))];
  const row = (name: string, pick: (r: Rollout) => number | undefined) => {
    const b = berthRuns.map(pick).filter((x): x is number => x !== undefined);
    const w = swarmRuns.map(pick).filter((x): x is number => x !== undefined);
    const ratio = pct(b, 50) / pct(w, 50);
    out.push(line([name, s(pct(b, 50)), s(b.length ? Math.max(...b) : Number.NaN), s(pct(w, 50)), s(w.length ? Math.max(...w) : Number.NaN), Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-']));
  };
  row('update → all 10 new tasks started', (r) => r.started);
  row('update → all 10 new tasks healthy', (r) => r.healthy);
  row('update → all old tasks stopped', (r) => r.oldStopped);
  row('update → steady', (r) => r.steady);
  row('  Swarm: `docker service update` CLI exits', (r) => r.cli);
  return out;
}

async function main(): Promise<number> {
  const version = await docker(['version', '--format', '{{.Server.Version}}']);
  if (version.code !== 0) throw new Error(`no Docker engine answers (${version.stderr.trim()}); run scripts/docker-setup.sh`);
  if ((await docker(['image', 'inspect', TEST_IMAGE])).code !== 0) throw new Error(`image ${TEST_IMAGE} is missing (run scripts/test-image.sh)`);
  const swarmProblem = SWARM ? await ensureSwarm() : 'BENCH_SWARM=0';

  dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-rollout-'));
  berth = await startBerthProcess({ dataDir });
  ecs = berth.ecs();
  const extra = await addFargateCapacity();
  process.stdout.write([
    `Service rollout: UpdateService → steady, ${TASKS} tasks (FARGATE awsvpc, ${TEST_IMAGE}, health check every 5 s, stop timeout ${STOP_SECONDS} s) vs Docker Swarm service update, interleaved`,
    `berth ${berth.url} (node ${process.version}), Docker engine ${version.stdout.trim()}, ${cpus().length} CPUs; ${ROUNDS} rounds each; polls every ${POLL_MS} ms`,
    `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `Berth's managed (FARGATE) capacity is the engine's CPUs × 1024 units per agent: ${extra} \`berth agent --fargate\` joined the embedded one so ${2 * TASKS} tasks of 256 fit (start-first)`,
    ...(swarmProblem ? [`Swarm side skipped: ${swarmProblem}`] : []),
    '',
  ].join('\n'));

  // Untimed for the ratio: both services created and at steady state before the first round.
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const first = await registerRevision(commandOf(0));
  let t0 = performance.now();
  await ecs.send(new CreateServiceCommand({
    cluster: CLUSTER, serviceName: SERVICE, taskDefinition: first, desiredCount: TASKS, launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-berth'] } },
  }));
  const berthCreate = await berthRollout(first, t0, []);
  process.stderr.write(`  create      berth steady after ${s(berthCreate.steady)} s\n`);
  await noteInstances();
  if (!swarmProblem) {
    t0 = performance.now();
    swarmService = true;
    const create = docker(['service', 'create', '--detach=false', '--replicas', String(TASKS), '--health-cmd', 'true', '--health-interval', '5s', '--health-timeout', '2s',
      '--health-retries', '2', '--stop-grace-period', `${STOP_SECONDS}s`, '--update-parallelism', String(TASKS), '--update-order', 'start-first',
      '--name', SWARM_SERVICE, TEST_IMAGE, ...commandOf(0)]);
    const swarmCreate = await swarmRollout(commandOf(0), t0, false, create);
    process.stderr.write(`  create      swarm steady after ${s(swarmCreate.steady)} s\n`);
  }

  const berthRuns: Rollout[] = [];
  const swarmRuns: Rollout[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const b = await berthRound(round);
    berthRuns.push(b);
    const w = swarmProblem ? undefined : await swarmRound(round);
    if (w) swarmRuns.push(w);
    process.stderr.write(`  round ${round + 1}/${ROUNDS}   berth started ${s(b.started)} healthy ${s(b.healthy)} old stopped ${s(b.oldStopped)} steady ${s(b.steady)} s (cpu ${b.berthCpuMs?.toFixed(0)} ms)`
      + `${w ? `   swarm started ${s(w.started)} healthy ${s(w.healthy)} old stopped ${s(w.oldStopped)} steady ${s(w.steady)} cli ${s(w.cli!)} s` : ''}\n`);
  }

  const cpu = berthRuns.map((r) => r.berthCpuMs!);
  process.stdout.write([
    ...table(berthRuns, swarmRuns), '',
    `Berth process CPU per rollout: p50 ${pct(cpu, 50).toFixed(0)} ms, max ${Math.max(...cpu).toFixed(0)} ms (includes answering this bench's polls)`,
    `Steady: Berth one COMPLETED deployment of the new revision with runningCount ${TASKS}; Swarm UpdateStatus completed (after its 5 s --update-monitor) and old tasks stopped.`,
    `load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on this machine skews every number)`, '',
  ].join('\n'));
  return 0;
}

await runBench(main, cleanup, () => {
  if (berth) process.stderr.write(`--- berth output (last 4000 chars) ---\n${berth.output().slice(-4000)}\n`);
});
