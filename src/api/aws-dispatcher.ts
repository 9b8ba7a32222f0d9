import { isServiceError, ServiceError } from '../kit/errors.js';
import type { IdGen } from '../kit/id-gen.js';
import { conformInput } from './input-shape.js';
import type { AwsService, RequestContext } from './operation.js';
import type { Routed, WireProtocol, WireResponse } from './protocols/wire-protocol.js';
import type { IncomingSignedRequest, SigV4Verifier } from './sigv4.js';

export interface DispatcherOptions {
  services: readonly AwsService[];
  protocols: readonly WireProtocol[];
  verifier: SigV4Verifier;
  accountId: string;
  idGen: IdGen;
  onServerError(error: unknown, requestId: string): void;
}

export interface Routing {
  protocol: WireProtocol;
  routed: Routed;
}

/**
 * Runs one AWS API request: the first protocol that recognises it routes it to a service and an
 * operation; the signature is verified, the input conformed to the model, the handler called, and
 * the outcome encoded in that protocol's shapes. Everything AWS-wire lives in api/; services see
 * plain inputs and a Scope.
 */
export class AwsDispatcher {
  constructor(private readonly options: DispatcherOptions) {}

  /** The first protocol that recognises this request, with where it routes (so the HTTP layer hands it here). */
  route(req: IncomingSignedRequest): Routing | undefined {
    for (const protocol of this.options.protocols) {
      const routed = protocol.route(req, this.options.services);
      if (routed) return { protocol, routed };
    }
    return undefined;
  }

  async dispatch({ protocol, routed }: Routing, req: IncomingSignedRequest): Promise<WireResponse> {
    const requestId = this.options.idGen.uuid();
    const service = routed.service;
    let response: WireResponse;
    try {
      const operation = service?.operations.get(routed.operation);
      if (!service || !operation) throw new ServiceError('UnknownOperationException', `Unknown operation ${routed.operation}`);
      const identity = await this.options.verifier.verify(req);
      const input = conformInput(operation.schema[4], protocol.decodeInput(req, service, operation), service.validationErrorCode);
      const ctx: RequestContext = {
        scope: { region: identity.region, accountId: this.options.accountId },
        requestId,
        principalArn: `arn:aws:iam::${this.options.accountId}:root`,
      };
      response = protocol.encodeOutput(service, routed.operation, await operation.handle(input as never, ctx), requestId);
    } catch (error) {
      if (!isServiceError(error)) this.options.onServerError(error, requestId);
      const wireError = isServiceError(error) ? error : new ServiceError('ServerException', 'An internal error occurred.', { fault: 'server' });
      response = protocol.encodeError(service, wireError, requestId);
    }
    response.headers['x-amzn-requestid'] = requestId;
    return response;
  }
}
