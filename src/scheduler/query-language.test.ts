import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../kit/errors.js';
import type { InstanceFacts } from './placement-types.js';
import { evaluateExpression } from './query-evaluation.js';
import { ExpressionSyntaxError, parseExpression } from './query-language.js';
import { parseQueryDate } from './query-values.js';

const facts: InstanceFacts = {
  ec2InstanceId: 'i-0abc',
  agentConnected: true,
  agentVersion: '1.82.1',
  attributes: {
    'ecs.availability-zone': 'us-east-1a',
    'ecs.instance-type': 't2.small',
    stack: 'prod',
    size: '10',
    flag: undefined,
  },
  registeredAt: Date.UTC(2018, 5, 18, 22, 28, 28),
  runningTasksCount: 3,
  taskGroups: ['service:production', 'family:web'],
};

const matches = (text: string) => evaluateExpression(parseExpression(text), facts);

describe('cluster query language: the examples in the ECS developer guide', () => {
  const cases: [string, boolean][] = [
    ['attribute:ecs.instance-type == t2.small', true],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', true],
    ['attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d', false],
    ['task:group == service:production', true],
    ['not(task:group == database)', true],
    ["ec2InstanceId in ['i-0abc', 'i-0def']", true],
    ['runningTasksCount > 1', true],
    ['registeredAt < 2018-06-19', true],
  ];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => assert.equal(matches(text), expected));
});

describe('cluster query language: operators and their word spellings', () => {
  const cases: [string, boolean][] = [
    ['attribute:stack equals prod', true],
    ['attribute:stack != prod', false],
    ['attribute:stack not_equals dev', true],
    ['attribute:ecs.availability-zone not_in [us-east-1a, us-east-1b]', false],
    ['attribute:ecs.availability-zone !in [us-east-1c]', true],
    ['attribute:ecs.instance-type =~ t2.*', true],
    ['attribute:ecs.instance-type =~ t2', false], // whole-value match, as Java's matches()
    ['attribute:ecs.instance-type matches t2\\.(small|micro)', true],
    ['attribute:ecs.instance-type !~ t2.*', false],
    ['attribute:ecs.instance-type not_matches m5.*', true],
    ['attribute:flag exists', true],
    ['attribute:flag == x', false], // present without a value: exists, equals nothing
    ['attribute:missing !exists', true],
    ['attribute:missing not_exists', true],
    ['attribute:missing != x', true],
    ['attribute:missing == x', false],
    ['attribute:size > 9', true], // numbers compare as numbers ("10" > "9")
    ['attribute:size less_than_equal 10', true],
    ['attribute:stack > pra', true], // other strings compare by code units
    ['runningTasksCount < 4', true],
    ['runningTasksCount greater_than_equal 3', true],
    ['runningTasksCount greater_than 3', false],
    ['registeredAt >= 2018-06-18T22:28:28Z', true],
    ['registeredAt == 2018-06-18T23:28:28+01:00', true],
    ['registeredAt > 2018-06-18T22:28:28', false],
    ['agentVersion >= 1.9.0', true], // versions compare by component: 1.82 > 1.9
    ['agentVersion < 1.9', false],
    ['agentConnected == true', true],
    ['agentConnected != true', false],
    ['ec2InstanceId == i-0abc', true],
    ['task:group != service:production', false], // "no task of that group here"
    ['task:group =~ family:.*', true],
    ['task:group exists', true],
  ];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => assert.equal(matches(text), expected));
});

describe('cluster query language: compounds and precedence (not > and > or)', () => {
  const cases: [string, boolean][] = [
    ['attribute:stack == prod or attribute:stack == dev and runningTasksCount > 5', true],
    ['(attribute:stack == prod or attribute:stack == dev) and runningTasksCount > 5', false],
    ['not attribute:stack == prod or attribute:stack == prod', true],
    ['not (attribute:stack == prod or attribute:stack == prod)', false],
    ['!(task:group == database)', true],
    ['!attribute:stack == prod', false],
    ['attribute:stack == prod && runningTasksCount == 3', true],
    ['attribute:stack == dev || runningTasksCount == 3', true],
    ['attribute:stack == prod AND runningTasksCount == 3', true],
    ['attribute:stack==prod&&runningTasksCount<4', true],
    ['((attribute:stack == prod))', true],
    ['not(not(attribute:stack == prod))', true],
  ];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => assert.equal(matches(text), expected));
});

describe('cluster query language: malformed expressions are InvalidParameterException', () => {
  const cases: [string, RegExp][] = [
    ['', /expected a subject/],
    ['attribute:stack', /expected an operator/],
    ['attribute:stack ==', /expected a value/],
    ['foo == bar', /unknown subject/],
    ['attribute: == x', /unknown subject/],
    ['attribute:stack == prod and', /expected a subject/],
    ['(attribute:stack == prod', /missing '\)'/],
    ['attribute:stack == prod)', /unexpected '\)'/],
    ['attribute:stack in [a, b', /expected ',' or '\]'/],
    ['attribute:stack in a', /expected '\['/],
    ["attribute:stack == 'prod", /unterminated string/],
    ['runningTasksCount > many', /'many' is not a number/],
    ['registeredAt < yesterday', /'yesterday' is not a date/],
    ['registeredAt < 2018-02-30', /is not a date/],
    ['registeredAt =~ 2018.*', /cannot be matched against a pattern/],
    ['agentConnected == yes', /'yes' is not true or false/],
    ['agentConnected > true', /does not apply to agentConnected/],
    ['attribute:x =~ (', /invalid pattern/],
    ['attribute:stack == prod prod', /unexpected 'prod'/],
    ['attribute:stack ~= prod', /expected an operator/],
  ];
  for (const [text, message] of cases) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseExpression(text), (e: unknown) => {
        assert.ok(e instanceof ExpressionSyntaxError && e instanceof ServiceError, `${String(e)} is not an ExpressionSyntaxError`);
        assert.equal(e.code, 'InvalidParameterException');
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

describe('registeredAt arguments: the date forms ECS documents', () => {
  const cases: [string, number | undefined][] = [
    ['2018-06-18T22:28:28+00:00', Date.UTC(2018, 5, 18, 22, 28, 28)],
    ['2018-06-18T22:28:28Z', Date.UTC(2018, 5, 18, 22, 28, 28)],
    ['2018-06-18T22:28:28', Date.UTC(2018, 5, 18, 22, 28, 28)],
    ['2018-06-18', Date.UTC(2018, 5, 18)],
    ['2018-06-18T22:28:28.250-05:30', Date.parse('2018-06-18T22:28:28.250-05:30')],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['1969-12-31T23:59:59Z', -1000],
    ['2023-02-29', undefined],
    ['2018-13-01', undefined],
    ['2018-06-18T24:00:00Z', undefined],
    ['18-06-2018', undefined],
  ];
  for (const [text, expected] of cases) it(`${text} → ${expected}`, () => assert.equal(parseQueryDate(text), expected));
});
