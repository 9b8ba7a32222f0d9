import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The key pair Berth accepts when none is configured: made on first start and kept in the data dir
 * (0600), so clients configured once keep working across restarts.
 */
export function loadOrCreateAccessKey(dataDir: string): AccessKey {
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) {
    const key = JSON.parse(readFileSync(file, 'utf8')) as Partial<AccessKey>;
    if (typeof key.accessKeyId === 'string' && typeof key.secretAccessKey === 'string') {
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    }
    throw new Error(`${file} does not hold an accessKeyId and secretAccessKey`);
  }
  const key: AccessKey = {
    accessKeyId: `AKIA${[...randomBytes(16)].map((b) => BASE32[b % 32]).join('')}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
