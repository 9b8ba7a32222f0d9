import { Agent, createServer, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** One Engine API call that went through the proxy; times are epoch milliseconds. */
export interface TracedCall {
  method: string;
  path: string;
  status: number;
  start: number;
  /** The response headers arrived (for a stream such as /events, the call has only just begun). */
  headers: number;
  /** The response body ended. */
  end: number;
}

export interface DockerTraceProxy {
  /** For DOCKER_HOST, e.g. unix:///tmp/…/docker.sock. */
  dockerHost: string;
  calls: TracedCall[];
  close(): Promise<void>;
}

const nowMs = () => performance.timeOrigin + performance.now();

/**
 * A pass-through HTTP proxy from a fresh unix socket to the Docker engine's socket, recording when
 * each request started and ended, to profile a client that speaks the Engine API (point its
 * DOCKER_HOST at `dockerHost`). Streams (events, pulls) are passed through as they come. It adds a
 * little latency to every call, so measure with it off and profile with it on.
 */
export async function startDockerTraceProxy(engineSocket = '/var/run/docker.sock'): Promise<DockerTraceProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-docker-proxy-'));
  const socketPath = join(dir, 'docker.sock');
  const upstream = new Agent({ keepAlive: true });
  const calls: TracedCall[] = [];
  const server = createServer((req, res) => {
    const start = nowMs();
    const up = request({ socketPath: engineSocket, agent: upstream, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      const headers = nowMs();
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      res.flushHeaders(); // the events stream's headers mean "subscribed"; the client waits for them
      upRes.pipe(res);
      upRes.once('end', () => {
        calls.push({ method: req.method ?? '', path: req.url ?? '', status: upRes.statusCode ?? 0, start, headers, end: nowMs() });
      });
    });
    up.once('error', (error) => res.destroy(error));
    res.once('close', () => { if (!res.writableFinished) up.destroy(); });
    req.pipe(up);
  });
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    dockerHost: `unix://${socketPath}`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      upstream.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A short name for an Engine API call: createNetwork, inspectImage, createContainer, start, … */
export function engineOperation(call: Pick<TracedCall, 'method' | 'path'>): string {
  const path = (call.path.split('?')[0] ?? '').replace(/^\/v\d+\.\d+/, '');
  const m = call.method;
  if (m === 'POST' && path === '/networks/create') return 'network create';
  if (m === 'GET' && path.startsWith('/networks/')) return 'network inspect';
  if (m === 'DELETE' && path.startsWith('/networks/')) return 'network remove';
  if (m === 'GET' && path.startsWith('/images/') && path.endsWith('/json')) return 'image inspect';
  if (m === 'POST' && path.startsWith('/images/create')) return 'image pull';
  if (m === 'POST' && path === '/containers/create') return 'container create';
  if (m === 'POST' && /^\/containers\/[^/]+\/start$/.test(path)) return 'container start';
  if (m === 'POST' && /^\/containers\/[^/]+\/stop$/.test(path)) return 'container stop';
  if (m === 'GET' && /^\/containers\/[^/]+\/json$/.test(path)) return 'container inspect';
  if (m === 'DELETE' && path.startsWith('/containers/')) return 'container remove';
  if (m === 'GET' && path === '/containers/json') return 'container list';
  if (m === 'GET' && path === '/events') return 'events';
  return `${m} ${path}`;
}
