import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { FakeClock } from '../kit/clock.js';
import { type IncomingSignedRequest, MAX_CLOCK_SKEW_MS, SigV4Verifier } from './sigv4.js';

const KEY = { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'secret/+key' };

/** A request signed by the AWS SDK's signer at `at`, as node:http would hand it to us. */
async function signedRequest(at: Date, body = '{"a":1}', credentials = KEY, region = 'eu-west-1', shape: { path?: string; query?: Record<string, string | string[]>; headers?: Record<string, string> } = {}): Promise<IncomingSignedRequest> {
  const signer = new SignatureV4({ credentials, region, service: 'ecs', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  const request = await signer.sign(new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: shape.path ?? '/', query: shape.query ?? {},
    headers: { host: '127.0.0.1:4566', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'X.Y', ...shape.headers },
    body,
  }), { signingDate: at });
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(shape.query ?? {})) for (const one of [v].flat()) search.append(k, one);
  const url = `${shape.path ?? '/'}${search.size > 0 ? `?${search.toString()}` : ''}`;
  return { method: 'POST', url, headers, body: Buffer.from(body) };
}

describe('SigV4Verifier', () => {
  const now = Date.UTC(2026, 10, 27, 12, 0, 0);
  const verifier = (clock = new FakeClock(now)) => new SigV4Verifier(new Map([[KEY.accessKeyId, KEY.secretAccessKey]]), clock);

  it('accepts what the SDK signer signed and reports the region and service it signed for', async () => {
    assert.deepEqual(await verifier().verify(await signedRequest(new Date(now))), { accessKeyId: KEY.accessKeyId, region: 'eu-west-1', service: 'ecs' });
  });

  it('agrees with the SDK signer on paths, repeated and escaped query parameters and folded header spaces', async () => {
    const req = await signedRequest(new Date(now), '', KEY, 'us-east-1', {
      path: '/service/GraniteServiceVersion20100801/operation/ListMetrics',
      query: { b: '2', a: ['1', '0'], 'sp ace': 'x y/z*' },
      headers: { 'x-amz-meta': '  two   spaces  ', 'smithy-protocol': 'rpc-v2-cbor' },
    });
    assert.equal((await verifier().verify(req)).region, 'us-east-1');
  });

  it('refuses a changed body', async () => {
    const req = await signedRequest(new Date(now));
    await assert.rejects(verifier().verify({ ...req, body: Buffer.from('{"a":2}') }), { code: 'InvalidSignatureException' });
  });

  it('refuses a changed signed header', async () => {
    const req = await signedRequest(new Date(now));
    await assert.rejects(verifier().verify({ ...req, headers: { ...req.headers, 'x-amz-target': 'X.Z' } }), { code: 'InvalidSignatureException' });
  });

  it('refuses a missing or unparseable Authorization header', async () => {
    const req = await signedRequest(new Date(now));
    const { authorization: _dropped, ...unsigned } = req.headers;
    await assert.rejects(verifier().verify({ ...req, headers: unsigned }), { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    await assert.rejects(verifier().verify({ ...req, headers: { ...req.headers, authorization: 'Basic abc' } }), { code: 'IncompleteSignatureException' });
  });

  it('refuses an unknown access key', async () => {
    const req = await signedRequest(new Date(now), '{}', { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' });
    await assert.rejects(verifier().verify(req), { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  });

  it('accepts up to exactly 15 minutes of skew either way and refuses beyond, with AWS\'s texts', async () => {
    const clock = new FakeClock(now);
    const v = verifier(clock);
    const req = await signedRequest(new Date(now));
    clock.advance(MAX_CLOCK_SKEW_MS);
    await v.verify(req);
    clock.advance(1000);
    await assert.rejects(v.verify(req), {
      code: 'InvalidSignatureException',
      message: 'Signature expired: 20261127T120000Z is now earlier than 20261127T120001Z (20261127T121501Z - 15 min.)',
    });
    const early = new FakeClock(now - MAX_CLOCK_SKEW_MS - 1000);
    await assert.rejects(verifier(early).verify(req), {
      code: 'InvalidSignatureException',
      message: 'Signature not yet current: 20261127T120000Z is still later than 20261127T115959Z (20261127T114459Z + 15 min.)',
    });
  });

  it('holds a sent x-amz-content-sha256 to the body received', async () => {
    const req = await signedRequest(new Date(now));
    const forged = { ...req, headers: { ...req.headers, 'x-amz-content-sha256': '0'.repeat(64) } };
    await assert.rejects(verifier().verify(forged), { code: 'InvalidSignatureException' });
  });
});
