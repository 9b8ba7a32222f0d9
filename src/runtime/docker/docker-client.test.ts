/**
 * DockerClient and DockerRuntime against a scripted Engine API on a unix socket: the transport
 * rules (version prefix, deadlines, aborts, broken streams) without a Docker engine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DockerClient } from './client.js';
import { DockerRuntime } from './docker-runtime.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

describe('DockerClient over a scripted engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const seen: string[] = [];
  const routes = new Map<string, Route>();
  let server: Server;
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  before(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      seen.push(`${req.method} ${req.url}`);
      if (path === '/version') return json(res, 200, { ApiVersion: '1.43', MinAPIVersion: '1.12', Version: '24.0.0', Os: 'linux' });
      const route = routes.get(`${req.method} ${path}`);
      if (route) return route(req, res);
      json(res, 404, { message: `page not found: ${path}` });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const endpoint = () => ({ origin: 'http://docker', socketPath });

  it('negotiates once and prefixes every call with the version', async () => {
    routes.set('GET /v1.41/_ping', (_req, res) => res.end('OK'));
    const client = new DockerClient({ endpoint: endpoint() });
    const before = seen.filter((s) => s === 'GET /version').length;
    await client.call('ping', 1_000, { method: 'GET', path: '/_ping' });
    await client.call('ping', 1_000, { method: 'GET', path: '/_ping' });
    assert.equal(seen.filter((s) => s === 'GET /version').length - before, 1);
    assert.equal(seen.at(-1), 'GET /v1.41/_ping');
    await client.close();
  });

  it('turns a call past its deadline into RuntimeTimeoutError naming the call', async () => {
    routes.set('GET /v1.41/containers/slow/json', () => undefined); // never answers
    const client = new DockerClient({ endpoint: endpoint() });
    await assert.rejects(client.call('inspect', 100, { method: 'GET', path: '/containers/slow/json' }),
      { code: 'BERTH_ERR_RUNTIME_TIMEOUT', operation: 'inspect', timeoutMs: 100, retriable: true });
    await client.close();
  });

  it("rejects with the caller's abort reason mid-call", async () => {
    const client = new DockerClient({ endpoint: endpoint() });
    const abort = new AbortController();
    const call = client.call('inspect', 10_000, { method: 'GET', path: '/containers/slow/json', signal: abort.signal });
    const reason = new Error('shutting down');
    setImmediate(() => abort.abort(reason));
    await assert.rejects(call, reason);
    await client.close();
  });

  it('fails a pull on an error line in the progress stream', async () => {
    routes.set('POST /v1.41/images/create', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"Pulling from app","id":"1"}\r\n{"status":"Downloading"');
      res.end(',"id":"2"}\r\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\r\n');
    });
    const runtime = new DockerRuntime({ client: new DockerClient({ endpoint: endpoint() }) });
    await assert.rejects(runtime.pullImage('127.0.0.1:5000/app:1'), { code: 'BERTH_ERR_IMAGE_NOT_FOUND' });
    assert.match(seen.at(-1) ?? '', /fromImage=127\.0\.0\.1%3A5000%2Fapp&tag=1$/);
    await runtime.close();
  });

  it('delivers events after ready, and throws when the engine ends the stream', async () => {
    let finish: () => void = () => undefined;
    routes.set('GET /v1.41/events', (req, res) => {
      assert.match(decodeURIComponent(req.url ?? ''), /"label":\["team=a"\]/);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      finish = () => res.end('{"Type":"container","Action":"start","Actor":{"ID":"c1"},"time":1}\n');
    });
    const runtime = new DockerRuntime({ client: new DockerClient({ endpoint: endpoint() }) });
    const events = runtime.events({ team: 'a' }, new AbortController().signal);
    await events.ready;
    finish();
    const iterator = events[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value, { containerId: 'c1', action: 'start', time: 1000 });
    await assert.rejects(iterator.next(), { code: 'BERTH_ERR_RUNTIME_UNAVAILABLE' });
    await runtime.close();
  });

  it('maps a 404 inspect to undefined and a 409 kill to success', async () => {
    routes.set('POST /v1.41/containers/c1/kill', (_req, res) => json(res, 409, { message: 'Container c1 is not running' }));
    const runtime = new DockerRuntime({ client: new DockerClient({ endpoint: endpoint() }) });
    assert.equal(await runtime.inspectContainer('gone'), undefined);
    await runtime.killContainer('c1', 'SIGKILL');
    await runtime.close();
  });
});
