import type { AwsService } from '../operation.js';
import type { IncomingSignedRequest } from '../sigv4.js';
import { decodeQueryForm } from './query-form.js';
import { escapeXml, membersXml } from './query-xml.js';
import type { WireProtocol, WireResponse } from './wire-protocol.js';

/**
 * awsQuery (ELBv2; CloudWatch for older clients): `POST /` with a form body naming `Action` and
 * `Version`, the Version telling the services apart; XML out, wrapped in `<Op>Response` and
 * `<Op>Result`; errors as `<ErrorResponse>` carrying the shape's awsQueryError code, not its name.
 * Generic: everything service-specific comes from the service's schemas and QuerySettings.
 */
export const awsQuery: WireProtocol = {
  route(req, services) {
    const type = req.headers['content-type'];
    if (typeof type !== 'string' || !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
    const form = formOf(req);
    const version = form.get('Version');
    const service = services.find((s) => s.query?.version === version);
    if (!service) return undefined;
    return { service, operation: form.get('Action') ?? '' };
  },

  decodeInput(req, service, operation) {
    return decodeQueryForm(operation.schema[4], formOf(req), service.validationErrorCode);
  },

  encodeOutput(service, operation, output, requestId): WireResponse {
    const schema = service.operations.get(operation)!.schema[5];
    const body = `<${operation}Response xmlns="${namespace(service)}"><${operation}Result>${membersXml(schema, output)}</${operation}Result>`
      + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  },

  encodeError(service, error, requestId): WireResponse {
    const modelled = service?.query?.errorCodes.get(error.code);
    const generic = GENERIC_ERRORS[error.code];
    const code = modelled?.code ?? generic?.code ?? error.code;
    const status = modelled?.httpStatus ?? generic?.httpStatus ?? error.httpStatus;
    const type = error.fault === 'server' ? 'Receiver' : 'Sender';
    const body = `<ErrorResponse xmlns="${namespace(service)}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>`
      + `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status, headers: { 'content-type': 'text/xml' }, body };
  },
};

/** Errors raised above any one service, in the codes query services give them. */
const GENERIC_ERRORS: Record<string, { code: string; httpStatus: number }> = {
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', httpStatus: 403 },
  UnrecognizedClientException: { code: 'InvalidClientTokenId', httpStatus: 403 },
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', httpStatus: 403 },
  UnknownOperationException: { code: 'InvalidAction', httpStatus: 400 },
  ServerException: { code: 'InternalFailure', httpStatus: 500 },
};

const namespace = (service: AwsService | undefined) => service?.query?.xmlNamespace ?? '';

/** The parsed form, read once per request (routing and decoding both need it). */
const forms = new WeakMap<IncomingSignedRequest, URLSearchParams>();
function formOf(req: IncomingSignedRequest): URLSearchParams {
  let form = forms.get(req);
  if (!form) forms.set(req, (form = new URLSearchParams(req.body.toString('utf8'))));
  return form;
}

/**
 * The awsQueryError codes of an SDK client package's error schemas (`X$` exports tagged -3), so a
 * service thrown as its shape name reaches the wire with the code clients map back to that shape.
 */
export function queryErrorCodes(sdkExports: Record<string, unknown>): Map<string, { code: string; httpStatus: number }> {
  const codes = new Map<string, { code: string; httpStatus: number }>();
  for (const [name, value] of Object.entries(sdkExports)) {
    if (!name.endsWith('$') || !Array.isArray(value) || value[0] !== -3) continue;
    const traits = value[3] as { awsQueryError?: [string, number]; httpError?: number } | undefined;
    if (typeof traits !== 'object' || !traits?.awsQueryError) continue;
    codes.set(String(value[2]), { code: traits.awsQueryError[0], httpStatus: traits.awsQueryError[1] ?? traits.httpError ?? 400 });
  }
  return codes;
}
