import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kit/clock.js';
import { RegistryTokens, TOKEN_LIFETIME_MS } from './registry-token.js';

describe('RegistryTokens', () => {
  const clock = new FakeClock(1_800_000_000_000);
  const tokens = new RegistryTokens('AKID', (id) => (id === 'AKID' ? 'secret' : undefined), clock, () => '127.0.0.1:4566');

  it('gives agents credentials only for images on this registry, with a token for the task region', () => {
    assert.deepEqual(tokens.credentialsFor('eu-west-1', ['busybox', 'berth-test/busybox:latest', '127.0.0.2:4566/web:1']), []);
    const [credentials, extra] = tokens.credentialsFor('eu-west-1', ['busybox', '127.0.0.1:4566/apps/web:1']);
    assert.equal(extra, undefined);
    assert.equal(credentials?.serveraddress, '127.0.0.1:4566');
    assert.equal(credentials?.username, 'AWS');
    assert.deepEqual(tokens.check(credentials!.password), { ok: true, region: 'eu-west-1', accessKeyId: 'AKID' });
  });

  it('refuses a token once it is 12 hours old, and a tampered one', () => {
    const { password } = tokens.issue('us-east-1', 'AKID');
    assert.equal(tokens.check(`${password}x`).ok, false);
    clock.advance(TOKEN_LIFETIME_MS);
    assert.deepEqual(tokens.check(password), { ok: false, reason: 'expired' });
  });
});
