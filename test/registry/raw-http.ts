import { request } from 'node:http';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with the path sent byte for byte (fetch would resolve `..` and escapes first). */
export function rawRequest(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Starts a request that announces `announced` bytes, sends only `partial`, then drops the
 * connection: an upload cut off midway. Resolves once the socket is gone.
 */
export function cutOffRequest(url: string, method: string, path: string, headers: Record<string, string>, partial: Buffer, announced: number): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request({ host: hostname, port, method, path, headers: { ...headers, 'content-length': String(announced) } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(partial, () => setImmediate(() => req.destroy()));
  });
}
