import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
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
 * Verifies an AWS Signature Version 4 `Authorization` header by signing the request again with the
 * smithy signer (the one the AWS SDKs use), over exactly the headers the client signed, and comparing.
 * Errors carry AWS's codes and texts: MissingAuthenticationTokenException, UnrecognizedClientException,
 * InvalidSignatureException (also for clock skew).
 */
export class SigV4Verifier {
  readonly #keys: KeyStore;
  readonly #clock: Clock;
  readonly #signers = new Map<string, SignatureV4>();

  constructor(keys: KeyStore, clock: Clock) {
    this.#keys = keys;
    this.#clock = clock;
  }

  async verify(req: IncomingSignedRequest): Promise<SignedIdentity> {
    const authorization = header(req.headers, 'authorization');
    if (!authorization) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    const match = AUTH_PATTERN.exec(authorization);
    if (!match) throw new ServiceError('IncompleteSignatureException', 'Authorization header requires \'Credential\', \'SignedHeaders\' and \'Signature\' parameters.');
    const [, accessKeyId, , region, service, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string, string];
    const secret = this.#keys.get(accessKeyId);
    if (secret === undefined) throw new ServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.');

    const amzDate = header(req.headers, 'x-amz-date');
    const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
    if (!amzDate || !signingDate) throw invalidSignature();
    this.#checkSkew(amzDate, signingDate);
    this.#checkPayloadHash(req);

    const signedHeaders = signedHeaderList.split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) headers[name] = header(req.headers, name) ?? '';
    const { pathname, searchParams } = new URL(req.url, 'http://berth');
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(searchParams.keys())) {
      const all = searchParams.getAll(key);
      query[key] = all.length === 1 ? all[0]! : all;
    }
    const signed = await this.#signer(accessKeyId, secret, region, service).sign(
      new HttpRequest({ method: req.method, protocol: 'http:', hostname: headers.host ?? '', path: pathname, query, headers, body: req.body }),
      { signingDate, signableHeaders: new Set(signedHeaders) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
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

  /** The signer trusts a client-sent x-amz-content-sha256, so hold it to the body actually received. */
  #checkPayloadHash(req: IncomingSignedRequest): void {
    const claimed = header(req.headers, 'x-amz-content-sha256');
    if (!claimed || claimed === 'UNSIGNED-PAYLOAD' || claimed.startsWith('STREAMING-')) return;
    if (createHash('sha256').update(req.body).digest('hex') !== claimed) {
      throw new ServiceError('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
  }

  #signer(accessKeyId: string, secretAccessKey: string, region: string, service: string): SignatureV4 {
    const key = `${accessKeyId}\0${region}\0${service}`;
    let signer = this.#signers.get(key);
    if (!signer) {
      signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region, service, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
      this.#signers.set(key, signer);
    }
    return signer;
  }
}

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
