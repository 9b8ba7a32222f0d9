import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateLifecycle, type LifecycleImage, parseLifecyclePolicy } from './lifecycle-policy.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1);
const image = (digest: string, ageDays: number, ...tags: string[]): LifecycleImage => ({ digest, tags, pushedAt: NOW - ageDays * DAY });
const policy = (...rules: object[]) => parseLifecyclePolicy(JSON.stringify({ rules }));
const rule = (rulePriority: number, selection: object) => ({ rulePriority, selection, action: { type: 'expire' } });

describe('lifecycle policies', () => {
  it('keeps the youngest N of the images a rule selects (imageCountMoreThan)', () => {
    const rules = policy(rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 }));
    const images = [image('a', 4, 'v1'), image('b', 3, 'v2'), image('c', 2, 'v3'), image('d', 9, 'prod'), image('e', 10)];
    assert.deepEqual([...evaluateLifecycle(rules, images, NOW).keys()], ['a']);
  });

  it('expires images pushed more than N days ago (sinceImagePushed)', () => {
    const rules = policy(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }));
    const images = [image('old', 8), image('new', 6), image('tagged-old', 30, 'x')];
    assert.deepEqual([...evaluateLifecycle(rules, images, NOW).keys()], ['old']);
  });

  it('lets a higher-priority rule shield what it selects, and expires each image once', () => {
    const rules = policy(
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 5 }),
      rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
    );
    const images = [image('p1', 10, 'prod-1'), image('p2', 9, 'prod-2'), image('x', 2, 'dev'), image('y', 1, 'dev2')];
    assert.deepEqual([...evaluateLifecycle(rules, images, NOW).entries()], [['x', 2]]);
  });

  it('matches a tag list only when every prefix or pattern matches some tag', () => {
    const rules = policy(rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*', '*-eu'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }));
    const images = [image('both', 5, 'prod-1', 'build-eu'), image('one', 5, 'prod-2')];
    assert.deepEqual([...evaluateLifecycle(rules, images, NOW).keys()], ['both']);
  });

  it('refuses policies ECR refuses, with its texts', () => {
    const failure = /^Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: /;
    assert.throws(() => parseLifecyclePolicy('nope'), { name: 'InvalidParameterException', message: failure });
    assert.throws(() => parseLifecyclePolicy('{}'), { message: /missing required properties \(\["rules"\]\)/ });
    assert.throws(() => policy(rule(1, { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 })), { message: failure });
    assert.throws(() => policy(rule(1, { tagStatus: 'sometimes', countType: 'imageCountMoreThan', countNumber: 1 })), { message: /not found in enum/ });
    assert.throws(() => policy(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 0 })), { message: /minimum: 1, found: 0/ });
    assert.throws(() => policy(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 3 })), { message: failure });
    assert.throws(() => policy(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }), rule(2, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })), { message: /highest rulePriority/ });
    assert.throws(() => policy(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }), rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })), { message: /unique/ });
  });
});
