import type { ServerResponse } from 'node:http';

/** The error codes of the OCI distribution spec (and Docker's registry API), with their HTTP statuses. */
export const OCI_ERRORS = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
} as const;

export type OciErrorCode = keyof typeof OCI_ERRORS;

/** A registry answer that is an error: `{"errors":[{code,message,detail}]}` with the code's status. */
export class RegistryError extends Error {
  readonly status: number;
  constructor(readonly code: OciErrorCode, message: string, readonly detail: unknown = null, status?: number) {
    super(message);
    this.status = status ?? OCI_ERRORS[code];
  }
}

export const API_VERSION_HEADER = { 'docker-distribution-api-version': 'registry/2.0' };

export function sendRegistryError(res: ServerResponse, error: RegistryError, head: boolean, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify({ errors: [{ code: error.code, message: error.message, detail: error.detail }] });
  res.writeHead(error.status, {
    ...API_VERSION_HEADER,
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': head ? '0' : String(Buffer.byteLength(body)),
  });
  res.end(head ? undefined : body);
}
