import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface RequestTimeouts {
  /** Headers must arrive within this (slowloris protection, enforced by Node for every request). */
  headersMs: number;
  /** Any request but a blob transfer must arrive whole within this. */
  requestMs: number;
  /** A blob upload or download may take hours, but not stall (no bytes either way) for this long. */
  transferIdleMs: number;
}

export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { headersMs: 30_000, requestMs: 60_000, transferIdleMs: 120_000 };

/** Registry blob uploads (POST/PATCH/PUT …/blobs/uploads/…) and downloads (GET …/blobs/<digest>). */
export const isBlobTransfer = (path: string): boolean => /^\/v2\/.+\/blobs\//.test(path);

/**
 * Node's requestTimeout is server-wide and would cut a slow multi-GB layer upload, so it is off and
 * `guardRequest` applies the whole-request limit to each request that is not a blob transfer.
 */
export function applyServerTimeouts(server: Server, timeouts: RequestTimeouts): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = 0;
}

export function guardRequest(req: IncomingMessage, res: ServerResponse, timeouts: RequestTimeouts): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (isBlobTransfer(path)) {
    // With no 'timeout' listener, Node destroys the socket when it idles; after the response
    // Node sets the keep-alive timeout on it again.
    req.socket.setTimeout(timeouts.transferIdleMs);
    return;
  }
  const timer = setTimeout(() => {
    if (req.complete) return;
    // What Node's own requestTimeout answers.
    if (!res.headersSent && req.socket.writable) req.socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    req.socket.destroy();
  }, timeouts.requestMs);
  timer.unref();
  const done = () => clearTimeout(timer);
  req.once('end', done);
  res.once('close', done);
}
