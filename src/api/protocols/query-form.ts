import { NormalizedSchema } from '@smithy/core/schema';
import type { $SchemaRef } from '@smithy/types';
import { ServiceError } from '../../kit/errors.js';

/**
 * awsQuery's request body, read back into the structured input it was flattened from: the form
 * keys are dotted paths (`Tags.member.1.Key`, `Attributes.entry.2.value`, `HealthCheck.Path`),
 * and only the operation's input schema says which segment is a list, a map or a member. Scalars
 * come out as JSON would carry them (timestamps as epoch seconds), so the same conformance step
 * that checks JSON inputs checks these.
 */
export function decodeQueryForm(schemaRef: $SchemaRef, params: URLSearchParams, errorCode: string): Record<string, unknown> {
  const root: FormNode = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    let node = root;
    for (const segment of key.split('.')) node = child(node, segment);
    node.value = value;
  }
  return (read(NormalizedSchema.of(schemaRef), root, '', errorCode) ?? {}) as Record<string, unknown>;
}

interface FormNode {
  value?: string;
  children?: Map<string, FormNode>;
}

function child(node: FormNode, segment: string): FormNode {
  node.children ??= new Map();
  let next = node.children.get(segment);
  if (!next) node.children.set(segment, (next = {}));
  return next;
}

function read(schema: NormalizedSchema, node: FormNode | undefined, path: string, errorCode: string): unknown {
  if (!node) return undefined;
  if (schema.isStructSchema()) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of schema.structIterator()) {
      const key = member.getMergedTraits().xmlName ?? name;
      const value = read(member, node.children?.get(key), path ? `${path}.${name}` : name, errorCode);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (schema.isListSchema()) {
    // `List=` with nothing under it is how clients send an empty list.
    const items = schema.getMergedTraits().xmlFlattened ? node : node.children?.get(schema.getValueSchema().getMergedTraits().xmlName ?? 'member');
    return numbered(items).map(([, item], i) => read(schema.getValueSchema(), item, `${path}[${i}]`, errorCode));
  }
  if (schema.isMapSchema()) {
    const entries = schema.getMergedTraits().xmlFlattened ? node : node.children?.get('entry');
    const out: Record<string, unknown> = Object.create(null);
    for (const [, entry] of numbered(entries)) {
      const key = entry.children?.get(schema.getKeySchema().getMergedTraits().xmlName ?? 'key')?.value;
      if (key === undefined) continue;
      out[key] = read(schema.getValueSchema(), entry.children?.get(schema.getValueSchema().getMergedTraits().xmlName ?? 'value'), `${path}.${key}`, errorCode);
    }
    return out;
  }
  return scalar(schema, node.value, path, errorCode);
}

/** The children named 1, 2, 3…, in numeric order (clients number from 1; gaps are tolerated). */
function numbered(node: FormNode | undefined): [number, FormNode][] {
  if (!node?.children) return [];
  return [...node.children].filter(([k]) => /^[1-9]\d*$/.test(k)).map(([k, v]) => [Number(k), v] as [number, FormNode]).sort((a, b) => a[0] - b[0]);
}

function scalar(schema: NormalizedSchema, value: string | undefined, path: string, errorCode: string): unknown {
  if (value === undefined) return undefined;
  if (schema.isBooleanSchema()) {
    if (value === 'true' || value === 'false') return value === 'true';
    throw invalid(value, path, 'Member must be a boolean', errorCode);
  }
  if (schema.isNumericSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) {
    const n = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(n)) throw invalid(value, path, 'Member must be a number', errorCode);
    return n;
  }
  if (schema.isTimestampSchema()) {
    const ms = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (!Number.isFinite(ms)) throw invalid(value, path, 'Member must be an ISO-8601 timestamp', errorCode);
    return ms / 1000;
  }
  return value;
}

function invalid(value: string, path: string, constraint: string, errorCode: string): ServiceError {
  return new ServiceError(errorCode, `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: ${constraint}`);
}
