/**
 * Load balancer throughput, side by side with nginx on this machine, in front of the same two
 * backends, on loopback, driven by wrk (GET /, keep-alive):
 *
 *   - ALB: the data plane's HTTP listener (src/lb) against nginx as the equivalent reverse proxy
 *     (keep-alive upstream, X-Forwarded-* set).
 *   - NLB: the data plane's TCP listener (a network LB, TCP target group) against nginx's stream
 *     module as the plain TCP proxy; wrk's keep-alive HTTP rides through the pipe. A third peer, a
 *     bare node:net pipe proxy in its own process, shows what Node itself costs for the same job.
 *
 * Backends are a separate nginx (C, one worker) so they cost little CPU. Runs interleave
 * (berth, nginx, ..., berth, nginx, ...); each is a warm-up then a measured run.
 *
 *   bash scripts/bench.sh     # or: node --import tsx bench/lb-throughput.ts
 *
 * Settings (environment): BENCH_DURATION (s, 10), BENCH_WARMUP (s, 2), BENCH_ROUNDS (2),
 * BENCH_CONNECTIONS (32), LB_NGINX_WORKERS (1: nginx on one core, as the data plane is one Node
 * thread), LB_BENCH (`alb,nlb`: which parts run), LB_NODE_BASELINES (1 adds, in the ALB part, a bare
 * node:http server answering by itself and a bare undici reverse proxy: what one Node process can
 * do at best here). The nginx stream module comes from Debian's libnginx-mod-stream.
 * Exit code 1 when any response was not 2xx or a socket error happened.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../test/support/free-port.js';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataPlaneConfig } from '../src/lb/lb-config.js';
import { cpuSeconds } from './support/proc-cpu.js';
import { runBench } from './support/run-bench.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const NGINX_WORKERS = Number(process.env.LB_NGINX_WORKERS ?? 1);
const PARTS = new Set((process.env.LB_BENCH ?? 'alb,nlb').split(',').map((s) => s.trim().toLowerCase()));
const NODE_BASELINES = process.env.LB_NODE_BASELINES === '1';
const TARGET_RATIO = 0.8;
const TARGET_P99_RATIO = 1.5;
const NGINX = process.env.NGINX ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');
const STREAM_MODULE = process.env.NGINX_STREAM_MODULE ?? '/usr/lib/nginx/modules/ngx_stream_module.so';

interface WrkResult { requests: number; seconds: number; rps: number; p50: number; p99: number; non2xx: number; socketErrors: number }
interface Peer { name: string; url: string; cpu: () => number }
interface Row { name: string; round: number; r: WrkResult; cpu: number }

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-lb-'));
const children: ChildProcess[] = [];

/** Waits until GET http://127.0.0.1:`port`/ answers 2xx (through whatever listens there). */
async function waitFor(name: string, child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
    if (ok) return;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not start: ${stderr()}`);
}

function track(child: ChildProcess): () => string {
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  return () => err;
}

/** Starts nginx in the foreground with `http` as its http block (and `main` at top level); returns its process. */
async function startNginx(name: string, workers: number, http: string, probePort: number, main = ''): Promise<ChildProcess> {
  const conf = join(dir, `${name}.conf`);
  writeFileSync(conf, `${main}worker_processes ${workers};\ndaemon off;\npid ${dir}/${name}.pid;\nerror_log ${dir}/${name}.error.log warn;\n`
    + `events { worker_connections 4096; }\nhttp {\n access_log off;\n client_body_temp_path ${dir}/${name}-body;\n proxy_temp_path ${dir}/${name}-proxy;\n`
    + ` fastcgi_temp_path ${dir}/${name}-fcgi;\n uwsgi_temp_path ${dir}/${name}-uwsgi;\n scgi_temp_path ${dir}/${name}-scgi;\n${http}\n}\n`);
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitFor(`nginx ${name}`, child, probePort, track(child));
  return child;
}

/** Runs a small Node program (ESM, from a string) in its own process, with `args`. */
async function startNode(name: string, source: string, args: string[], probePort: number): Promise<ChildProcess> {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  // Resolved from this repository so the undici proxy uses the same undici as the data plane.
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: process.cwd(), env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') } });
  await waitFor(name, child, probePort, track(child));
  return child;
}

/** The data plane in its own process (bench/support/lb-plane-process.ts), with the ports its listeners got. */
async function startDataPlane(configFile: string): Promise<{ child: ChildProcess; ports: Record<string, number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'lb-plane-process.ts'), configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  for (let i = 0; i < 200; i++) {
    const m = /LB_PORTS (\{.*\})/.exec(out);
    if (m) return { child, ports: JSON.parse(m[1]!) as Record<string, number> };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the data plane did not start: ${out}`);
}

