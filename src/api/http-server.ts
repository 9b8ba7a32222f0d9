import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AGENT_PATH_PREFIX } from './agent-endpoint.js';
import type { AwsDispatcher } from './aws-dispatcher.js';
import type { WireResponse } from './protocols/wire-protocol.js';
import { applyServerTimeouts, DEFAULT_REQUEST_TIMEOUTS, guardRequest, type RequestTimeouts } from './request-timeouts.js';
import type { IncomingSignedRequest } from './sigv4.js';

/** AWS accepts request bodies up to this size on these APIs; larger ones get 413 without being read. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  aws: AwsDispatcher;
  /** The agents' channel under AGENT_PATH_PREFIX; `signal` aborts when the agent hangs up. */
  agent: (operation: string, req: IncomingSignedRequest, signal: AbortSignal) => Promise<WireResponse>;
  /** The registry (OCI distribution) on `/v2/`; it reads request bodies itself, streaming. */
  registry?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Called when something below the wire throws where it should not have; answered as 500. */
  onError(error: unknown): void;
  /** Shorter limits for tests; the defaults otherwise. */
  timeouts?: Partial<RequestTimeouts>;
}

/**
 * The one port Berth serves: AWS APIs on `POST /`, health on `/_berth/health`, the registry on
 * `/v2/`. Later data planes (console, metrics) mount here too.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const timeouts = { ...DEFAULT_REQUEST_TIMEOUTS, ...options.timeouts };
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    guardRequest(req, res, timeouts);
    handle(req, res, options).catch((error) => {
      options.onError(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end();
    });
  });
  applyServerTimeouts(server, timeouts);
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/_berth/health' && (req.method === 'GET' || req.method === 'HEAD')) {
    return send(res, 200, { 'content-type': 'application/json' }, '{"status":"ok"}');
  }
  if (options.registry && (path === '/v2' || path?.startsWith('/v2/'))) return options.registry(req, res);
  if (req.method === 'POST' && path?.startsWith(AGENT_PATH_PREFIX)) {
    const body = await readBody(req, res);
    if (!body) return;
    const hangUp = new AbortController();
    res.on('close', () => hangUp.abort());
    const out = await options.agent(path.slice(AGENT_PATH_PREFIX.length), { method: 'POST', url: req.url ?? '/', headers: req.headers, body }, hangUp.signal);
    return send(res, out.status, out.headers, out.body);
  }
  if (req.method === 'POST' && path === '/') {
    const body = await readBody(req, res);
    if (!body) return;
    const signed = { method: 'POST', url: req.url ?? '/', headers: req.headers, body };
    const routing = options.aws.route(signed);
    if (routing) {
      const out = await options.aws.dispatch(routing, signed);
      return send(res, out.status, out.headers, out.body);
    }
  }
  if (!req.readableEnded) req.resume();
  send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ __type: 'NotFound', message: `No route for ${req.method} ${path}` }));
}

/** Beyond this a client is not sending a mistake but a flood: drop the connection. */
const MAX_DRAIN_BYTES = 64 * MAX_BODY_BYTES;

/**
 * Reads the whole body. One over MAX_BODY_BYTES is read to its end and discarded, then answered 413,
 * so that a client still writing sees the answer instead of a reset connection.
 */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) req.socket.destroy();
    });
    req.on('error', reject);
    req.on('aborted', () => resolve(undefined));
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) return resolve(Buffer.concat(chunks, size));
      send(res, 413, { 'content-type': 'application/x-amz-json-1.1' },
        JSON.stringify({ __type: 'RequestEntityTooLargeException', message: `Request body of ${size} bytes exceeds the maximum of ${MAX_BODY_BYTES} bytes.` }));
      resolve(undefined);
    });
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
