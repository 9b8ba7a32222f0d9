import { spawn } from 'node:child_process';
import { request } from 'node:http';

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs the docker CLI to its exit. */
export function docker(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function dockerOk(args: string[]): Promise<string> {
  const r = await docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * GET on the Engine API over its unix socket (DOCKER_HOST=unix://… or the default), undefined on
 * 404: polling this way costs far less than spawning the CLI every 100 ms.
 */
export function engineGet<T>(path: string): Promise<T | undefined> {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) return Promise.reject(new Error(`engineGet speaks to a unix socket only, DOCKER_HOST is ${host}`));
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: host.slice('unix://'.length), path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => {
        if (res.statusCode === 200) resolve(JSON.parse(body) as T);
        else if (res.statusCode === 404) resolve(undefined);
        else reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
      });
    });
    req.on('error', reject);
    req.end();
  });
}
