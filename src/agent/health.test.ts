import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeTaskHealth, toWireHealth, type WireHealth } from './health.js';

const c = (health: WireHealth, essential = true, hasHealthCheck = true) => ({ health, essential, hasHealthCheck });

describe('task healthStatus', () => {
  const table: [string, ReturnType<typeof c>[], WireHealth][] = [
    ['no containers with a check', [c('UNKNOWN', true, false)], 'UNKNOWN'],
    ['all essential healthy', [c('HEALTHY'), c('HEALTHY')], 'HEALTHY'],
    ['{UNHEALTHY, UNKNOWN}', [c('UNHEALTHY'), c('UNKNOWN')], 'UNHEALTHY'],
    ['{HEALTHY, UNKNOWN}', [c('HEALTHY'), c('UNKNOWN')], 'UNKNOWN'],
    ['a non-essential unhealthy one is ignored', [c('HEALTHY'), c('UNHEALTHY', false)], 'HEALTHY'],
    ['an essential one without a check is ignored', [c('HEALTHY'), c('UNKNOWN', true, false)], 'HEALTHY'],
  ];
  for (const [name, containers, expected] of table) it(`${name} → ${expected}`, () => assert.equal(computeTaskHealth(containers), expected));

  it('maps engine health: starting and none are UNKNOWN', () => {
    assert.deepEqual([toWireHealth('healthy'), toWireHealth('unhealthy'), toWireHealth('starting'), toWireHealth(undefined)], ['HEALTHY', 'UNHEALTHY', 'UNKNOWN', 'UNKNOWN']);
  });
});
