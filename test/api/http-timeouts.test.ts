import assert from 'node:assert/strict';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AwsDispatcher } from '../../src/api/aws-dispatcher.js';
import { createHttpServer } from '../../src/api/http-server.js';
import { listen } from '../../src/kit/listen.js';
import { eventually } from '../support/eventually.js';

/** Limits short enough to cross in a test: the defaults are 60 s and 120 s. */
const TIMEOUTS = { requestMs: 300, transferIdleMs: 400 };

interface Outcome {
  status?: number;
  body?: string;
  /** The connection went away without an answer. */
  reset?: boolean;
}

/**
 * Sends `chunks` bytes one at a time, `gapMs` apart (a slow client), and resolves with the answer
 * or with `reset` when the server cut the connection.
 */
function slowRequest(url: string, method: string, path: string, chunks: number, gapMs: number[] | number): Promise<Outcome> {
  const { hostname, port } = new URL(url);
  const gap = (i: number) => (Array.isArray(gapMs) ? gapMs[i] ?? 0 : gapMs);
  return new Promise((resolve) => {
    const req = request({ host: hostname, port, method, path, headers: { 'content-length': String(chunks) } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', () => resolve({ reset: true }));
    });
    req.on('error', () => resolve({ reset: true }));
    let sent = 0;
    const next = () => {
      if (req.destroyed) return;
      req.write('x');
      if (++sent === chunks) return void req.end();
      setTimeout(next, gap(sent - 1));
    };
    next();
  });
}

describe('request timeouts: blob transfers may be slow, everything else must be quick', () => {
  let url: string;
  let close: () => Promise<void>;
  let server: Server;
  const stalled: string[] = [];

  before(async () => {
    const aws = { route: () => undefined } as unknown as AwsDispatcher;
    server = createHttpServer({
      aws,
      agent: async () => ({ status: 404, headers: {}, body: '' }),
      onError: () => undefined,
      timeouts: TIMEOUTS,
      // Stands in for the registry: counts the bytes of a body, or streams a slow download.
      registry: async (req, res) => {
        if (req.method === 'GET') {
          res.writeHead(200, { 'content-length': '10' });
          for (let i = 0; i < 10; i++) {
            res.write('y');
            await new Promise((resolve) => setTimeout(resolve, 60));
          }
          return void res.end();
        }
        let bytes = 0;
        req.on('data', (c: Buffer) => { bytes += c.length; });
        req.on('close', () => { if (!req.complete) stalled.push(req.url ?? ''); });
        req.on('end', () => {
          res.writeHead(201, { 'content-length': String(String(bytes).length) });
          res.end(String(bytes));
        });
      },
    });
    const address: AddressInfo = await listen(server, 0, '127.0.0.1');
    url = `http://127.0.0.1:${address.port}`;
    close = () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  after(() => close());

  it("turns Node's server-wide request timeout off and keeps its headers timeout (slowloris)", () => {
    assert.equal(server.requestTimeout, 0);
    assert.equal(server.headersTimeout, 30_000);
  });

  it('takes a blob upload that trickles in for longer than the request timeout', async () => {
    const out = await slowRequest(url, 'PATCH', '/v2/team/app/blobs/uploads/00000000-0000-0000-0000-000000000001', 12, 60);
    assert.deepEqual(out, { status: 201, body: '12' }, 'all 12 bytes over ~700 ms arrive');
  });

  it('serves a blob download that takes longer than the request timeout', async () => {
    const out = await new Promise<Outcome>((resolve) => {
      request(`${url}/v2/team/app/blobs/sha256:${'a'.repeat(64)}`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      }).on('error', () => resolve({ reset: true })).end();
    });
    assert.deepEqual(out, { status: 200, body: 'y'.repeat(10) }, 'the whole download over ~600 ms');
  });

  it('cuts a blob upload that stalls for longer than the idle timeout', async () => {
    const path = '/v2/team/app/blobs/uploads/00000000-0000-0000-0000-000000000002';
    const out = await slowRequest(url, 'PATCH', path, 3, [10, 1_000]);
    assert.deepEqual(out, { reset: true }, 'the connection is dropped');
    await eventually(() => assert.ok(stalled.includes(path), 'the registry saw the body end early'));
  });

  it('cuts an AWS API request whose body trickles in past the request timeout', async () => {
    const started = Date.now();
    const out = await slowRequest(url, 'POST', '/', 20, 60);
    assert.ok(out.reset || out.status === 408, `cut off (got ${JSON.stringify(out)})`);
    assert.ok(Date.now() - started < 1_100, 'well before the body would have ended');
  });

  it('keeps the request timeout for registry requests that are not blob transfers', async () => {
    const out = await slowRequest(url, 'PUT', '/v2/team/app/manifests/latest', 20, 60);
    assert.ok(out.reset || out.status === 408, `a slow manifest PUT is cut off (got ${JSON.stringify(out)})`);
  });
});
