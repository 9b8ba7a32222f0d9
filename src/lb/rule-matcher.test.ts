import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { pickGroup, type WeightedGroup } from './actions.js';
import { compileHttpCodeMatcher } from './lb-config.js';
import { compileConditions, RequestView, wildcard } from './rule-matcher.js';

/** Just the parts of an IncomingMessage that RequestView reads. */
function view(url: string, options: { method?: string; headers?: Record<string, string[]>; ip?: string } = {}): RequestView {
  const distinct = options.headers ?? {};
  const headers = Object.fromEntries(Object.entries(distinct).map(([k, v]) => [k, v.join(', ')]));
  return new RequestView({ url, method: options.method ?? 'GET', headers, headersDistinct: distinct, socket: { remoteAddress: options.ip ?? '127.0.0.1' } } as unknown as IncomingMessage);
}

const matches = (conditions: RuleCondition[], v: RequestView) => compileConditions(conditions)(v);

describe('rule conditions', () => {
  it('wildcards: * is any run, ? exactly one, everything else literal', () => {
    assert.ok(wildcard('/a*', false, false)('/a'));
    assert.ok(wildcard('/a*/c', false, false)('/a/b/c'));
    assert.ok(!wildcard('/a?', false, false)('/a'));
    assert.ok(wildcard('/a.(b)+', false, false)('/a.(b)+'), 'regex characters are literal');
    assert.ok(!wildcard('/a.b', false, false)('/axb'));
    assert.ok(wildcard('A*', true, false)('abc'));
    assert.ok(!wildcard('A*', false, false)('abc'));
    assert.ok(wildcard('a\\*', true, true)('a*') && !wildcard('a\\*', true, true)('ab'), 'escaped * in query strings');
  });

  it('http-header looks at every value of a repeated header', () => {
    const c: RuleCondition[] = [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Tag', Values: ['blue'] } }];
    assert.ok(matches(c, view('/', { headers: { 'x-tag': ['red', 'BLUE'] } })));
    assert.ok(!matches(c, view('/', { headers: { 'x-tag': ['red'] } })));
  });

  it('source-ip: IPv4 and IPv6 blocks, IPv4-mapped peers, bare addresses', () => {
    const c: RuleCondition[] = [{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] } }];
    assert.ok(matches(c, view('/', { ip: '10.9.8.7' })));
    assert.ok(matches(c, view('/', { ip: '::ffff:10.1.1.1' })));
    assert.ok(matches(c, view('/', { ip: '2001:db8::1' })));
    assert.ok(matches(c, view('/', { ip: '192.0.2.7' })));
    assert.ok(!matches(c, view('/', { ip: '192.0.2.8' })));
    assert.ok(!matches(c, view('/', { ip: '' })), 'no peer address never matches');
  });

  it('reads the legacy Field + Values form for host and path', () => {
    assert.ok(matches([{ Field: 'path-pattern', Values: ['/img/*'] }], view('/img/x.png')));
    assert.ok(matches([{ Field: 'host-header', Values: ['*.test'] }], view('/', { headers: { host: ['a.test:81'] } })));
  });

  it('RegexValues match as regular expressions', () => {
    assert.ok(matches([{ Field: 'path-pattern', PathPatternConfig: { RegexValues: ['^/v[0-9]+/'] } }], view('/v12/x')));
    assert.ok(!matches([{ Field: 'path-pattern', PathPatternConfig: { RegexValues: ['^/v[0-9]+/'] } }], view('/vx/x')));
  });

  it('a condition it cannot read never matches, and no conditions always match', () => {
    assert.ok(!matches([{ Field: 'http-header', HttpHeaderConfig: { Values: ['x'] } }], view('/')));
    assert.ok(!matches([{ Field: 'no-such-field', Values: ['x'] }], view('/')));
    assert.ok(matches([], view('/')));
  });

  it('query-string with only a value matches it under any key; no query matches nothing', () => {
    const c: RuleCondition[] = [{ Field: 'query-string', QueryStringConfig: { Values: [{ Value: 'on' }] } }];
    assert.ok(matches(c, view('/?feature=on')));
    assert.ok(!matches(c, view('/')));
    assert.ok(!matches(c, view('/?on')), 'a bare key has an empty value');
  });
});

describe('matchers and picks', () => {
  it('reads HttpCode lists and ranges', () => {
    const m = compileHttpCodeMatcher('200,300-302, 404');
    assert.deepEqual([200, 201, 300, 302, 303, 404].map(m), [true, false, true, true, false, true]);
  });

  it('picks target groups in proportion to weight', () => {
    const groups = [{ weight: 1, token: 'a' }, { weight: 0, token: 'z' }, { weight: 3, token: 'b' }] as WeightedGroup[];
    const at = (r: number) => pickGroup(groups, 4, () => r)?.token;
    assert.deepEqual([0, 0.24, 0.25, 0.99].map(at), ['a', 'a', 'b', 'b']);
    assert.equal(pickGroup([{ weight: 0, token: 'z' }, { weight: 0, token: 'y' }] as WeightedGroup[], 0, () => 0.5), undefined, 'all weights 0');
  });
});
