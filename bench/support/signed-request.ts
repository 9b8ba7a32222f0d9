import { createHash, randomUUID } from 'node:crypto';
import { buildEcsRequest } from '../../test/support/signed-fetch.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  url: string;
  target: string;
  body: string;
  /** Every header to send, with the names wrk uses for Host and Content-Length (so it adds no second copy). */
  headers: Record<string, string>;
}

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';

/**
 * Signs one awsJson1_1 ECS request with the AWS SDK's own SigV4 signer, with the headers
 * @aws-sdk/client-ecs 3.x sends and signs (captured from a real client): amz-sdk-invocation-id;
 * amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;
 * x-amz-user-agent, plus an unsigned user-agent. The result may be replayed while it is within the
 * server's clock-skew window (15 min).
 */
export async function signEcsRequest(url: string, operation: string, input: unknown, credentials: Credentials, region = 'us-east-1'): Promise<SignedRequest> {
  const body = JSON.stringify(input);
  const target = `${TARGET_PREFIX}.${operation}`;
  const signed = await buildEcsRequest(url, operation, body, {
    credentials,
    region,
    extraHeaders: {
      'x-amz-user-agent': 'aws-sdk-js/3.1163.0',
      'user-agent': 'aws-sdk-js/3.1163.0 ua/2.1 lang/js md/nodejs#20 api/ecs#3.1163.0 berth-bench',
      'amz-sdk-invocation-id': randomUUID(),
      'amz-sdk-request': 'attempt=1; max=3',
      'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
    },
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name === 'host') headers.Host = value;
    else if (name === 'content-length') headers['Content-Length'] = value;
    else headers[name] = value;
  }
  return { url, target, body, headers };
}

/** Sends a signed request once and returns the status and parsed JSON body. */
export async function sendSigned(request: SignedRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers = { ...request.headers };
  delete headers.Host; // fetch sets Host itself, to the same value
  delete headers['Content-Length'];
  const res = await fetch(request.url, { method: 'POST', headers, body: request.body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try { json = text ? JSON.parse(text) as Record<string, unknown> : {}; } catch { json = { unparsed: text.slice(0, 200) }; }
  return { status: res.status, json };
}

/** Signs and sends `operation`, failing unless the answer is 200. */
export async function callEcs(url: string, operation: string, input: unknown, credentials: Credentials): Promise<Record<string, unknown>> {
  const { status, json } = await sendSigned(await signEcsRequest(url, operation, input, credentials));
  if (status !== 200) throw new Error(`${operation} on ${url} answered ${status}: ${JSON.stringify(json)}`);
  return json;
}
