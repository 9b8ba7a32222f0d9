import type { Clock } from '../kit/clock.js';
import { isServiceError, ServiceError } from '../kit/errors.js';
import type { IdGen } from '../kit/id-gen.js';
import { conformInput } from './input-shape.js';
import type { AwsService } from './operation.js';
import { decodeJsonInput, encodeJsonError, encodeJsonOutput, type WireResponse } from './protocols/aws-json.js';
import type { IncomingSignedRequest, SigV4Verifier } from './sigv4.js';

export interface DispatcherOptions {
  services: readonly AwsService[];
  verifier: SigV4Verifier;
  accountId: string;
  idGen: IdGen;
  clock: Clock;
  onServerError(error: unknown, requestId: string): void;
}

/**
 * Routes an AWS API request to its service and operation (DESIGN.md: by X-Amz-Target for the JSON
 * protocols), verifies its signature, conforms its input to the model and encodes the outcome in the
 * protocol's own shapes. Everything AWS-wire lives here; services see plain inputs and a Scope.
 */
export class AwsDispatcher {
  readonly #byTargetPrefix: Map<string, AwsService>;
  readonly #options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.#byTargetPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));
  }

  /** True when the request names one of our JSON services (so the HTTP layer hands it here). */
  accepts(headers: IncomingSignedRequest['headers']): boolean {
    return typeof headers['x-amz-target'] === 'string';
  }

  async dispatch(req: IncomingSignedRequest): Promise<WireResponse> {
    const requestId = this.#options.idGen.uuid();
    const target = String(req.headers['x-amz-target']);
    const dot = target.indexOf('.');
    const service = this.#byTargetPrefix.get(target.slice(0, dot));
    const version = service?.protocol === 'awsJson1_0' ? '1.0' : '1.1';
    const respond = (res: WireResponse) => ({ ...res, headers: { ...res.headers, 'x-amzn-requestid': requestId } });
    try {
      const operation = dot > 0 ? service?.operations.get(target.slice(dot + 1)) : undefined;
      if (!service || !operation) throw new ServiceError('UnknownOperationException', `Unknown operation ${target}`);
      const identity = await this.#options.verifier.verify(req);
      const input = conformInput(operation.schema[4], decodeJsonInput(req.body), service.validationErrorCode);
      const ctx = {
        scope: { region: identity.region, accountId: this.#options.accountId },
        requestId,
        principalArn: `arn:aws:iam::${this.#options.accountId}:root`,
      };
      return respond(encodeJsonOutput(version, await operation.handle(input as never, ctx)));
    } catch (error) {
      if (isServiceError(error)) return respond(encodeJsonError(version, error));
      this.#options.onServerError(error, requestId);
      return respond(encodeJsonError(version, new ServiceError('ServerException', 'An internal error occurred.', { fault: 'server' })));
    }
  }
}
