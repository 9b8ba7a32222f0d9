import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';

const BIN = resolve(import.meta.dirname, '../../bin/berth');

export interface BerthProcess {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  ecs(region?: string): ECSClient;
  /** Stops it with `signal` and waits for the exit; resolves to the exit code (null if killed). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real `bin/berth up` on port 0 with a fresh data dir (or the one given, to restart on
 * the same state), and resolves once it prints its ready line.
 */
export async function startBerthProcess(options: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<BerthProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-test-'));
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const ready = await new Promise<RegExpMatchArray>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`berth did not get ready in 20 s:\n${output}`)), 20_000);
    const onData = () => {
      const m = /berth ready on (\S+)\nexport AWS_ACCESS_KEY_ID=(\S+)\nexport AWS_SECRET_ACCESS_KEY=(\S+)\n/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        res(m);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => { clearTimeout(timer); rej(new Error(`berth exited with ${code} before it was ready:\n${output}`)); });
  });
  const [, url, accessKeyId, secretAccessKey] = ready as unknown as [string, string, string, string];
  return {
    url, accessKeyId, secretAccessKey, dataDir, child,
    output: () => output,
    ecs: (region = 'us-east-1') => new ECSClient({ endpoint: url, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
