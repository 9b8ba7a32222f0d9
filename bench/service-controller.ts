/**
 * Service controller cost per reconcile pass with 1,000 services (issue 4), in the simulation
 * harness (src/controllers/service-sim-harness.ts): the real ServiceController, task service,
 * scheduler and SQLite store (in memory), with fake agents on a fake clock, so no Docker and no
 * network: what is timed is the controller's own work and the store calls it makes.
 *
 *   node --import tsx bench/service-controller.ts
 *
 * Setup (timed, reported, not the headline): BENCH_INSTANCES container instances (16 CPUs, 64 GiB each), BENCH_SERVICES
 * services of 1–3 tasks (i % 3 + 1), each with its own health-checked task definition, stepped
 * until every service is steady. Then:
 *   - steady passes: BENCH_PASSES calls of `controller.reconcileAll()` back to back with nothing to
 *     do (each service is read, its tasks listed and planned, nothing written);
 *   - a pass where BENCH_BUSY services have work: UpdateService on each to a new revision, then
 *     one pass, which starts every replacement task (start-first, 100/200). Not all 1,000 by
 *     default: every task launch snapshots every instance's live tasks, so a launch costs in
 *     proportion to the cluster's tasks and a pass launching for all 1,000 takes minutes here
 *     (BENCH_BUSY=1000 runs it);
 *   - the rest of that rollout stepped to steady again, every pass timed (starts seen RUNNING and
 *     healthy, old tasks stopped, deployments completed).
 * No peer runs an ECS service controller offline (moto has none), so the ratio printed is the pass
 * time over the 1 s interval Berth runs full passes at (src/app/berth-app.ts): the share of one
 * core the controller takes at 1 pass/s.
 *
 * Settings (environment): BENCH_SERVICES (1000), BENCH_INSTANCES (50), BENCH_BUSY (100), BENCH_PASSES (20), BENCH_SEED (1).
 * Exit code 1 when the simulation does not reach steady state or a pass throws.
 */
import { performance } from 'node:perf_hooks';
import { ServiceSimulation } from '../src/controllers/service-sim-harness.js';
import { pct } from './support/percentile.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 50);
const BUSY = Math.min(SERVICES, Number(process.env.BENCH_BUSY ?? 100));
const PASSES = Number(process.env.BENCH_PASSES ?? 20);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const PASS_INTERVAL_MS = 1_000; // SERVICE_PASS_INTERVAL_MS in src/app/berth-app.ts
const desiredOf = (i: number) => (i % 3) + 1;
const nameOf = (i: number) => `svc-${String(i).padStart(4, '0')}`;

interface Pass { ms: number; cpuMs: number }

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));

async function allSteady(sim: ServiceSimulation, revision: (i: number) => string): Promise<boolean> {
  const live = await sim.stores.services.listLive();
  const byName = new Map(live.map((s) => [s.name, s]));
  for (let i = 0; i < SERVICES; i++) {
    const s = byName.get(nameOf(i));
    if (!s?.steady || s.deployments.length !== 1 || s.deployments[0]!.taskDefinition !== revision(i)) return false;
  }
  return true;
}

