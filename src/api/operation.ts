import type { StaticOperationSchema } from '@smithy/types';
import type { Scope } from '../domain/arn.js';

/** What a handler knows about the request besides its input. */
export interface RequestContext {
  readonly scope: Scope;
  readonly requestId: string;
  /** The signing principal, e.g. `arn:aws:iam::000000000000:root`. */
  readonly principalArn: string;
}

/** One AWS operation: its model schema (from the official SDK package) and its thin handler. */
export interface Operation {
  readonly schema: StaticOperationSchema;
  handle(input: never, ctx: RequestContext): Promise<unknown>;
}

export type Handler<I, O> = (input: I, ctx: RequestContext) => Promise<O>;

/** Pairs an SDK operation schema with a handler typed by the SDK's input and output shapes. */
export const operation = <I, O>(schema: StaticOperationSchema, handle: Handler<I, O>): Operation => ({
  schema,
  handle: handle as Operation['handle'],
});

/** An AWS service as the wire sees it: how requests name it and what it can do. */
export interface AwsService {
  /** SigV4 signing name, e.g. `ecs`. */
  readonly signingName: string;
  /** X-Amz-Target prefix, for services spoken in awsJson. */
  readonly targetPrefix?: string;
  /** awsJson version: `1.1` (ECS, ECR, Logs…) or `1.0` (CloudWatch). */
  readonly jsonVersion?: '1.0' | '1.1';
  readonly operations: ReadonlyMap<string, Operation>;
  /** The error a missing required member gets, e.g. ECS's InvalidParameterException. */
  readonly validationErrorCode: string;
  /** For services spoken in awsQuery (ELBv2, CloudWatch's older clients). */
  readonly query?: QuerySettings;
}

/** What awsQuery needs to know of a service: how its forms name it, its XML namespace, its error codes. */
export interface QuerySettings {
  /** The form's `Version`, e.g. `2015-12-01`. */
  readonly version: string;
  readonly xmlNamespace: string;
  /** Error shape name (`LoadBalancerNotFoundException`) to the code and status on the wire (`LoadBalancerNotFound`, 400). */
  readonly errorCodes: ReadonlyMap<string, { code: string; httpStatus: number }>;
}