/** A bare node:net pipe proxy, round robin over the targets: Node's own cost for the NLB's job. */
const NODE_PIPE = `import { connect, createServer } from 'node:net';
const [port, ...targets] = process.argv.slice(2).map(Number);
let next = 0;
createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
  const upstream = connect({ host: '127.0.0.1', port: targets[next++ % targets.length], allowHalfOpen: true, noDelay: true });
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream).pipe(client);
}).listen(port, '127.0.0.1');
`;

/** A bare node:http server answering the backends' 64 bytes itself: the most one Node process serves here. */
const NODE_HTTP = `import { createServer } from 'node:http';
const body = Buffer.from('x'.repeat(64));
createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }); res.end(body); })
  .listen(Number(process.argv[2]), '127.0.0.1');
`;

/** A bare undici reverse proxy (headers passed through, body streamed), no ALB semantics. */
const NODE_UNDICI = `import { createServer } from 'node:http';
import { createRequire } from 'node:module';
const { Pool } = createRequire(process.cwd() + '/')('undici');
const [port, ...targets] = process.argv.slice(2).map(Number);
const pools = targets.map((t) => new Pool('http://127.0.0.1:' + t, { keepAliveTimeout: 30000 }));
let next = 0;
createServer((req, res) => {
  const pool = pools[next++ % pools.length];
  pool.dispatch({ path: req.url, method: req.method, headers: req.rawHeaders, body: null }, {
    onConnect() {}, onError(e) { res.destroy(e); },
    onHeaders(status, raw, resume, text) { const h = []; for (let i = 0; i < raw.length; i += 2) { const n = raw[i].toString('latin1'); if (n.toLowerCase() !== 'connection' && n.toLowerCase() !== 'keep-alive') h.push(n, raw[i + 1].toString('latin1')); } res.writeHead(status, h); return true; },
    onData(chunk) { return res.write(chunk); }, onComplete() { res.end(); },
  });
}).listen(port, '127.0.0.1');
`;

/** wrk in a child process. */
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

/** CPU seconds of a process and its direct children (nginx's master and workers). */
function treeCpu(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const pids = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  return [pid, ...pids].reduce<number>((sum, p) => sum + cpuSeconds(p), 0);
}

