import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Everything `berth up` can be told, after flags, BERTH_* environment variables and defaults. */
export interface BerthConfig {
  port: number;
  host: string;
  dataDir: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  accountId: string;
}

export interface ConfigOption {
  flag: string;
  env: string;
  description: string;
  default?: string;
}

export const CONFIG_OPTIONS = {
  port: { flag: '--port <port>', env: 'BERTH_PORT', description: 'port for every API (0 picks a free one)', default: '4566' },
  host: { flag: '--host <host>', env: 'BERTH_HOST', description: 'address to listen on', default: '127.0.0.1' },
  dataDir: { flag: '--data-dir <dir>', env: 'BERTH_DATA_DIR', description: 'where state is kept', default: join(homedir(), '.berth') },
  accessKeyId: { flag: '--access-key-id <id>', env: 'BERTH_ACCESS_KEY_ID', description: 'access key id clients sign with (default: generated and kept in the data dir)' },
  secretAccessKey: { flag: '--secret-access-key <key>', env: 'BERTH_SECRET_ACCESS_KEY', description: 'secret access key clients sign with' },
  accountId: { flag: '--account-id <id>', env: 'BERTH_ACCOUNT_ID', description: 'AWS account id in ARNs', default: '000000000000' },
} satisfies Record<keyof BerthConfig, ConfigOption>;

/** Flags win over environment variables, which win over defaults. Throws on values that cannot work. */
export function resolveConfig(flags: Partial<Record<keyof BerthConfig, string>>, env: NodeJS.ProcessEnv): BerthConfig {
  const pick = (key: keyof BerthConfig): string | undefined => flags[key] ?? env[CONFIG_OPTIONS[key].env] ?? (CONFIG_OPTIONS[key] as ConfigOption).default;
  const port = Number(pick('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535, not ${pick('port')}`);
  const accountId = pick('accountId')!;
  if (!/^\d{12}$/.test(accountId)) throw new Error(`--account-id must be 12 digits, not ${accountId}`);
  const accessKeyId = pick('accessKeyId');
  const secretAccessKey = pick('secretAccessKey');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error('--access-key-id and --secret-access-key go together: give both or neither');
  }
  return {
    port,
    host: pick('host')!,
    dataDir: resolve(pick('dataDir')!),
    accountId,
    ...(accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : {}),
  };
}
