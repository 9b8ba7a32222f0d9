import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import type { DataPlaneConfig } from '../../src/lb/lb-config.js';
import { type Harness, startHarness } from './lb-harness.js';
import { arn } from './lb-support.js';

interface TcpBackend {
  name: string;
  port: number;
  close(): Promise<void>;
}

/** Reads until the client half-closes, then answers `<name> got <bytes>` and closes its side. */
async function tcpBackend(name: string): Promise<TcpBackend> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let received = 0;
    socket.on('data', (chunk: Buffer) => { received += chunk.length; });
    socket.on('end', () => socket.end(`${name} got ${received}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Sends `payload`, half-closes, and resolves with everything read until the LB closes. */
function exchange(port: number, payload: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.end(payload);
  });
}

function nlb(backends: TcpBackend[]): DataPlaneConfig {
  return {
    loadBalancers: [{
      arn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/test/1', type: 'network',
      listeners: [{ arn: arn.listener(1), port: 0, protocol: 'TCP', defaultActions: [{ Type: 'forward', TargetGroupArn: arn.tg('tcp') }] }],
    }],
    targetGroups: [{
      arn: arn.tg('tcp'), protocol: 'TCP', port: 80,
      healthCheck: { intervalSeconds: 10, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
      targets: backends.map((b) => ({ id: '127.0.0.1', port: b.port })),
    }],
  };
}

describe('NLB TCP listeners', () => {
  const open: { close(): Promise<void> }[] = [];
  const backend = async (name: string) => {
    const b = await tcpBackend(name);
    open.push(b);
    return b;
  };
  const harness = async (config: DataPlaneConfig): Promise<Harness> => {
    const h = await startHarness(config);
    open.unshift(h);
    return h;
  };
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  it('pipes a connection both ways and passes the client’s half-close on', async () => {
    const a = await backend('a');
    const h = await harness(nlb([a]));
    assert.equal(await exchange(h.port, 'hello'), 'a got 5', 'the target answered after the client half-closed');
    assert.equal(await exchange(h.port, Buffer.alloc(4 * 1024 * 1024, 1)), `a got ${4 * 1024 * 1024}`, 'megabytes stream through');
  });

  it('spreads connections round robin', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    const h = await harness(nlb([a, b]));
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await exchange(h.port, 'x')).split(' ')[0]);
    assert.deepEqual(seen.slice(2), seen.slice(0, 2), `alternates: ${seen.join(',')}`);
    assert.deepEqual(new Set(seen), new Set(['a', 'b']));
  });

  it('fails over: a target that fails TCP checks gets no new connections', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    const h = await harness(nlb([a, b]));
    await h.round(0, 2);
    await h.round(10_000, 2);
    assert.equal(h.stateOf('tcp', a.port), 'healthy');
    assert.equal(h.stateOf('tcp', b.port), 'healthy');
    await b.close();
    await h.round(10_000, 2);
    await h.round(10_000, 2);
    assert.equal(h.stateOf('tcp', b.port), 'unhealthy/Target.FailedHealthChecks');
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await exchange(h.port, 'yo'));
    assert.deepEqual(seen, ['a got 2', 'a got 2', 'a got 2', 'a got 2']);
  });

  it('closes the client when the target refuses the connection', async () => {
    const gone = await backend('gone');
    await gone.close();
    const h = await harness(nlb([gone]));
    assert.equal(await exchange(h.port, 'anyone?'), '', 'closed without an answer');
  });

  it('closes the client at once when the group has no targets', async () => {
    const h = await harness(nlb([]));
    assert.equal(await exchange(h.port, 'anyone?'), '');
  });
});