/** Interleaved rounds over `peers`; prints each run, then berth against every other peer. */
async function compare(title: string, peers: Peer[]): Promise<Row[]> {
  process.stdout.write(`${title}\nload average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  const rows: Row[] = [];
  const width = Math.max(...peers.map((p) => p.name.length));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const p of peers) {
      if (WARMUP > 0) await wrk(p.url, WARMUP);
      const before = p.cpu();
      const r = await wrk(p.url, DURATION);
      const cpu = p.cpu() - before;
      rows.push({ name: p.name, round, r, cpu });
      process.stdout.write(`  round ${round} ${p.name.padEnd(width)} ${fmt(r.rps).padStart(8)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`
        + `  CPU ${fmt((100 * cpu) / r.seconds)}% (${fmt((cpu * 1e6) / r.requests)} µs/req)${r.non2xx + r.socketErrors > 0 ? `  <-- ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : ''}\n`);
    }
  }
  const mean = (name: string) => rows.filter((x) => x.name === name).reduce((sum, x) => sum + x.r.rps, 0) / ROUNDS;
  const p99 = (name: string) => Math.max(...rows.filter((x) => x.name === name).map((x) => x.r.p99));
  const [berth, ...others] = peers.map((p) => p.name);
  process.stdout.write('\n');
  for (const other of others) {
    const ratio = mean(berth!) / mean(other);
    const p99Ratio = p99(berth!) / p99(other);
    const targets = other === 'nginx'
      ? ` (targets: >= ${TARGET_RATIO}x ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'}; p99 <= ${TARGET_P99_RATIO}x ${p99Ratio <= TARGET_P99_RATIO ? 'met' : 'MISSED'})`
      : '';
    process.stdout.write(`${berth} ${fmt(mean(berth!))} req/s vs ${other} ${fmt(mean(other))} req/s: ${ratio.toFixed(2)}x; worst p99 ${p99(berth!).toFixed(2)} ms vs ${p99(other).toFixed(2)} ms: ${p99Ratio.toFixed(2)}x${targets}\n`);
  }
  process.stdout.write(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2-core machine: wrk, the proxy and the backends share it)\n\n`);
  return rows;
}

async function main(): Promise<number> {
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not on PATH (apt-get install -y wrk)');
  if (spawnSync(NGINX, ['-v']).error) throw new Error(`nginx is not at ${NGINX} (apt-get install -y nginx-light)`);
  if (PARTS.has('nlb') && !existsSync(STREAM_MODULE)) throw new Error(`no nginx stream module at ${STREAM_MODULE} (apt-get install -y libnginx-mod-stream)`);
  const [b1, b2] = [await freePort(), await freePort()];
  const body = 'x'.repeat(64);
  await startNginx('backends', 1, ` server { listen 127.0.0.1:${b1}; listen 127.0.0.1:${b2}; keepalive_requests 100000; location / { return 200 "${body}"; } }`, b1);
  const targets = [{ id: '127.0.0.1', port: b1 }, { id: '127.0.0.1', port: b2 }];

  const arn = (kind: string) => `arn:aws:elasticloadbalancing:us-east-1:000000000000:${kind}`;
  const [httpTg, tcpTg, albListener, nlbListener] = [arn('targetgroup/bench-http/1'), arn('targetgroup/bench-tcp/1'), arn('listener/app/bench/1/1'), arn('listener/net/bench/1/1')];
  const configFile = join(dir, 'data-plane.json');
  writeFileSync(configFile, JSON.stringify({
    loadBalancers: [
      { arn: arn('loadbalancer/app/bench/1'), type: 'application', listeners: [{ arn: albListener, port: 0, protocol: 'HTTP', defaultActions: [{ Type: 'forward', TargetGroupArn: httpTg }] }] },
      { arn: arn('loadbalancer/net/bench/1'), type: 'network', listeners: [{ arn: nlbListener, port: 0, protocol: 'TCP', defaultActions: [{ Type: 'forward', TargetGroupArn: tcpTg }] }] },
    ],
    targetGroups: [
      { arn: httpTg, protocol: 'HTTP', port: b1, healthCheck: { intervalSeconds: 5, healthyThresholdCount: 2 }, targets },
      { arn: tcpTg, protocol: 'TCP', port: b1, healthCheck: { intervalSeconds: 10, healthyThresholdCount: 2 }, targets },
    ],
  } satisfies DataPlaneConfig));
  const { child: plane, ports } = await startDataPlane(configFile);
  const listenerPort = (listenerArn: string) => ports[listenerArn];
  const berthCpu = () => cpuSeconds(plane.pid!);
  const header = (what: string, peers: string) => `${what}, GET / (64-byte answer) to 2 nginx backends, wrk 1 thread ${CONNECTIONS} connections (keep-alive),\n`
    + `${WARMUP} s warm-up + ${DURATION} s measured per run, ${ROUNDS} interleaved rounds; berth data plane (node ${process.version}, a process of its own) vs ${peers}`;

  const rows: Row[] = [];
  if (PARTS.has('alb')) {
    const port = await freePort();
    const nginx = await startNginx('proxy', NGINX_WORKERS, ` upstream targets { server 127.0.0.1:${b1}; server 127.0.0.1:${b2}; keepalive 128; }\n`
      + ` server { listen 127.0.0.1:${port}; keepalive_requests 100000; location / { proxy_pass http://targets; proxy_http_version 1.1;`
      + ` proxy_set_header Connection ""; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`
      + ` proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Port $server_port; } }`, port);
    const url = `http://127.0.0.1:${listenerPort(albListener)}/`;
    const check = await fetch(url);
    if (check.status !== 200 || (await check.text()) !== body) throw new Error(`the ALB listener answered ${check.status}`);
    const peers: Peer[] = [{ name: 'berth', url, cpu: berthCpu }, { name: 'nginx', url: `http://127.0.0.1:${port}/`, cpu: () => treeCpu(nginx.pid) }];
    if (NODE_BASELINES) {
      const [httpPort, undiciPort] = [await freePort(), await freePort()];
      const bare = await startNode('node-http', NODE_HTTP, [String(httpPort)], httpPort);
      const undici = await startNode('node-undici', NODE_UNDICI, [String(undiciPort), String(b1), String(b2)], undiciPort);
      peers.push({ name: 'node-undici-proxy', url: `http://127.0.0.1:${undiciPort}/`, cpu: () => cpuSeconds(undici.pid) },
        { name: 'node-http-no-proxy', url: `http://127.0.0.1:${httpPort}/`, cpu: () => cpuSeconds(bare.pid) });
    }
    rows.push(...await compare(header('ALB (HTTP listener)', `nginx ${nginxVersion()} reverse proxy (${NGINX_WORKERS} worker(s))`
      + `${NODE_BASELINES ? ', a bare undici proxy and a bare node:http server (no proxying), each one Node process' : ''}`), peers));
  }
  if (PARTS.has('nlb')) {
    const [port, pipePort] = [await freePort(), await freePort()];
    const nginx = await startNginx('stream', NGINX_WORKERS, '', port, `load_module ${STREAM_MODULE};\n`
      + `stream {\n upstream targets { server 127.0.0.1:${b1}; server 127.0.0.1:${b2}; }\n server { listen 127.0.0.1:${port}; proxy_pass targets; tcp_nodelay on; }\n}\n`);
    const pipe = await startNode('node-pipe', NODE_PIPE, [String(pipePort), String(b1), String(b2)], pipePort);
    const url = `http://127.0.0.1:${listenerPort(nlbListener)}/`;
    const check = await fetch(url);
    if (check.status !== 200 || (await check.text()) !== body) throw new Error(`the NLB listener answered ${check.status}`);
    rows.push(...await compare(header('NLB (TCP listener, keep-alive HTTP through the pipe)', `nginx ${nginxVersion()} stream proxy (${NGINX_WORKERS} worker(s)) and a bare node:net pipe proxy (own process)`), [
      { name: 'berth', url, cpu: berthCpu },
      { name: 'nginx', url: `http://127.0.0.1:${port}/`, cpu: () => treeCpu(nginx.pid) },
      { name: 'node-pipe', url: `http://127.0.0.1:${pipePort}/`, cpu: () => cpuSeconds(pipe.pid) },
    ]));
  }
  const bad = rows.filter((x) => x.r.non2xx + x.r.socketErrors > 0);
  if (bad.length > 0) process.stdout.write('!!!!!!!! ERRORS: non-2xx answers or socket errors; the numbers above are not valid !!!!!!!!\n');
  return bad.length > 0 ? 1 : 0;
}

function nginxVersion(): string {
  const r = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return /nginx\/(\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

async function cleanup(): Promise<string[]> {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return [];
}

await runBench(main, cleanup);
