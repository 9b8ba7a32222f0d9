import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../test/support/free-port.js';

export interface MotoServer {
  url: string;
  child: ChildProcess;
  /** The last 8 KiB moto_server wrote. */
  output(): string;
  stop(): Promise<void>;
}


/**
 * Starts `moto_server -H 127.0.0.1 -p PORT` (in its own process group, so the pyenv shim and the
 * Python process under it are stopped together) and resolves once it answers HTTP.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // moto logs a line per request: keep only the tail, for error messages.
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-8192); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => { gone = true; });
  child.once('error', (error) => { output += String(error); });

  const url = `http://127.0.0.1:${port}`;
  const signal = (sig: NodeJS.Signals) => {
    try { if (child.pid) process.kill(-child.pid, sig); } catch { /* already gone */ }
  };
  const stop = async () => {
    if (gone) return;
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`moto_server exited before it answered:\n${output}`);
    try {
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) { await stop(); throw new Error(`moto_server did not answer in 30 s:\n${output}`); }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url, child, output: () => output, stop };
}
