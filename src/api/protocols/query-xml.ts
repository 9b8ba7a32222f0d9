import { NormalizedSchema } from '@smithy/core/schema';
import type { $SchemaRef } from '@smithy/types';

/**
 * awsQuery's response body: the output written as XML by its schema. Members in model order,
 * lists as `<member>` elements (or repeated, when flattened), maps as `<entry><key/><value/>`,
 * timestamps ISO-8601, blobs base64. Absent members are left out, as AWS does.
 */
export function membersXml(schemaRef: $SchemaRef, value: unknown): string {
  const schema = NormalizedSchema.of(schemaRef);
  if (!schema.isStructSchema() || !isObject(value)) return '';
  let out = '';
  for (const [name, member] of schema.structIterator()) out += element(member, member.getMergedTraits().xmlName ?? name, value[name]);
  return out;
}

function element(schema: NormalizedSchema, name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return '';
    const member = schema.getValueSchema();
    if (schema.getMergedTraits().xmlFlattened) return value.map((item) => element(member, name, item)).join('');
    const memberName = member.getMergedTraits().xmlName ?? 'member';
    return `<${name}>${value.map((item) => element(member, memberName, item)).join('')}</${name}>`;
  }
  if (schema.isMapSchema()) {
    if (!isObject(value)) return '';
    const keyName = schema.getKeySchema().getMergedTraits().xmlName ?? 'key';
    const valueName = schema.getValueSchema().getMergedTraits().xmlName ?? 'value';
    const entries = Object.entries(value).map(([k, v]) =>
      `<${keyName}>${escapeXml(k)}</${keyName}>${element(schema.getValueSchema(), valueName, v)}`);
    return schema.getMergedTraits().xmlFlattened
      ? entries.map((e) => `<${name}>${e}</${name}>`).join('')
      : `<${name}>${entries.map((e) => `<entry>${e}</entry>`).join('')}</${name}>`;
  }
  if (schema.isStructSchema()) return `<${name}>${membersXml(schema, value)}</${name}>`;
  return `<${name}>${escapeXml(scalarText(schema, value))}</${name}>`;
}

function scalarText(schema: NormalizedSchema, value: unknown): string {
  if (schema.isTimestampSchema()) {
    const date = value instanceof Date ? value : new Date(typeof value === 'number' ? value * 1000 : String(value));
    return date.toISOString();
  }
  if (schema.isBlobSchema() && value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
