/**
 * Load balancer throughput: the ALB data plane (src/lb) against nginx as a reverse proxy, side by
 * side on this machine, in front of the same two backends, on loopback, driven by wrk (GET /,
 * keep-alive). Backends are a third, separate nginx (C, one worker) so they cost little CPU. Runs
 * interleave (berth, nginx, berth, nginx); each is a warm-up then a measured run.
 *
 *   bash scripts/bench.sh     # or: node --import tsx bench/lb-throughput.ts
 *
 * Settings (environment): BENCH_DURATION (s, 10), BENCH_WARMUP (s, 2), BENCH_ROUNDS (2),
 * BENCH_CONNECTIONS (32), LB_NGINX_WORKERS (1: nginx on one core, as the data plane is one Node thread).
 * Exit code 1 when any response was not 2xx or a socket error happened.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadBalancerDataPlane } from '../src/lb/data-plane.js';
import { cpuSeconds } from './support/proc-cpu.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const NGINX_WORKERS = Number(process.env.LB_NGINX_WORKERS ?? 1);
const TARGET_RATIO = 0.8;
const NGINX = process.env.NGINX ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');

interface WrkResult { requests: number; seconds: number; rps: number; p50: number; p99: number; non2xx: number; socketErrors: number }

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-lb-'));
const children: ChildProcess[] = [];
let plane: LoadBalancerDataPlane | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts nginx in the foreground with `http` as its http block; returns its process. */
async function startNginx(name: string, workers: number, http: string, probePort: number): Promise<ChildProcess> {
  const conf = join(dir, `${name}.conf`);
  writeFileSync(conf, `worker_processes ${workers};\ndaemon off;\npid ${dir}/${name}.pid;\nerror_log ${dir}/${name}.error.log warn;\n`
    + `events { worker_connections 4096; }\nhttp {\n access_log off;\n client_body_temp_path ${dir}/${name}-body;\n proxy_temp_path ${dir}/${name}-proxy;\n`
    + ` fastcgi_temp_path ${dir}/${name}-fcgi;\n uwsgi_temp_path ${dir}/${name}-uwsgi;\n scgi_temp_path ${dir}/${name}-scgi;\n${http}\n}\n`);
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${probePort}/`).then((r) => r.ok, () => false);
    if (ok) return child;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx ${name} did not start: ${err}`);
}

