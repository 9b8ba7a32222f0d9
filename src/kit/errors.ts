/**
 * An error a client is meant to see: `code` is the AWS error shape name (`ClusterNotFoundException`)
 * and `fault` says whose fault it was, which decides the HTTP status family on the wire.
 * Services throw these; the wire layer encodes them in each protocol's own shape.
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly fault: 'client' | 'server';
  readonly httpStatus: number;

  constructor(code: string, message: string, options: { fault?: 'client' | 'server'; httpStatus?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.fault = options.fault ?? 'client';
    this.httpStatus = options.httpStatus ?? (this.fault === 'client' ? 400 : 500);
  }
}

export const isServiceError = (e: unknown): e is ServiceError => e instanceof ServiceError;
