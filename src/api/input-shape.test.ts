import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateClusterRequest$, PutAttributesRequest$, RegisterTaskDefinitionRequest$ } from '@aws-sdk/client-ecs';
import { conformInput } from './input-shape.js';

const conform = (schema: Parameters<typeof conformInput>[0], value: unknown) => conformInput(schema, value, 'InvalidParameterException');

describe('conformInput: inputs checked against the AWS model the SDK ships', () => {
  it('keeps modelled members, nested ones too, and drops the rest', () => {
    const out = conform(RegisterTaskDefinitionRequest$, {
      family: 'web',
      bogus: 1,
      containerDefinitions: [{ name: 'a', image: 'b', memory: 64, extra: true, dockerLabels: { k: 'v' }, portMappings: [{ containerPort: 80, what: 1 }] }],
    });
    assert.deepEqual(JSON.parse(JSON.stringify(out)), {
      family: 'web',
      containerDefinitions: [{ name: 'a', image: 'b', memory: 64, portMappings: [{ containerPort: 80 }], dockerLabels: { k: 'v' } }],
    });
  });

  it('treats null members as absent', () => {
    assert.deepEqual(conform(CreateClusterRequest$, { clusterName: null }), {});
  });

  it('names the member whose JSON type is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [{ clusterName: 5 }, /Expected a string at 'clusterName' but found a number/],
      [{ tags: {} }, /Expected a list at 'tags' but found a structure/],
      [{ tags: [{ key: ['k'] }] }, /Expected a string at 'tags\[0\]\.key' but found a list/],
      [[], /Expected a structure but found a list/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => conform(CreateClusterRequest$, input), { code: 'SerializationException', message });
    }
    assert.throws(() => conform(RegisterTaskDefinitionRequest$, { family: 'f', containerDefinitions: [{ essential: 'yes' }] }),
      { code: 'SerializationException', message: /containerDefinitions\[0\]\.essential/ });
    assert.throws(() => conform(RegisterTaskDefinitionRequest$, { family: 'f', containerDefinitions: [{ dockerLabels: { a: 1 } }] }),
      { code: 'SerializationException', message: /containerDefinitions\[0\]\.dockerLabels\.a/ });
  });

  it('refuses a missing required member with the service\'s error, at any depth', () => {
    assert.throws(() => conform(RegisterTaskDefinitionRequest$, { family: 'f' }), { code: 'InvalidParameterException', message: 'containerDefinitions can not be blank.' });
    assert.throws(() => conform(PutAttributesRequest$, { attributes: [{ value: 'v' }] }), { code: 'InvalidParameterException', message: 'attributes[0].name can not be blank.' });
  });
});
