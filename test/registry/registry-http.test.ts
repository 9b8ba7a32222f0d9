import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/kit/clock.js';
import { RegistryTokens } from '../../src/services/ecr/registry-token.js';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { eventually } from '../support/eventually.js';
import { cutOffRequest, rawRequest } from './raw-http.js';
import { createRepository, RawRegistry, registryAuth, sha256 } from './registry-support.js';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('the registry on /v2/, over raw HTTP', () => {
  let berth: BerthProcess;
  let auth: string;
  let registry: RawRegistry;
  const blobFile = (digest: string) => join(berth.dataDir, 'registry', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const uploadFiles = () => readdirSync(join(berth.dataDir, 'registry', 'uploads'));
  const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string) =>
    rawRequest(berth.url, method, path, { authorization: auth, ...headers }, body);
  const code = (reply: { body: string }) => (JSON.parse(reply.body) as { errors: { code: string }[] }).errors[0]!.code;

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    auth = await registryAuth(berth);
    registry = new RawRegistry(berth.url, auth);
    for (const name of ['http', 'other', 'team/app']) await createRepository(berth, name);
  });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('asks for Basic credentials, and refuses wrong, foreign and expired ones', async () => {
    const none = await rawRequest(berth.url, 'GET', '/v2/');
    assert.equal(none.status, 401);
    assert.match(String(none.headers['www-authenticate']), /^Basic realm="http:\/\/127\.0\.0\.1:\d+\/"/);
    assert.equal(code(none), 'UNAUTHORIZED');
    const [, token] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    assert.equal((await rawRequest(berth.url, 'GET', '/v2/', basic('AWS', `${token}x`))).status, 401);
    assert.equal((await rawRequest(berth.url, 'GET', '/v2/', basic('root', token!))).status, 401);
    assert.equal((await rawRequest(berth.url, 'GET', '/v2/http/tags/list', basic('AWS', 'forged.token'))).status, 401);
    const stale = new RegistryTokens(berth.accessKeyId, () => berth.secretAccessKey, new FakeClock(Date.now() - 13 * 3600_000), () => '').issue('us-east-1', berth.accessKeyId);
    const expired = await rawRequest(berth.url, 'GET', '/v2/', basic('AWS', stale.password));
    assert.equal(expired.status, 403);
    assert.equal(code(expired), 'DENIED');
    assert.equal((await rawRequest(berth.url, 'GET', '/v2/', basic('AWS', token!))).status, 200);
  });

  it('refuses hostile repository names as NAME_INVALID before anything else', async () => {
    for (const path of ['/v2/../etc/blobs/uploads/', '/v2/a/../../b/tags/list', '/v2//abs/tags/list', '/v2/%2e%2e/x/tags/list', '/v2/UPPER/manifests/latest', '/v2/a%2fb/tags/list', '/v2/-x/tags/list']) {
      const reply = await raw(path.includes('uploads') ? 'POST' : 'GET', path);
      assert.equal(reply.status, 400, path);
      assert.equal(code(reply), 'NAME_INVALID', path);
    }
  });

  it('answers NAME_UNKNOWN for repositories CreateRepository never made (no create on push)', async () => {
    const reply = await raw('POST', '/v2/never/made/blobs/uploads/');
    assert.equal(reply.status, 404);
    assert.equal(code(reply), 'NAME_UNKNOWN');
    assert.match(reply.body, /The repository with name 'never\/made' does not exist in the registry with id '000000000000'/);
  });

  it('uploads a blob in chunks with Location, Range and Docker-Upload-UUID, and serves ranges of it', async () => {
    const start = await raw('POST', '/v2/team/app/blobs/uploads/');
    assert.equal(start.status, 202);
    const id = String(start.headers['docker-upload-uuid']);
    const location = String(start.headers.location);
    assert.equal(location, `/v2/team/app/blobs/uploads/${id}`);
    assert.equal(start.headers.range, '0-0');
    const data = Buffer.from('0123456789abcdefghij');
    const first = await raw('PATCH', location, { 'content-type': 'application/octet-stream', 'content-range': '0-9' }, data.subarray(0, 10));
    assert.equal(first.status, 202);
    assert.equal(first.headers.range, '0-9');
    const wrongOffset = await raw('PATCH', location, { 'content-range': '5-9' }, data.subarray(5, 10));
    assert.equal(wrongOffset.status, 416);
    const status = await raw('GET', location);
    assert.equal(status.status, 204);
    assert.equal(status.headers.range, '0-9');
    const digest = sha256(data);
    const done = await raw('PUT', `${location}?digest=${digest}`, { 'content-type': 'application/octet-stream' }, data.subarray(10));
    assert.equal(done.status, 201);
    assert.equal(done.headers['docker-content-digest'], digest);
    assert.equal(done.headers.location, `/v2/team/app/blobs/${digest}`);
    assert.equal((await raw('GET', location)).status, 404);

    const whole = await raw('GET', `/v2/team/app/blobs/${digest}`);
    assert.equal(whole.body, data.toString());
    const head = await raw('HEAD', `/v2/team/app/blobs/${digest}`);
    assert.equal(head.headers['content-length'], '20');
    assert.equal(head.headers['docker-content-digest'], digest);
    const part = await raw('GET', `/v2/team/app/blobs/${digest}`, { range: 'bytes=5-9' });
    assert.equal(part.status, 206);
    assert.equal(part.body, '56789');
    assert.equal(part.headers['content-range'], 'bytes 5-9/20');
    assert.equal((await raw('GET', `/v2/team/app/blobs/${digest}`, { range: 'bytes=-3' })).body, 'hij');
    const beyond = await raw('GET', `/v2/team/app/blobs/${digest}`, { range: 'bytes=20-' });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers['content-range'], 'bytes */20');
  });

  it('keeps nothing of an upload whose digest does not match', async () => {
    const data = Buffer.from('real content');
    const claimed = sha256('something else');
    const reply = await raw('POST', `/v2/http/blobs/uploads/?digest=${claimed}`, { 'content-type': 'application/octet-stream' }, data);
    assert.equal(reply.status, 400);
    assert.equal(code(reply), 'DIGEST_INVALID');
    assert.equal(existsSync(blobFile(claimed)), false);
    assert.equal(existsSync(blobFile(sha256(data))), false);
    assert.deepEqual(uploadFiles(), []);
    assert.equal((await raw('HEAD', `/v2/http/blobs/${claimed}`)).status, 404);
    const chunked = await raw('POST', '/v2/http/blobs/uploads/');
    const location = String(chunked.headers.location);
    await raw('PATCH', location, {}, data);
    const put = await raw('PUT', `${location}?digest=${claimed}`);
    assert.equal(code(put), 'DIGEST_INVALID');
    assert.deepEqual(uploadFiles(), []);
    assert.equal(code(await raw('PUT', `${location}?digest=${sha256(data)}`)), 'BLOB_UPLOAD_UNKNOWN');
  });

  it('resumes a chunked upload cut off midway from where the last whole chunk ended', async () => {
    const data = Buffer.alloc(256 * 1024, 7);
    data.write('head');
    data.write('tail', data.length - 4);
    const start = await raw('POST', '/v2/http/blobs/uploads/');
    const location = String(start.headers.location);
    assert.equal((await raw('PATCH', location, {}, data.subarray(0, 100_000))).headers.range, '0-99999');
    await cutOffRequest(berth.url, 'PATCH', location, { authorization: auth }, data.subarray(100_000, 150_000), 156_144);
    await eventually(async () => {
      const status = await raw('GET', location);
      assert.equal(status.headers.range, '0-99999');
    });
    const rest = await raw('PATCH', location, { 'content-range': `100000-${data.length - 1}` }, data.subarray(100_000));
    assert.equal(rest.headers.range, `0-${data.length - 1}`);
    const digest = sha256(data);
    assert.equal((await raw('PUT', `${location}?digest=${digest}`)).status, 201);
    const back = await registry.fetch(`/v2/http/blobs/${digest}`);
    assert.ok(Buffer.from(await back.arrayBuffer()).equals(data));
  });

  it('reports unknown blobs, uploads and digests with their codes; blobs cannot be deleted', async () => {
    const unknown = sha256('never pushed');
    assert.equal(code(await raw('GET', `/v2/http/blobs/${unknown}`)), 'BLOB_UNKNOWN');
    const headUnknown = await raw('HEAD', `/v2/http/blobs/${unknown}`);
    assert.equal(headUnknown.status, 404);
    assert.equal(headUnknown.body, '');
    assert.equal(code(await raw('GET', '/v2/http/blobs/sha256:nothex')), 'DIGEST_INVALID');
    assert.equal(code(await raw('GET', '/v2/http/blobs/uploads/00000000-0000-0000-0000-000000000000')), 'BLOB_UPLOAD_UNKNOWN');
    assert.equal(code(await raw('PATCH', '/v2/http/blobs/uploads/../../x', {}, 'x')), 'NAME_INVALID');
    const other = await raw('POST', '/v2/other/blobs/uploads/');
    const elsewhere = String(other.headers.location).replace('/v2/other/', '/v2/http/');
    assert.equal(code(await raw('GET', elsewhere)), 'BLOB_UPLOAD_UNKNOWN');
    assert.equal((await raw('DELETE', String(other.headers.location))).status, 204);
    assert.equal((await raw('GET', String(other.headers.location))).status, 404);
    const digest = await registry.pushBlob('http', 'keep me');
    const del = await raw('DELETE', `/v2/http/blobs/${digest}`);
    assert.equal(del.status, 405);
    assert.equal(code(del), 'UNSUPPORTED');
  });

  it('mounts a blob from another repository, stored once on disk', async () => {
    const digest = await registry.pushBlob('http', 'shared layer');
    assert.equal((await raw('HEAD', `/v2/other/blobs/${digest}`)).status, 404);
    const mounted = await raw('POST', `/v2/other/blobs/uploads/?mount=${digest}&from=http`);
    assert.equal(mounted.status, 201);
    assert.equal(mounted.headers['docker-content-digest'], digest);
    assert.equal((await raw('HEAD', `/v2/other/blobs/${digest}`)).status, 200);
    // Pushing the same bytes to a third repository reuses the file.
    await registry.pushBlob('team/app', 'shared layer');
    assert.deepEqual(readdirSync(join(blobFile(digest), '..')).filter((f) => f === digest.slice(7)), [digest.slice(7)]);
    const notThere = await raw('POST', `/v2/other/blobs/uploads/?mount=${sha256('absent')}&from=http`);
    assert.equal(notThere.status, 202);
    await raw('DELETE', String(notThere.headers.location));
  });

  it('checks manifests: JSON, referenced blobs, digests and tags', async () => {
    const config = await registry.pushBlob('http', '{"os":"linux"}');
    const good = JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 14 }, layers: [] });
    const put = async (ref: string, body: string, type = MANIFEST) => raw('PUT', `/v2/http/manifests/${ref}`, { 'content-type': type }, body);
    assert.equal(code(await put('v1', '{not json')), 'MANIFEST_INVALID');
    assert.equal(code(await put('v1', JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: { digest: sha256('x'), size: 1 }, layers: [] }))), 'MANIFEST_BLOB_UNKNOWN');
    assert.equal(code(await put(sha256('different'), good)), 'DIGEST_INVALID');
    assert.equal(code(await put('.hidden', good)), 'TAG_INVALID');
    assert.equal(code(await put('sha256:short', good)), 'DIGEST_INVALID');
    assert.equal(code(await put('v1', good, 'application/vnd.unknown+json')), 'MANIFEST_INVALID');
    const ok = await put('v1', good);
    assert.equal(ok.status, 201);
    const digest = sha256(good);
    assert.equal(ok.headers['docker-content-digest'], digest);
    assert.equal((await put(digest, good)).status, 201);
    const head = await raw('HEAD', '/v2/http/manifests/v1');
    assert.deepEqual([head.status, head.headers['content-type'], head.headers['docker-content-digest'], head.headers['content-length']], [200, MANIFEST, digest, String(good.length)]);
    assert.equal((await raw('GET', `/v2/http/manifests/${digest}`)).body, good);
    assert.equal(code(await raw('GET', '/v2/http/manifests/nope')), 'MANIFEST_UNKNOWN');
    assert.equal((await raw('DELETE', '/v2/http/manifests/v1')).status, 202);
    assert.equal(code(await raw('GET', `/v2/http/manifests/${digest}`)), 'MANIFEST_UNKNOWN');
    assert.equal(code(await raw('DELETE', '/v2/http/manifests/v1')), 'MANIFEST_UNKNOWN');
  });

  it('lists tags and the catalog page by page with n and last', async () => {
    for (const tag of ['c', 'a', 'b']) await registry.pushImage('other', tag, `tag-${tag}`);
    const first = await raw('GET', '/v2/other/tags/list?n=2');
    assert.deepEqual(JSON.parse(first.body), { name: 'other', tags: ['a', 'b'] });
    assert.equal(first.headers.link, '</v2/other/tags/list?n=2&last=b>; rel="next"');
    const second = await raw('GET', '/v2/other/tags/list?n=2&last=b');
    assert.deepEqual(JSON.parse(second.body), { name: 'other', tags: ['c'] });
    assert.equal(second.headers.link, undefined);
    const catalog = await raw('GET', '/v2/_catalog?n=2');
    assert.deepEqual(JSON.parse(catalog.body), { repositories: ['http', 'other'] });
    assert.deepEqual(JSON.parse((await raw('GET', '/v2/_catalog?last=other')).body), { repositories: ['team/app'] });
    const west = new RawRegistry(berth.url, await registryAuth(berth, 'eu-west-1'));
    assert.deepEqual(await (await west.fetch('/v2/_catalog')).json(), { repositories: [] });
  });
});
