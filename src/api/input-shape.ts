import { NormalizedSchema } from '@smithy/core/schema';
import type { $SchemaRef } from '@smithy/types';
import { ServiceError } from '../kit/errors.js';

/**
 * Checks a decoded JSON input against the operation's input shape from the AWS model (the schema
 * the official SDK ships), and returns a copy that holds only modelled members, so that unknown or
 * hostile members never reach a service or the store. Type mismatches are SerializationException,
 * as AWS's JSON services answer; a missing required member gets the service's own error code.
 */
export function conformInput(schemaRef: $SchemaRef, value: unknown, validationErrorCode: string): Record<string, unknown> {
  const conformed = conform(NormalizedSchema.of(schemaRef), value ?? {}, '', validationErrorCode);
  return conformed as Record<string, unknown>;
}

function conform(schema: NormalizedSchema, value: unknown, path: string, errorCode: string): unknown {
  if (value === null) return undefined;
  if (schema.isStructSchema()) return conformStruct(schema, value, path, errorCode);
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) throw mismatch(value, 'a list', path);
    const member = schema.getValueSchema();
    return value.map((item, i) => conform(member, item, `${path}[${i}]`, errorCode));
  }
  if (schema.isMapSchema()) {
    if (!isPlainObject(value)) throw mismatch(value, 'a map', path);
    const member = schema.getValueSchema();
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(value)) out[k] = conform(member, v, `${path}.${k}`, errorCode);
    return out;
  }
  if (schema.isStringSchema()) return expect(typeof value === 'string', value, 'a string', path);
  if (schema.isBooleanSchema()) return expect(typeof value === 'boolean', value, 'a boolean', path);
  if (schema.isNumericSchema()) return expect(typeof value === 'number' && Number.isFinite(value), value, 'a number', path);
  if (schema.isTimestampSchema()) {
    expect(typeof value === 'number' && Number.isFinite(value), value, 'a timestamp (epoch seconds)', path);
    return new Date((value as number) * 1000);
  }
  if (schema.isBlobSchema()) return expect(typeof value === 'string', value, 'a base64 string', path);
  return value;
}

function conformStruct(schema: NormalizedSchema, value: unknown, path: string, errorCode: string) {
  if (!isPlainObject(value)) throw mismatch(value, 'a structure', path);
  const raw = schema.getSchema() as unknown[];
  const requiredCount = typeof raw[6] === 'number' ? raw[6] : 0;
  const out: Record<string, unknown> = {};
  let index = 0;
  for (const [name, member] of schema.structIterator()) {
    const memberPath = path ? `${path}.${name}` : name;
    const given = Object.hasOwn(value, name) ? value[name] : undefined;
    if (given === undefined || given === null) {
      if (index < requiredCount) throw new ServiceError(errorCode, `${memberPath} can not be blank.`);
    } else {
      const conformed = conform(member, given, memberPath, errorCode);
      if (conformed !== undefined) out[name] = conformed;
    }
    index++;
  }
  return out;
}

function expect(ok: boolean, value: unknown, expected: string, path: string): unknown {
  if (!ok) throw mismatch(value, expected, path);
  return value;
}

function mismatch(value: unknown, expected: string, path: string): ServiceError {
  const found = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value === 'object' ? 'structure' : typeof value;
  const where = path ? ` at '${path}'` : '';
  return new ServiceError('SerializationException', `Expected ${expected}${where} but found a ${found}.`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
