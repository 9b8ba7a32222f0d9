/**
 * One proxied HTTP exchange: the client's request streamed to a target over its keep-alive pool
 * and the answer streamed back, with ALB's X-Forwarded-* headers and ALB's 502/504 when the
 * target fails. Uses undici's core handler callbacks (onConnect/onHeaders/onData/...) because the
 * client speaks them natively: no wrapper object and no header parsing per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';

/** A listener's settings, shared by all its requests. */
export interface ProxyOptions {
  listenerPort: string;
  /** Target idle timeout: no response headers, or no body bytes, for this long means 504 / cut. */
  idleTimeoutMs: number;
  traceIds: boolean;
}

/**
 * Sends `req` to the target behind `dispatcher`, adding `cookies` (stickiness) to the answer;
 * `settled` runs once when the exchange is over.
 */
export function proxy(req: IncomingMessage, res: ServerResponse, dispatcher: Dispatcher, options: ProxyOptions, cookies: string[] | undefined, settled: () => void): void {
  const handler = new ForwardHandler(res, cookies, settled);
  res.once('close', handler.onClientClose);
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  dispatcher.dispatch({
    path: req.url ?? '/',
    method: req.method as Dispatcher.HttpMethod,
    headers: forwardHeaders(req, options),
    body: hasBody ? req : null,
    headersTimeout: options.idleTimeoutMs,
    bodyTimeout: options.idleTimeoutMs,
  }, handler);
}

/** The client's headers minus hop-by-hop ones, with X-Forwarded-For appended and the rest set. */
function forwardHeaders(req: IncomingMessage, options: ProxyOptions): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let forwardedFor: string | undefined;
  let traceId: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    switch (name.length) {
      // Only names of these lengths can be dropped or rewritten, so most headers skip toLowerCase.
      case 2: case 6: case 7: case 10: case 15: case 16: case 17: {
        const lower = name.toLowerCase();
        if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
        else if (lower === 'x-amzn-trace-id') traceId = raw[i + 1];
        else if (!HOP_BY_HOP.has(lower) && lower !== 'x-forwarded-proto' && lower !== 'x-forwarded-port') out.push(name, raw[i + 1]!);
        break;
      }
      default:
        out.push(name, raw[i + 1]!);
    }
  }
  const client = clientIp(req);
  out.push('x-forwarded-for', forwardedFor === undefined ? client : `${forwardedFor}, ${client}`);
  out.push('x-forwarded-proto', 'http', 'x-forwarded-port', options.listenerPort);
  if (traceId !== undefined) out.push('x-amzn-trace-id', traceId);
  else if (options.traceIds) out.push('x-amzn-trace-id', newTraceId());
  return out;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1), plus `expect`: Node has already answered 100-continue. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

function clientIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** 96 bits that differ per request: a random per-process prefix and a counter (cheaper than fresh randomness). */
const tracePrefix = randomBytes(8).toString('hex');
let traceCounter = 0;

function newTraceId(): string {
  traceCounter = (traceCounter + 1) >>> 0;
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${tracePrefix}${traceCounter.toString(16).padStart(8, '0')}`;
}

class ForwardHandler implements Dispatcher.DispatchHandler {
  #abort: ((error?: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  #done = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly cookies: string[] | undefined,
    private readonly settled: () => void,
  ) {}

  onConnect(abort: (error?: Error) => void): void {
    this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // 1xx: Node already told the client to continue
    this.#resume = resume;
    const headers: string[] = [];
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      if ((name.length === 10 || name.length === 16 || name.length === 17 || name.length === 7) && RESPONSE_HOP_BY_HOP.has(name.toLowerCase())) continue;
      headers.push(name, rawHeaders[i + 1]!.toString('latin1'));
    }
    if (this.cookies) for (const cookie of this.cookies) headers.push('set-cookie', cookie);
    if (statusText) this.res.writeHead(statusCode, statusText, headers);
    else this.res.writeHead(statusCode, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', this.#onDrain);
    return false;
  }

  onComplete(): void {
    this.res.end();
    this.#settle();
  }

  onError(error: Error): void {
    if (this.#done) return;
    this.#settle();
    if (this.res.headersSent) this.res.destroy(error);
    else replyError(this.res, timeoutCodes.has((error as { code?: string }).code ?? '') ? 504 : 502);
  }

  /** The client went away first: stop the target's side too. */
  readonly onClientClose = (): void => {
    if (this.#done) return;
    this.#settle();
    this.#abort?.(new Error('client closed the connection'));
  };

  readonly #onDrain = (): void => this.#resume?.();

  #settle(): void {
    if (this.#done) return;
    this.#done = true;
    this.res.off('close', this.onClientClose);
    this.settled();
  }
}

const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

const reasons: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** ALB's own error page, as its 5xx answers look on the wire. */
export function replyError(res: ServerResponse, status: 502 | 503 | 504): void {
  const title = `${status} ${reasons[status]}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, { server: 'awselb/2.0', 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
