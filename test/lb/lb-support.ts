/** Backends, a client and config builders for the load-balancer data-plane tests (loopback only). */
import { type Agent, createServer, type IncomingHttpHeaders, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DataPlaneConfig, ListenerConfig, TargetGroupConfig } from '../../src/lb/lb-config.js';

/** What a backend does with the next requests; health checks (path /health) follow `health`. */
export type Behaviour = 'echo' | 'hang' | 'reset' | 'garbage' | 'hold';

export interface Backend {
  name: string;
  port: number;
  /** Requests seen, health checks excluded. */
  hits: number;
  behaviour: Behaviour;
  /** Status answered on /health, or no answer at all. */
  health: number | 'hang';
  /** Answers every request held by 'hold'. */
  release(): void;
  /** Requests in 'hold' right now. */
  readonly held: number;
  close(): Promise<void>;
}

export interface Echo {
  backend: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export async function startBackend(name: string): Promise<Backend> {
  const held: ServerResponse[] = [];
  const sockets = new Set<Socket>();
  const backend: Backend = {
    name, port: 0, hits: 0, behaviour: 'echo', health: 200,
    release: () => { for (const res of held.splice(0)) res.end(`${name} released`); },
    get held() { return held.length; },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      if (backend.health !== 'hang') res.writeHead(backend.health).end('health');
      return;
    }
    backend.hits += 1;
    switch (backend.behaviour) {
      case 'hang': return;
      case 'reset': req.socket.destroy(); return;
      case 'garbage': req.socket.end('this is not HTTP\r\n\r\n'); return;
      case 'hold': res.writeHead(200, { 'content-type': 'text/plain' }); res.write(`${name} started;`); held.push(res); return;
      default: {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const echo: Echo = { backend: name, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
          res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name }).end(JSON.stringify(echo));
        });
      }
    }
  });
  server.on('connection', (s: Socket) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.port = (server.address() as AddressInfo).port;
  return backend;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's local port: the same one on two replies means one kept-alive connection. */
  localPort: number | undefined;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
  agent?: Agent | false;
}

export function send(port: number, path: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      const localPort = res.socket.localPort; // read now: a kept-alive socket is detached by 'end'
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), localPort }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The backend that answered an echo reply. */
export const servedBy = (reply: Reply): string => (reply.headers['x-backend'] as string | undefined) ?? `status ${reply.status}`;

export const arn = {
  lb: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/test/1',
  listener: (n = 1) => `arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/test/1/${n}`,
  tg: (name: string) => `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/${name}/1`,
};

export const forward = (group: string): Action => ({ Type: 'forward', TargetGroupArn: arn.tg(group) });
export const fixed = (status: string, body: string, contentType = 'text/plain'): Action => ({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: status, MessageBody: body, ContentType: contentType } });

export const cond = {
  host: (...values: string[]): RuleCondition => ({ Field: 'host-header', HostHeaderConfig: { Values: values } }),
  path: (...values: string[]): RuleCondition => ({ Field: 'path-pattern', PathPatternConfig: { Values: values } }),
  header: (name: string, ...values: string[]): RuleCondition => ({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: name, Values: values } }),
  method: (...values: string[]): RuleCondition => ({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: values } }),
  query: (...pairs: { Key?: string; Value: string }[]): RuleCondition => ({ Field: 'query-string', QueryStringConfig: { Values: pairs } }),
  sourceIp: (...cidrs: string[]): RuleCondition => ({ Field: 'source-ip', SourceIpConfig: { Values: cidrs } }),
};

/** A target group of `backends` with fast health checks on /health (interval 5 s, thresholds 2). */
export function group(name: string, backends: readonly Backend[], extra: Partial<TargetGroupConfig> = {}): TargetGroupConfig {
  return {
    arn: arn.tg(name), protocol: 'HTTP', port: 80,
    healthCheck: { path: '/health', intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
    targets: backends.map((b) => ({ id: '127.0.0.1', port: b.port })),
    ...extra,
  };
}

/** One application load balancer with `listeners` (port 0 unless given) over `groups`. */
export function alb(listeners: Partial<ListenerConfig>[], groups: TargetGroupConfig[], idleTimeoutSeconds?: number): DataPlaneConfig {
  return {
    loadBalancers: [{
      arn: arn.lb, type: 'application', ...(idleTimeoutSeconds === undefined ? {} : { idleTimeoutSeconds }),
      listeners: listeners.map((l, i) => ({ arn: arn.listener(i + 1), port: 0, protocol: 'HTTP', defaultActions: [], ...l })),
    }],
    targetGroups: groups,
  };
}