/** wrk in a child process, waited for without blocking: this process serves the data plane meanwhile. */
async function wrk(url: string, seconds: number): Promise<WrkResult> {
  const script = join(dir, 'count.lua');
  writeFileSync(script, `local threads = {}
function setup(thread) table.insert(threads, thread) end
non2xx = 0
function response(status, headers, body) if status < 200 or status > 299 then non2xx = non2xx + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"non2xx":%d,"socketErrors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad, e.connect + e.read + e.write + e.timeout))
end
`);
  const child = spawn('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '5s', '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const line = /WRK_RESULT (\{.*\})/.exec(out);
  if (status !== 0 || !line) throw new Error(`wrk failed (${status}): ${out}`);
  const j = JSON.parse(line[1]!) as Record<string, number>;
  const s = j.durationUs! / 1e6;
  return { requests: j.requests!, seconds: s, rps: j.requests! / s, p50: j.p50Us! / 1000, p99: j.p99Us! / 1000, non2xx: j.non2xx!, socketErrors: j.socketErrors! };
}

async function main(): Promise<number> {
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not on PATH (apt-get install -y wrk)');
  if (spawnSync(NGINX, ['-v']).error) throw new Error(`nginx is not at ${NGINX} (apt-get install -y nginx-light)`);
  const [b1, b2, nginxPort] = [await freePort(), await freePort(), await freePort()];
  const body = 'x'.repeat(64);
  await startNginx('backends', 1, ` server { listen 127.0.0.1:${b1}; listen 127.0.0.1:${b2}; keepalive_requests 100000; location / { return 200 "${body}"; } }`, b1);
  await startNginx('proxy', NGINX_WORKERS, ` upstream targets { server 127.0.0.1:${b1}; server 127.0.0.1:${b2}; keepalive 128; }\n`
    + ` server { listen 127.0.0.1:${nginxPort}; keepalive_requests 100000; location / { proxy_pass http://targets; proxy_http_version 1.1;`
    + ` proxy_set_header Connection ""; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`
    + ` proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Port $server_port; } }`, nginxPort);

  plane = new LoadBalancerDataPlane();
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/bench/1';
  const listenerArn = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/bench/1/1';
  const applied = await plane.apply({
    loadBalancers: [{ arn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/bench/1', type: 'application',
      listeners: [{ arn: listenerArn, port: 0, protocol: 'HTTP', defaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }] }],
    targetGroups: [{ arn: tg, protocol: 'HTTP', port: b1, healthCheck: { intervalSeconds: 5, healthyThresholdCount: 2 },
      targets: [{ id: '127.0.0.1', port: b1 }, { id: '127.0.0.1', port: b2 }] }],
  });
  if (applied.errors.length > 0) throw new Error(JSON.stringify(applied.errors));
  const berthUrl = `http://127.0.0.1:${plane.listenerPort(listenerArn)}/`;
  const check = await fetch(berthUrl);
  if (check.status !== 200 || (await check.text()) !== body) throw new Error(`the data plane answered ${check.status}`);

  process.stdout.write(`LB throughput, GET / (64-byte answer) through each proxy to 2 nginx backends, wrk 1 thread ${CONNECTIONS} connections,\n`
    + `${WARMUP} s warm-up + ${DURATION} s measured per run; berth data plane (node ${process.version}, this process) vs nginx ${nginxVersion()} (${NGINX_WORKERS} worker(s))\n`
    + `load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n\n`);
  const rows: { name: string; round: number; r: WrkResult; cpu: number }[] = [];
  const proxies = [{ name: 'berth', url: berthUrl, pid: process.pid }, { name: 'nginx', url: `http://127.0.0.1:${nginxPort}/`, pid: children[1]!.pid }];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const p of proxies) {
      if (WARMUP > 0) await wrk(p.url, WARMUP);
      const before = p.name === 'nginx' ? nginxCpu() : cpuSeconds(p.pid);
      const r = await wrk(p.url, DURATION);
      const cpu = (p.name === 'nginx' ? nginxCpu() : cpuSeconds(p.pid)) - before;
      rows.push({ name: p.name, round, r, cpu });
      process.stdout.write(`  round ${round} ${p.name.padEnd(6)} ${fmt(r.rps).padStart(8)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`
        + `  CPU ${fmt((100 * cpu) / r.seconds)}% (${fmt((cpu * 1e6) / r.requests)} µs/req)${r.non2xx + r.socketErrors > 0 ? `  <-- ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : ''}\n`);
    }
  }
  const mean = (name: string) => rows.filter((x) => x.name === name).reduce((sum, x) => sum + x.r.rps, 0) / ROUNDS;
  const p99 = (name: string) => Math.max(...rows.filter((x) => x.name === name).map((x) => x.r.p99));
  const ratio = mean('berth') / mean('nginx');
  process.stdout.write(`\nberth ${fmt(mean('berth'))} req/s vs nginx ${fmt(mean('nginx'))} req/s: ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO}x: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'})\n`
    + `worst p99: berth ${p99('berth').toFixed(2)} ms, nginx ${p99('nginx').toFixed(2)} ms (${(p99('berth') / p99('nginx')).toFixed(2)}x)\n`
    + `load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2-core machine: wrk, the proxy and the backends share it)\n`);
  const bad = rows.filter((x) => x.r.non2xx + x.r.socketErrors > 0);
  if (bad.length > 0) process.stdout.write('\n!!!!!!!! ERRORS: non-2xx answers or socket errors; the numbers above are not valid !!!!!!!!\n');
  return bad.length > 0 ? 1 : 0;
}

function nginxCpu(): number {
  const pids = spawnSync('pgrep', ['-P', String(children[1]!.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  return [children[1]!.pid, ...pids].reduce<number>((sum, pid) => sum + cpuSeconds(pid), 0);
}

function nginxVersion(): string {
  const r = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return /nginx\/(\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

let code = 1;
try {
  code = await main();
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
} finally {
  await plane?.close();
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
