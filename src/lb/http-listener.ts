/**
 * An ALB HTTP listener: a node:http server whose routing (rules by priority, then the default
 * action) is swapped whole on apply(), so open keep-alive connections carry on under new rules.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type CompiledAction, pickGroup, type WeightedGroup } from './actions.js';
import type { LbTimers } from './lb-timers.js';
import { proxy, type ProxyOptions, replyError } from './proxy.js';
import { type Predicate, RequestView } from './rule-matcher.js';
import type { PoolTarget, TargetPool } from './target-pool.js';
import { tunnelUpgrade } from './upgrade-tunnel.js';
import { listen } from '../kit/listen.js';

export interface HttpRouting {
  rules: readonly { match: Predicate; action: CompiledAction }[];
  defaultAction: CompiledAction;
  idleTimeoutMs: number;
}

export interface HttpListenerDeps {
  timers: LbTimers;
  random: () => number;
  traceIds: boolean;
}

export class HttpListener {
  readonly #server: Server;
  #routing: HttpRouting;
  #port = '0';
  /** Made once per update, not per request. */
  #proxyOptions: ProxyOptions;

  constructor(routing: HttpRouting, private readonly deps: HttpListenerDeps) {
    this.#routing = routing;
    this.#proxyOptions = this.#options();
    this.#server = createServer({ keepAliveTimeout: routing.idleTimeoutMs, requestTimeout: 0 }, this.#onRequest);
    this.#server.on('upgrade', this.#onUpgrade);
  }

  async listen(port: number, host: string): Promise<number> {
    const bound = (await listen(this.#server, port, host)).port;
    this.#port = String(bound);
    this.#proxyOptions = this.#options();
    return bound;
  }

  update(routing: HttpRouting): void {
    this.#routing = routing;
    this.#proxyOptions = this.#options();
    this.#server.keepAliveTimeout = routing.idleTimeoutMs;
  }

  /** Stops listening; `force` also cuts connections with requests in flight. */
  close(force: boolean): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    if (force) this.#server.closeAllConnections();
    return closed;
  }

  #options(): ProxyOptions {
    return { listenerPort: this.#port, idleTimeoutMs: this.#routing.idleTimeoutMs, traceIds: this.deps.traceIds };
  }

  /** The first rule that matches, else the default action (the view, when rules needed one). */
  #route(req: IncomingMessage): { action: CompiledAction; view: RequestView | undefined } {
    const routing = this.#routing;
    if (routing.rules.length === 0) return { action: routing.defaultAction, view: undefined };
    const view = new RequestView(req);
    for (const rule of routing.rules) if (rule.match(view)) return { action: rule.action, view };
    return { action: routing.defaultAction, view };
  }

  readonly #onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const { action, view } = this.#route(req);
    switch (action.kind) {
      case 'forward':
        return this.#forward(req, res, action);
      case 'fixed': {
        const headers: Record<string, string | number> = { 'content-length': action.body.length };
        if (action.contentType) headers['content-type'] = action.contentType;
        res.writeHead(action.status, headers);
        res.end(action.body);
        return;
      }
      case 'redirect':
        res.writeHead(action.status, { location: action.location(view ?? new RequestView(req), Number(this.#port)), 'content-length': 0 });
        res.end();
        return;
    }
  };

  /** WebSocket and other Upgrade requests: routed like any request, then tunnelled to the target. */
  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const { action } = this.#route(req);
    const chosen = action.kind === 'forward' ? this.#choose(req, action) : undefined;
    if (!chosen) {
      socket.end(`HTTP/1.1 ${action.kind === 'forward' ? '503 Service Temporarily Unavailable' : '400 Bad Request'}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      return;
    }
    const { pool, target } = chosen;
    pool.begin(target);
    tunnelUpgrade(req, socket, head, target, this.#proxyOptions, () => pool.end(target));
  };

  #forward(req: IncomingMessage, res: ServerResponse, action: Extract<CompiledAction, { kind: 'forward' }>): void {
    const chosen = this.#choose(req, action);
    if (!chosen) return replyError(res, 503);
    const { pool, target, cookies } = chosen;
    pool.begin(target);
    proxy(req, res, pool.dispatcher(target), this.#proxyOptions, cookies, () => pool.end(target));
  }

  /** The target group (weights, group stickiness) and target (round robin, AWSALB) for a request, with the cookies to set. */
  #choose(req: IncomingMessage, action: Extract<CompiledAction, { kind: 'forward' }>): { pool: TargetPool; target: PoolTarget; cookies: string[] | undefined } | undefined {
    let cookies: string[] | undefined;
    let group: WeightedGroup | undefined;
    if (action.groupStickyMs > 0) {
      const token = cookie(req, 'AWSALBTG');
      group = token === undefined ? undefined : action.groups.find((g) => g.token === token && g.weight > 0);
      group ??= pickGroup(action.groups, action.totalWeight, this.deps.random);
      if (group) cookies = [this.#setCookie('AWSALBTG', group.token, action.groupStickyMs)];
    } else {
      group = pickGroup(action.groups, action.totalWeight, this.deps.random);
    }
    const pool = group?.pool;
    if (!pool) return undefined;
    let target: PoolTarget | undefined;
    if (pool.stickyMs > 0) {
      const token = cookie(req, 'AWSALB');
      target = token === undefined ? undefined : pool.sticky(token);
      target ??= pool.pick();
      if (target) (cookies ??= []).push(this.#setCookie('AWSALB', target.token, pool.stickyMs));
    } else {
      target = pool.pick();
    }
    return target ? { pool, target, cookies } : undefined;
  }

  #setCookie(name: string, value: string, durationMs: number): string {
    return `${name}=${value}; Expires=${new Date(this.deps.timers.now() + durationMs).toUTCString()}; Path=/`;
  }
}

/** One cookie's value from the Cookie header, without parsing the rest. */
function cookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
