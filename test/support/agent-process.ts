import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { BerthProcess } from './berth-process.js';

const BIN = resolve(import.meta.dirname, '../../bin/berth');

export interface AgentProcess {
  containerInstanceArn: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the real `bin/berth agent` against a running Berth, and resolves once it has registered. */
export async function startAgentProcess(berth: BerthProcess, cluster: string, args: string[] = []): Promise<AgentProcess> {
  const child = spawn(process.execPath, [BIN, 'agent', '--server', berth.url, '--cluster', cluster, ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: berth.accessKeyId, AWS_SECRET_ACCESS_KEY: berth.secretAccessKey, AWS_REGION: 'us-east-1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const arn = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`berth agent did not register in 20 s:\n${output}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /berth agent ready: (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
    void exited.then((code) => { clearTimeout(timer); rej(new Error(`berth agent exited with ${code}:\n${output}`)); });
  });
  return {
    containerInstanceArn: arn,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
