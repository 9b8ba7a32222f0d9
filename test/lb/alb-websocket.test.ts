import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { freePort } from '../support/free-port.js';
import { type Harness, startHarness } from './lb-harness.js';
import { alb, cond, fixed, forward, group } from './lb-support.js';

/** A backend that accepts `Upgrade: echo` and then echoes every byte, prefixed by its name once. */
async function startUpgradeBackend(name: string): Promise<{ port: number; handshakes: IncomingMessage[]; close(): Promise<void> }> {
  const handshakes: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    handshakes.push(req);
    sockets.add(socket);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n${name}:`);
    socket.on('data', (d) => socket.write(d));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    handshakes,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Opens an `Upgrade: echo` connection through `port`, sends `message` once upgraded, and resolves to everything read until it came back (or the refusal). */
function upgradeAndEcho(port: number, path: string, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error(`timed out with ${JSON.stringify(data)}`)));
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n`));
    socket.on('data', (d) => {
      const first = data === '';
      data += d.toString();
      if (first && data.startsWith('HTTP/1.1 101')) socket.write(message);
      if (!data.startsWith('HTTP/1.1 101') || data.endsWith(message)) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(data));
  });
}

describe('ALB: WebSocket and other Upgrade requests', () => {
  const open: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  it('routes the handshake by the rules, adds X-Forwarded-*, then pipes bytes both ways', async () => {
    const ws = await startUpgradeBackend('ws');
    open.push(ws);
    const h: Harness = await startHarness(alb(
      [{
        defaultActions: [fixed('404', 'no route')],
        rules: [
          { priority: 1, conditions: [cond.path('/socket*')], actions: [forward('ws')] },
          { priority: 2, conditions: [cond.path('/dead*')], actions: [forward('dead')] },
        ],
      }],
      [group('ws', [], { targets: [{ id: '127.0.0.1', port: ws.port }] }), group('dead', [], { targets: [{ id: '127.0.0.1', port: await freePort() }] })],
    ));
    open.push(h);
    const reply = await upgradeAndEcho(h.port, '/socket/chat', 'hello over the tunnel');
    assert.match(reply, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.ok(reply.endsWith('\r\n\r\nws:hello over the tunnel'), JSON.stringify(reply));
    const seen = ws.handshakes[0]!;
    assert.deepEqual([seen.url, seen.headers.upgrade, seen.headers['x-forwarded-for'], seen.headers['x-forwarded-port']], ['/socket/chat', 'echo', '127.0.0.1', String(h.port)]);

    const refused = await upgradeAndEcho(h.port, '/elsewhere', 'x');
    assert.match(refused, /^HTTP\/1\.1 400 /, 'a fixed-response route does not upgrade');
    assert.match(await upgradeAndEcho(h.port, '/dead', 'x'), /^HTTP\/1\.1 502 /, 'a target that refuses the connection');
  });
});
