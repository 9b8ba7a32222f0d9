import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LoadBalancerDataPlane } from '../../src/lb/data-plane.js';
import { ManualTimers } from '../../src/lb/lb-timers.js';
import { createSeededRandom } from '../../src/scheduler/seeded-random.js';
import { alb, arn, type Backend, cond, type Echo, fixed, forward, group, send, servedBy, startBackend } from './lb-support.js';

/** Real HTTP on loopback; health checks never run (manual timers), so every target is `initial` and takes traffic. */
describe('ALB listener routing', () => {
  let a: Backend;
  let b: Backend;
  let plane: LoadBalancerDataPlane;
  let port: number;

  before(async () => {
    [a, b] = await Promise.all([startBackend('a'), startBackend('b')]);
    plane = new LoadBalancerDataPlane({ timers: new ManualTimers(), random: createSeededRandom(7) });
    const result = await plane.apply(alb([{
      defaultActions: [forward('a')],
      // Deliberately out of order: evaluation goes by priority.
      rules: [
        { priority: 30, conditions: [cond.path('/api/*')], actions: [fixed('200', 'api')] },
        { priority: 10, conditions: [cond.path('/api/*'), cond.method('POST')], actions: [fixed('201', 'api-post')] },
        { priority: 20, conditions: [cond.host('*.EXAMPLE.com', 'exact.test')], actions: [fixed('200', 'host')] },
        { priority: 40, conditions: [cond.header('X-Env', 'can?ry', 'beta*')], actions: [fixed('200', 'header')] },
        { priority: 50, conditions: [cond.query({ Key: 'v', Value: '2*' }, { Value: 'magic' })], actions: [fixed('200', 'query')] },
        { priority: 55, conditions: [cond.query({ Key: 'lit', Value: 'a\\*b' })], actions: [fixed('200', 'literal-star')] },
        { priority: 60, conditions: [cond.sourceIp('10.0.0.0/8')], actions: [fixed('200', 'source-10')] },
        { priority: 70, conditions: [cond.sourceIp('192.168.0.0/16', '127.0.0.0/8'), cond.path('/ip')], actions: [fixed('200', 'source-local')] },
        { priority: 80, conditions: [cond.method('PUT', 'DELETE')], actions: [fixed('200', 'put-or-delete')] },
        { priority: 90, conditions: [cond.path('/to-b/*')], actions: [forward('b')] },
        { priority: 100, conditions: [cond.path('/old/*')], actions: [{ Type: 'redirect', RedirectConfig: { Path: '/new/#{path}', StatusCode: 'HTTP_301' } }] },
        { priority: 110, conditions: [cond.path('/secure')], actions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: 'www.#{host}', StatusCode: 'HTTP_302' } }] },
        { priority: 120, conditions: [cond.path('/teapot')], actions: [fixed('418', '{"tea":true}', 'application/json')] },
      ],
    }], [group('a', [a]), group('b', [b])]));
    assert.deepEqual(result.errors, []);
    port = plane.listenerPort(arn.listener(1))!;
  });
  after(async () => {
    await plane.close();
    await Promise.all([a.close(), b.close()]);
  });

  const body = async (path: string, options: Parameters<typeof send>[2] = {}) => (await send(port, path, options)).body;
  const isDefault = (reply: string) => (JSON.parse(reply) as Echo).backend === 'a';

  it('evaluates rules by priority, first match wins, then the default action', async () => {
    assert.equal(await body('/api/items', { method: 'POST', body: 'x' }), 'api-post', 'priority 10 beats 30');
    assert.equal(await body('/api/items'), 'api', 'GET falls to priority 30');
    assert.ok(isDefault(await body('/elsewhere')), 'no rule matches: default forward');
  });

  it('path-pattern: wildcards, case-sensitive, query excluded', async () => {
    assert.equal(await body('/api/'), 'api');
    assert.equal(await body('/api/a/b?x=1'), 'api');
    assert.ok(isDefault(await body('/API/items')), 'path is case-sensitive');
    assert.ok(isDefault(await body('/apiX')), '/api/* needs the slash');
  });

  it('host-header: wildcards, case-insensitive, port ignored', async () => {
    assert.equal(await body('/', { headers: { host: 'shop.example.com' } }), 'host');
    assert.equal(await body('/', { headers: { host: 'Shop.Example.COM:8080' } }), 'host');
    assert.equal(await body('/', { headers: { host: 'EXACT.test' } }), 'host');
    assert.ok(isDefault(await body('/', { headers: { host: 'example.com' } })), '*.example.com needs a label before it');
    assert.ok(isDefault(await body('/', { headers: { host: 'exact.testing' } })));
  });

  it('http-header: name case-insensitive, values with * and ?, case-insensitive', async () => {
    assert.equal(await body('/', { headers: { 'x-env': 'canary' } }), 'header');
    assert.equal(await body('/', { headers: { 'X-ENV': 'CANERY' } }), 'header', '? is any one character');
    assert.equal(await body('/', { headers: { 'x-env': 'beta-7' } }), 'header');
    assert.ok(isDefault(await body('/', { headers: { 'x-env': 'canry' } })), '? is exactly one character');
    assert.ok(isDefault(await body('/', { headers: { 'x-other': 'canary' } })));
  });

  it('query-string: key/value pairs or values alone, wildcards, decoding, escaped *', async () => {
    assert.equal(await body('/?v=2.1'), 'query');
    assert.equal(await body('/?a=1&V=2'), 'query', 'keys compare case-insensitively');
    assert.equal(await body('/?anything=ma%67ic'), 'query', 'a value without a key matches any key; values are decoded');
    assert.ok(isDefault(await body('/?v=3')));
    assert.equal(await body('/?lit=a*b'), 'literal-star');
    assert.ok(isDefault(await body('/?lit=axxb')), '\\* is a literal star');
  });

  it('source-ip: CIDR blocks on the peer address (never X-Forwarded-For); all conditions must match', async () => {
    assert.equal(await body('/ip'), 'source-local');
    assert.ok(isDefault(await body('/ip2')), 'source matches but path does not');
    assert.ok(isDefault(await body('/', { headers: { 'x-forwarded-for': '10.1.2.3' } })), 'X-Forwarded-For is not the source');
  });

  it('http-request-method: any of the listed methods, exactly', async () => {
    assert.equal(await body('/x', { method: 'PUT', body: '' }), 'put-or-delete');
    assert.equal(await body('/x', { method: 'DELETE' }), 'put-or-delete');
    assert.ok(isDefault(await body('/x', { method: 'PATCH', body: '' })));
  });

  it('forward per rule: another target group', async () => {
    assert.equal(servedBy(await send(port, '/to-b/1')), 'b');
    assert.equal(servedBy(await send(port, '/to-c')), 'a');
  });

  it('fixed-response: status, content type and body', async () => {
    const reply = await send(port, '/teapot');
    assert.equal(reply.status, 418);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.equal(reply.body, '{"tea":true}');
  });

  it('redirect: #{...} placeholders, default ports left out, 301/302', async () => {
    const moved = await send(port, '/old/a/b?q=1&r=2', { headers: { host: 'site.test:9999' } });
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.location, `http://site.test:${port}/new/old/a/b?q=1&r=2`, '#{port} is the listener port');
    const secure = await send(port, '/secure', { headers: { host: 'site.test' } });
    assert.equal(secure.status, 302);
    assert.equal(secure.headers.location, 'https://www.site.test/secure');
  });

  it('adds X-Forwarded-For (appended), -Proto, -Port and a trace id; keeps Host; streams the body', async () => {
    const reply = await send(port, '/echo?x=1', {
      method: 'POST',
      headers: { host: 'app.test', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', 'content-type': 'text/plain' },
      body: 'hello body',
    });
    assert.equal(reply.status, 200);
    const echo = JSON.parse(reply.body) as Echo;
    assert.equal(echo.url, '/echo?x=1');
    assert.equal(echo.body, 'hello body');
    assert.equal(echo.headers.host, 'app.test');
    assert.equal(echo.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(echo.headers['x-forwarded-proto'], 'http', 'the client cannot claim https');
    assert.equal(echo.headers['x-forwarded-port'], String(port));
    assert.match(String(echo.headers['x-amzn-trace-id']), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(echo.headers['keep-alive'], undefined);
  });

  it('streams a large upload and download without trouble', async () => {
    const big = 'z'.repeat(3 * 1024 * 1024);
    const reply = await send(port, '/big', { method: 'POST', body: big, headers: { 'content-type': 'text/plain' } });
    assert.equal(reply.status, 200);
    assert.equal((JSON.parse(reply.body) as Echo).body.length, big.length);
  });
});
