/**
 * Upgrade requests (WebSocket) through an ALB listener: the handshake goes to the target as the
 * client sent it, Connection and Upgrade kept, with ALB's X-Forwarded-* headers; from then on the
 * bytes are piped both ways until either side closes. A target that cannot be reached gets the
 * client a 502, as ALB answers.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProxyOptions } from './proxy.js';

const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);

export function tunnelUpgrade(
  req: IncomingMessage, client: Duplex, head: Buffer, target: { id: string; port: number }, options: ProxyOptions, settled: () => void,
): void {
  const upstream: Socket = connect({ host: target.id, port: target.port, noDelay: true });
  let connected = false;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    client.destroy();
    upstream.destroy();
    settled();
  };
  upstream.once('connect', () => {
    connected = true;
    upstream.write(handshake(req, options));
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.once('error', () => {
    if (!connected && client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    finish();
  });
  client.once('error', finish);
  upstream.once('close', finish);
  client.once('close', finish);
}

/** The request head as the target gets it. */
function handshake(req: IncomingMessage, options: ProxyOptions): string {
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  let forwardedFor: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
    else if (!FORWARDED.has(lower)) lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  const clientIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  lines.push(`X-Forwarded-For: ${forwardedFor === undefined ? clientIp : `${forwardedFor}, ${clientIp}`}`);
  lines.push('X-Forwarded-Proto: http', `X-Forwarded-Port: ${options.listenerPort}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
