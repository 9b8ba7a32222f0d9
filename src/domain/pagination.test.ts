import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeToken, encodeToken, pageSize, toPage } from './pagination.js';

describe('pagination', () => {
  it('bounds maxResults as ECS does', () => {
    assert.equal(pageSize(undefined, 100), 100);
    assert.equal(pageSize(undefined, 100, 10), 10);
    assert.equal(pageSize(1, 100), 1);
    for (const bad of [0, 101, 2.5, -1]) assert.throws(() => pageSize(bad, 100), { code: 'InvalidParameterException' });
  });

  it('round-trips the keys a token carries and refuses tokens it did not issue', () => {
    assert.deepEqual(decodeToken(encodeToken(['web', 3])), ['web', 3]);
    assert.equal(decodeToken(undefined), undefined);
    for (const bad of ['%%%', encodeToken([]).replace(/./, 'x'), Buffer.from('{"a":1}').toString('base64url')]) {
      assert.throws(() => decodeToken(bad), { code: 'InvalidParameterException' });
    }
  });

  it('cuts a page from one extra row and points the token at its last item', () => {
    const page = toPage([1, 2, 3], 2, (n) => [n], (n) => `#${n}`);
    assert.deepEqual(page.items, ['#1', '#2']);
    assert.deepEqual(decodeToken(page.nextToken), [2]);
    assert.deepEqual(toPage([1, 2], 2, (n) => [n], String), { items: ['1', '2'] });
  });
});
