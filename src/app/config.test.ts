import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveConfig } from './config.js';

describe('resolveConfig: flags, then BERTH_* variables, then defaults', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(resolveConfig({}, {}), {
      port: 4566, host: '127.0.0.1', dataDir: join(homedir(), '.berth'), accountId: '000000000000', taskRetentionMs: 3_600_000, hostIp: '127.0.0.1', warmSandboxes: 2,
    });
  });

  it('lets a flag win over its variable, and a variable over the default', () => {
    const config = resolveConfig({ port: '0', taskRetention: '5' }, { BERTH_PORT: '9999', BERTH_HOST: '0.0.0.0', BERTH_ACCOUNT_ID: '123456789012' });
    assert.equal(config.port, 0);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.accountId, '123456789012');
    assert.equal(config.taskRetentionMs, 300_000);
  });

  it('takes a key pair only whole', () => {
    assert.deepEqual(
      { ...resolveConfig({ accessKeyId: 'AKIA1' }, { BERTH_SECRET_ACCESS_KEY: 's' }) },
      { ...resolveConfig({}, {}), accessKeyId: 'AKIA1', secretAccessKey: 's' },
    );
    assert.throws(() => resolveConfig({ accessKeyId: 'AKIA1' }, {}), /go together/);
  });

  it('refuses values that cannot work', () => {
    assert.throws(() => resolveConfig({ port: '70000' }, {}), /--port/);
    assert.throws(() => resolveConfig({ port: 'http' }, {}), /--port/);
    assert.throws(() => resolveConfig({ warmSandboxes: '-1' }, {}), /--warm-sandboxes/);
    assert.throws(() => resolveConfig({ accountId: '42' }, {}), /--account-id/);
    assert.throws(() => resolveConfig({ taskRetention: '-1' }, {}), /--task-retention/);
  });
});
