import type { ServiceError } from '../../kit/errors.js';
import type { AwsService, Operation } from '../operation.js';
import type { IncomingSignedRequest } from '../sigv4.js';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The service and operation a request names, as read by the protocol that recognised it. */
export interface Routed {
  service: AwsService | undefined;
  operation: string;
}

/**
 * One AWS wire protocol (awsJson1_1 today; awsJson1_0 and awsQuery slot in beside it): how to tell
 * its requests apart, where they name their operation, how inputs decode and outcomes encode.
 */
export interface WireProtocol {
  /** undefined when the request is not in this protocol. */
  route(req: IncomingSignedRequest, services: readonly AwsService[]): Routed | undefined;
  /** The input as a plain JSON-like value, before it is conformed to the model (query forms need the model to be read). */
  decodeInput(req: IncomingSignedRequest, service: AwsService, operation: Operation): unknown;
  /** `requestId` goes in the body too where the protocol carries it there (awsQuery's ResponseMetadata). */
  encodeOutput(service: AwsService, operation: string, output: unknown, requestId: string): WireResponse;
  encodeError(service: AwsService | undefined, error: ServiceError, requestId: string): WireResponse;
}
