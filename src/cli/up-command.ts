import type { Command } from 'commander';
import { type RunningBerth, startBerth } from '../app/berth-app.js';
import { CONFIG_OPTIONS, type ConfigKey, type ConfigOption, resolveConfig } from '../app/config.js';

/** `berth up`: everything in one process, in the foreground, until SIGINT or SIGTERM. */
export function addUpCommand(program: Command): void {
  const up = program.command('up').description('start Berth: every API on one port, state in the data dir');
  for (const option of Object.values(CONFIG_OPTIONS) as ConfigOption[]) {
    const note = option.default === undefined ? '' : ` (default ${option.default})`;
    up.option(option.flag, `${option.description}; env ${option.env}${note}`);
  }
  up.option('--no-agent', 'run no embedded agent: FARGATE tasks then wait for `berth agent --fargate` capacity');
  up.action(async (flags: Partial<Record<ConfigKey, string>> & { agent?: boolean }) => {
    const config = resolveConfig(flags, process.env);
    // Handlers go in before anything starts: a signal that comes early still shuts down cleanly.
    let berth: RunningBerth | undefined;
    let stopSignal: string | undefined;
    const stop = (signal: string) => {
      if (stopSignal) return;
      stopSignal = signal;
      if (berth) void shutDown(berth, signal);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));

    berth = await startBerth(config, flags.agent === false ? { runtime: null } : {});
    if (stopSignal) return shutDown(berth, stopSignal);
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    process.stdout.write([
      `berth ready on ${berth.url}`,
      `export AWS_ACCESS_KEY_ID=${berth.accessKey.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${berth.accessKey.secretAccessKey}`,
      `export AWS_REGION=${region}`,
      `export AWS_DEFAULT_REGION=${region}`,
      `export AWS_ENDPOINT_URL=${berth.url}`,
      '',
    ].join('\n'));
  });
}

async function shutDown(berth: RunningBerth, signal: string): Promise<void> {
  process.stderr.write(`berth: ${signal}, shutting down\n`);
  try {
    await berth.close();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`berth: shutdown failed: ${String(error)}\n`);
    process.exit(1);
  }
}
