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
  /** How long STOPPED tasks stay describable. */
  taskRetentionMs: number;
  /** Where the embedded agent publishes host ports. */
  hostIp: string;
  /** Ready awsvpc sandboxes the embedded agent keeps for the next FARGATE tasks. */
  warmSandboxes: number;
  /** `host:port` that repository URIs and docker login name; default: the address Berth listens on. */
  registryHost?: string;
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
  taskRetention: { flag: '--task-retention <minutes>', env: 'BERTH_TASK_RETENTION', description: 'minutes STOPPED tasks stay describable', default: '60' },
  hostIp: { flag: '--host-ip <ip>', env: 'BERTH_HOST_IP', description: 'address task host ports are published on', default: '127.0.0.1' },
  warmSandboxes: { flag: '--warm-sandboxes <n>', env: 'BERTH_WARM_SANDBOXES', description: 'ready awsvpc sandboxes (network + pause container) kept for FARGATE tasks', default: '2' },
  registryHost: { flag: '--registry-host <host:port>', env: 'BERTH_REGISTRY_HOST', description: 'host:port in repository URIs and docker login (default: the listen address)' },
} satisfies Record<string, ConfigOption>;

/** Option names, as commander names the flags' values. */
export type ConfigKey = keyof typeof CONFIG_OPTIONS;

/** Flags win over environment variables, which win over defaults. Throws on values that cannot work. */
export function resolveConfig(flags: Partial<Record<ConfigKey, string>>, env: NodeJS.ProcessEnv): BerthConfig {
  const pick = (key: ConfigKey): string | undefined => flags[key] ?? env[CONFIG_OPTIONS[key].env] ?? (CONFIG_OPTIONS[key] as ConfigOption).default;
  const port = Number(pick('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535, not ${pick('port')}`);
  const accountId = pick('accountId')!;
  if (!/^\d{12}$/.test(accountId)) throw new Error(`--account-id must be 12 digits, not ${accountId}`);
  const accessKeyId = pick('accessKeyId');
  const secretAccessKey = pick('secretAccessKey');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error('--access-key-id and --secret-access-key go together: give both or neither');
  }
  const registryHost = pick('registryHost');
  if (registryHost !== undefined && !/^[A-Za-z0-9.\-\[\]:]+$/.test(registryHost)) throw new Error(`--registry-host must be host or host:port, not ${registryHost}`);
  const warmSandboxes = Number(pick('warmSandboxes'));
  if (!Number.isInteger(warmSandboxes) || warmSandboxes < 0 || warmSandboxes > 32) throw new Error(`--warm-sandboxes must be a whole number from 0 to 32, not ${pick('warmSandboxes')}`);
  const retentionMinutes = Number(pick('taskRetention'));
  if (!Number.isFinite(retentionMinutes) || retentionMinutes < 0) throw new Error(`--task-retention must be a number of minutes, not ${pick('taskRetention')}`);
  return {
    port,
    host: pick('host')!,
    taskRetentionMs: retentionMinutes * 60_000,
    hostIp: pick('hostIp')!,
    warmSandboxes,
    dataDir: resolve(pick('dataDir')!),
    accountId,
    ...(registryHost !== undefined ? { registryHost } : {}),
    ...(accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : {}),
  };
}
