import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/free-port.js';

/** The CNCF distribution registry (Debian's `docker-registry`), for the registry benchmark. */
export interface DistributionProcess {
  /** `127.0.0.1:<port>`, as docker names it in image references. */
  host: string;
  child: ChildProcess;
  dir: string;
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and removes its config and storage. */
  stop(): Promise<void>;
}

export const DISTRIBUTION_BIN = process.env.BENCH_DISTRIBUTION_BIN ?? '/usr/bin/docker-registry';


/**
 * `docker-registry serve config.yml` on 127.0.0.1 with filesystem storage under a fresh temp dir
 * (in `parent`, so it shares a filesystem with the peer it is measured against), no auth, deletes
 * enabled, access log off (Berth keeps none either); resolves once GET /v2/ answers 200.
 */
export async function startDistribution(parent = tmpdir()): Promise<DistributionProcess> {
  const dir = mkdtempSync(join(parent, 'berth-bench-distribution-'));
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  writeFileSync(join(dir, 'config.yml'), [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    '',
  ].join('\n'));
  const child = spawn(DISTRIBUTION_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let spawnError: Error | undefined;
  child.once('error', (error) => { spawnError = error; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (spawnError || child.exitCode !== null) {
      await stop();
      throw new Error(`${DISTRIBUTION_BIN} did not start (${spawnError?.message ?? `exit ${child.exitCode}`}):\n${output}`);
    }
    const ok = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${DISTRIBUTION_BIN} did not answer on ${host} in 20 s:\n${output}`);
    }
    await sleep(50);
  }
  return { host, child, dir, output: () => output, stop };
}
