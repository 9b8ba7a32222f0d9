import { ServiceError } from '../../kit/errors.js';

/**
 * The awsJson1_0 / awsJson1_1 protocols: the input is a JSON object, the output a plain JSON object
 * (no wrapper), timestamps travel as epoch seconds, errors as `{"__type","message"}`.
 */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function decodeJsonInput(body: Buffer): unknown {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON.');
  }
  return parsed;
}

export function encodeJsonOutput(version: '1.0' | '1.1', output: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': `application/x-amz-json-${version}` },
    body: JSON.stringify(output ?? {}, epochSeconds),
  };
}

export function encodeJsonError(version: '1.0' | '1.1', error: ServiceError): WireResponse {
  return {
    status: error.httpStatus,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

/** JSON.stringify replacer: Dates become epoch seconds (Date.toJSON has already run, so look at the holder). */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}
