import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RawResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export interface RawRequestOptions {
  target?: string;
  body?: string | Buffer;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  signingDate?: Date;
  region?: string;
  /** Headers changed after signing (to forge a request). */
  tamper?: Record<string, string>;
}

/**
 * An awsJson1_1 ECS request to `url`, signed with the AWS SDK's own SigV4 signer when credentials
 * are given; `extraHeaders` are sent (and signed) too.
 */
export async function buildEcsRequest(url: string, target: string, body: string, options: {
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  region?: string | undefined;
  signingDate?: Date | undefined;
  extraHeaders?: Record<string, string>;
}): Promise<HttpRequest> {
  const { hostname, port } = new URL(url);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: {
      host: `${hostname}:${port}`,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${target}`,
      'content-length': String(Buffer.byteLength(body)),
      ...options.extraHeaders,
    },
    body,
  });
  if (!options.credentials) return request;
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region ?? 'us-east-1', service: 'ecs', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  return (await signer.sign(request, { signingDate: options.signingDate ?? new Date() })) as HttpRequest;
}

/**
 * Sends one ECS request the way an SDK would, signed with the AWS SDK's own SigV4 signer, but with
 * every part under the test's control (body, date, key), to reach the error paths SDKs avoid.
 */
export async function rawEcsRequest(url: string, options: RawRequestOptions): Promise<RawResponse> {
  const body = options.body ?? '{}';
  const request = await buildEcsRequest(url, options.target ?? 'ListClusters', typeof body === 'string' ? body : body.toString('latin1'), options);
  const headers = { ...request.headers, ...options.tamper };
  delete headers['content-length'];
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) as Record<string, unknown> : {} };
}
