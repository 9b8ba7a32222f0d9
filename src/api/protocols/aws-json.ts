import { ServiceError } from '../../kit/errors.js';
import type { AwsService } from '../operation.js';
import type { IncomingSignedRequest } from '../sigv4.js';
import type { WireProtocol, WireResponse } from './wire-protocol.js';

/**
 * awsJson1_0 / awsJson1_1: `X-Amz-Target: <prefix>.<Operation>`, the input a JSON object, the output
 * a plain JSON object (no wrapper), timestamps as epoch seconds, errors as `{"__type","message"}`.
 * The version follows the service: CloudWatch speaks 1.0, ECS and most others 1.1.
 */
export const awsJson: WireProtocol = {
  route(req, services) {
    const target = req.headers['x-amz-target'];
    if (typeof target !== 'string') return undefined;
    const dot = target.indexOf('.');
    const prefix = dot < 0 ? target : target.slice(0, dot);
    return { service: services.find((s) => s.targetPrefix === prefix), operation: dot < 0 ? '' : target.slice(dot + 1) };
  },

  decodeInput(req: IncomingSignedRequest): unknown {
    if (req.body.length === 0) return {};
    try {
      return JSON.parse(req.body.toString('utf8'));
    } catch {
      throw new ServiceError('SerializationException', 'The request body is not valid JSON.');
    }
  },

  encodeOutput(service, _operation, output): WireResponse {
    return { status: 200, headers: { 'content-type': contentType(service) }, body: JSON.stringify(epochSeconds(output ?? {})) };
  },

  encodeError(service, error): WireResponse {
    return {
      status: error.httpStatus,
      headers: { 'content-type': contentType(service), 'x-amzn-errortype': error.code },
      body: JSON.stringify({ __type: error.code, message: error.message }),
    };
  },
};

const contentType = (service: AwsService | undefined) =>
  `application/x-amz-json-${service?.jsonVersion ?? '1.1'}`;

/**
 * The value with every Date as epoch seconds, copying only the objects on the way to a Date
 * (twice as fast as a JSON.stringify replacer, which takes V8 off its fast path).
 */
function epochSeconds(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const converted = epochSeconds(value[i]);
      if (converted !== value[i]) (out ??= value.slice())[i] = converted;
    }
    return out ?? value;
  }
  if (typeof value === 'object' && value !== null) {
    let out: Record<string, unknown> | undefined;
    for (const [key, member] of Object.entries(value)) {
      if (typeof member !== 'object' || member === null) continue;
      const converted = epochSeconds(member);
      if (converted !== member) (out ??= { ...value })[key] = converted;
    }
    return out ?? value;
  }
  return value;
}