async function main(): Promise<number> {
  const t = performance.now();
  const sim = await ServiceSimulation.create({ instances: INSTANCES, seed: SEED, cpus: 16, memoryGiB: 64 });
  try {
    // Every pass the simulation runs goes through here, so a rollout's passes are timed too.
    const passes: Pass[] = [];
    const reconcile = sim.controller.reconcileAll.bind(sim.controller);
    sim.controller.reconcileAll = async (only) => {
      const cpu = process.cpuUsage();
      const start = performance.now();
      await reconcile(only);
      const used = process.cpuUsage(cpu);
      passes.push({ ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 });
    };

    const v1: string[] = [];
    const v2: string[] = [];
    for (let i = 0; i < SERVICES; i++) {
      v1.push(await sim.registerDefinition(nameOf(i), 'good', { healthChecked: true }));
      if (i < BUSY) v2.push(await sim.registerDefinition(nameOf(i), 'good', { healthChecked: true, environment: [{ name: 'REVISION', value: '2' }] }));
      await sim.createService({ serviceName: nameOf(i), taskDefinition: v1[i]!, desiredCount: desiredOf(i) });
    }
    const tasks = Array.from({ length: SERVICES }, (_, i) => desiredOf(i)).reduce((a, b) => a + b, 0);
    const createSteps = await sim.until(() => allSteady(sim, (i) => v1[i]!), { maxSteps: 120 });
    const createPasses = passes.splice(0);
    const setupSeconds = (performance.now() - t) / 1000;
    global.gc?.();
    const heapSteady = process.memoryUsage().heapUsed;

    // Steady state: passes with nothing to do, back to back.
    for (let i = 0; i < 3; i++) await sim.controller.reconcileAll(); // warm-up
    passes.splice(0);
    for (let i = 0; i < PASSES; i++) await sim.controller.reconcileAll();
    const steady = passes.splice(0);
    if (!(await allSteady(sim, (i) => v1[i]!))) throw new Error('services left steady state during the steady passes');

    // BUSY services have work: each updated, then one pass starts every replacement.
    for (let i = 0; i < BUSY; i++) await sim.updateService({ service: nameOf(i), taskDefinition: v2[i]! });
    await sim.controller.reconcileAll();
    const busy = passes.splice(0)[0]!;
    const started = (await sim.stores.services.listLive()).reduce((n, s) => n + (s.deployments.length > 1 ? 1 : 0), 0);
    const rolloutSteps = await sim.until(() => allSteady(sim, (i) => (i < BUSY ? v2[i]! : v1[i]!)), { maxSteps: 120 });
    const rollout = passes.splice(0);
    const heapAfter = process.memoryUsage().heapUsed;

    const perService = (ms: number) => (ms * 1000) / SERVICES;
    const share = (ms: number) => ms / PASS_INTERVAL_MS;
    const cols = [52, 9, 9, 9, 12, 12];
    const line = (cells: string[]) => cells.map((c, i) => pad(c, cols[i]!, i > 0)).join('  ');
    const row = (name: string, values: Pass[]) => {
      const ms = values.map((p) => p.ms);
      return line([name, f(pct(ms, 50)), f(pct(ms, 95)), f(Math.max(...ms)), f(perService(pct(ms, 50))), `${f(100 * share(pct(ms, 50)), 1)}%`]);
    };
    const steadyMs = steady.map((p) => p.ms);
    const steadyShare = share(pct(steadyMs, 50));
    const out = [
      `Service controller: one reconcileAll() pass over ${SERVICES} services (${tasks} tasks) on ${INSTANCES} simulated instances; node ${process.version}`,
      `setup ${f(setupSeconds)} s (${createSteps} simulated seconds to steady); heap ${mib(heapSteady)} at steady state, ${mib(heapAfter)} after the rollout`,
      '',
      line(['pass', 'p50 ms', 'p95 ms', 'max ms', 'µs/svc p50', 'p50 / 1 s']),
      line(cols.map((n) => '-'.repeat(n))),
      row(`steady state, nothing to do (${steady.length} passes)`, steady),
      row(`after UpdateService on ${BUSY}: starts ${started} services' tasks`, [busy]),
      row(`rest of that rollout (${rollout.length} passes, ${rolloutSteps} s simulated)`, rollout),
      row(`initial creation (${createPasses.length} passes)`, createPasses),
      '',
      `the pass after UpdateService: ${f(busy.ms / BUSY)} ms per updated service (${f(busy.cpuMs)} ms CPU in all)`,
      `steady pass: p95 ${f(perService(pct(steadyMs, 95)), 1)} µs per service; CPU ${f(pct(steady.map((p) => p.cpuMs), 50))} ms per pass (p50, this process)`,
      `No peer runs a service controller offline (moto has none); ratio = pass time / ${PASS_INTERVAL_MS} ms pass interval = share of one core at 1 pass/s.`,
      `steady pass / pass interval: ${f(steadyShare, 3)} (${f(100 * steadyShare, 1)}% of a core)`,
      `busiest pass / pass interval: ${f(share(Math.max(busy.ms, ...rollout.map((p) => p.ms))), 2)} (a pass over 1 s delays the next full pass; passes never overlap)`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await sim.close();
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
}
process.exit(code);
