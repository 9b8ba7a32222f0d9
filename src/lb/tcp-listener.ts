/**
 * An NLB TCP listener: each client connection is piped to one target picked round robin (fail-open
 * like ALB), half-closes passed through. A target that cannot be reached closes the client.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { TargetPool } from './target-pool.js';
import { listen } from '../kit/listen.js';

export class TcpListener {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** Undefined when the default action forwards nowhere known: connections are refused. */
  #pool: TargetPool | undefined;

  constructor(pool: TargetPool | undefined) {
    this.#pool = pool;
    this.#server = createServer({ allowHalfOpen: true, noDelay: true }, this.#onConnection);
  }

  async listen(port: number, host: string): Promise<number> {
    return (await listen(this.#server, port, host)).port;
  }

  update(pool: TargetPool | undefined): void {
    this.#pool = pool;
  }

  /** Stops listening; `force` also cuts open connections. */
  close(force: boolean): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    if (force) for (const socket of this.#sockets) socket.destroy();
    return closed;
  }

  readonly #onConnection = (client: Socket): void => {
    const pool = this.#pool;
    const target = pool?.pick();
    if (!pool || !target) {
      client.destroy();
      return;
    }
    pool.begin(target);
    const upstream = connect({ host: target.id, port: target.port, allowHalfOpen: true, noDelay: true });
    this.#sockets.add(client).add(upstream);
    let open = 2;
    const closed = (socket: Socket) => () => {
      this.#sockets.delete(socket);
      if (--open === 0) pool.end(target);
    };
    client.once('close', closed(client));
    upstream.once('close', closed(upstream));
    // Either side failing ends both: a refused or reset target closes the client.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };
}
