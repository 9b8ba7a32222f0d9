import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../kit/clock.js';
import { ServiceError } from '../kit/errors.js';

/** The access keys Berth accepts: access key id -> secret access key. */
export type KeyStore = ReadonlyMap<string, string>;

export interface SignedIdentity {
  accessKeyId: string;
  region: string;
  /** The signing name from the credential scope (`ecs`, `monitoring`, ...). */
  service: string;
}

export interface IncomingSignedRequest {
  method: string;
  /** Path and query as sent, e.g. `/` or `/v2/?n=1`. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

/** SigV4's allowed distance between the signer's clock and ours. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AUTH_PATTERN = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;_.-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Verifies an AWS Signature Version 4 `Authorization` header: rebuilds the canonical request over
 * exactly the headers the client signed, signs it with the key derived for the credential scope and
 * compares. Written on node:crypto because this runs on every request (the smithy signer costs ~5×
 * as much); the unit tests hold it to requests signed by the AWS SDK's own signer.
 * Errors carry AWS's codes and texts: MissingAuthenticationTokenException, UnrecognizedClientException,
 * InvalidSignatureException (also for clock skew).
 */
export class SigV4Verifier {
  readonly #keys: KeyStore;
  readonly #clock: Clock;
  /** Signing keys by access key, date, region and service: they change once a day. */
  readonly #signingKeys = new Map<string, Buffer>();

  constructor(keys: KeyStore, clock: Clock) {
    this.#keys = keys;
    this.#clock = clock;
  }

  async verify(req: IncomingSignedRequest): Promise<SignedIdentity> {
    const authorization = header(req.headers, 'authorization');
    if (!authorization) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    const match = AUTH_PATTERN.exec(authorization);
    if (!match) throw new ServiceError('IncompleteSignatureException', 'Authorization header requires \'Credential\', \'SignedHeaders\' and \'Signature\' parameters.');
    const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string, string];
    const secret = this.#keys.get(accessKeyId);
    if (secret === undefined) throw new ServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.');

    const amzDate = header(req.headers, 'x-amz-date');
    const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
    if (!amzDate || !signingDate || !amzDate.startsWith(day)) throw invalidSignature();
    this.#checkSkew(amzDate, signingDate);

    const scope = `${day}/${region}/${service}/aws4_request`;
    const canonical = canonicalRequest(req, signedHeaderList, this.#payloadHash(req));
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const expected = createHmac('sha256', this.#signingKey(accessKeyId, secret, day, region, service)).update(stringToSign).digest('hex');
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) throw invalidSignature();
    return { accessKeyId, region, service };
  }

  #checkSkew(amzDate: string, signingDate: Date): void {
    const now = this.#clock.now();
    const window = `${MAX_CLOCK_SKEW_MS / 60000} min.`;
    if (signingDate.getTime() < now - MAX_CLOCK_SKEW_MS) {
      throw new ServiceError('InvalidSignatureException',
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - ${window})`);
    }
    if (signingDate.getTime() > now + MAX_CLOCK_SKEW_MS) {
      throw new ServiceError('InvalidSignatureException',
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + ${window})`);
    }
  }

  /** The body's hash; a client-sent x-amz-content-sha256 is held to the body actually received. */
  #payloadHash(req: IncomingSignedRequest): string {
    const claimed = header(req.headers, 'x-amz-content-sha256');
    if (claimed === 'UNSIGNED-PAYLOAD' || claimed?.startsWith('STREAMING-')) return claimed;
    const actual = createHash('sha256').update(req.body).digest('hex');
    if (claimed && claimed !== actual) {
      throw new ServiceError('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
    return actual;
  }

  #signingKey(accessKeyId: string, secret: string, day: string, region: string, service: string): Buffer {
    const cacheKey = `${accessKeyId}/${day}/${region}/${service}`;
    let key = this.#signingKeys.get(cacheKey);
    if (!key) {
      if (this.#signingKeys.size > 1000) this.#signingKeys.clear();
      const kDate = createHmac('sha256', `AWS4${secret}`).update(day).digest();
      const kRegion = createHmac('sha256', kDate).update(region).digest();
      const kService = createHmac('sha256', kRegion).update(service).digest();
      key = createHmac('sha256', kService).update('aws4_request').digest();
      this.#signingKeys.set(cacheKey, key);
    }
    return key;
  }
}

/** SigV4's canonical request: method, path, sorted query, the signed headers, their names, payload hash. */
function canonicalRequest(req: IncomingSignedRequest, signedHeaderList: string, payloadHash: string): string {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : canonicalQuery(req.url.slice(q + 1));
  let headers = '';
  for (const name of signedHeaderList.split(';')) {
    headers += `${name}:${(header(req.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`;
  }
  return `${req.method}\n${canonicalPath(path)}\n${query}\n${headers}\n${signedHeaderList}\n${payloadHash}`;
}

/** AWS services other than S3 sign the normalised path, URI-encoded once more. */
function canonicalPath(path: string): string {
  if (/^[A-Za-z0-9/_.~-]*$/.test(path) && !/(^|\/)\.\.?(\/|$)/.test(path)) return path || '/';
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalised = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEscape(normalised).replace(/%2F/g, '/');
}

function canonicalQuery(search: string): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of new URLSearchParams(search)) {
    if (k.toLowerCase() !== 'x-amz-signature') pairs.push([uriEscape(k), uriEscape(v)]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters. */
const uriEscape = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

const invalidSignature = () => new ServiceError('InvalidSignatureException',
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');

function header(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

const formatAmzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
