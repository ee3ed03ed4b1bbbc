/**
 * The shape rules and origin resolution under every verifier (src/http/), table-driven: which
 * targets, hosts, forwarded headers, methods and bodies pass, and which rule each one breaks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createOriginResolver } from '../../src/http/origin.js';
import { AUTH_PARAMS, stripParams, upstreamUrl } from '../../src/http/auth-params.js';
import { createRequestScreen, type RequestFacts } from '../../src/http/request-check.js';
import { checkTarget, isValidHost, normaliseMethods } from '../../src/http/request-rules.js';

test('request targets: only origin-form with visible ASCII and no fragment', () => {
  const cases: [string, string | undefined][] = [
    ['/tiles/1/2/3.png?key=k&signature=s', undefined],
    ['/', undefined],
    ['//evil.example/x', undefined],
    ['/a?b=%2F%2e%2e%00&&c=', undefined],
    ["/a?q='\"<>[]{}|\\^`", undefined],
    ['http://other.example/x', 'TARGET_NOT_ORIGIN_FORM'],
    ['HTTP://gw/x', 'TARGET_NOT_ORIGIN_FORM'],
    ['*', 'TARGET_NOT_ORIGIN_FORM'],
    ['evil.example:443', 'TARGET_NOT_ORIGIN_FORM'],
    ['', 'TARGET_NOT_ORIGIN_FORM'],
    ['/a#b', 'FRAGMENT_NOT_ALLOWED'],
    ['/a?x=1&signature=s#', 'FRAGMENT_NOT_ALLOWED'],
    ['/caf\u00e9', 'MALFORMED_TARGET'],
    ['/a b', 'MALFORMED_TARGET'],
    ['/a\tb', 'MALFORMED_TARGET'],
    ['/a\u007f', 'MALFORMED_TARGET'],
  ];
  for (const [target, expected] of cases) assert.equal(checkTarget(target), expected, JSON.stringify(target));
});

test('hosts: exactly one host[:port], nothing that could end an authority', () => {
  const valid = ['tiles.example.com', 'tiles.example.com:8443', 'localhost', '127.0.0.1:8787', '[::1]:8787', '[2001:db8::1]', 'my_host.internal', 'example.com.', 'a:1', 'a:65535'];
  const invalid = ['', 'a/b', 'a?b', 'a#b', 'user@host', 'a\\b', 'a b', 'a:0', 'a:65536', 'a:99999', 'a:', ':80', '[::1', '::1', 'a,b', '-a', 'a-', '.a', 'a..b/c', 'host:80:80'];
  for (const host of valid) assert.equal(isValidHost(host), true, host);
  for (const host of invalid) assert.equal(isValidHost(host), false, host);
});

test('origins: --public-url wins; forwarded headers only from trusted peers, the nearest value; Host otherwise', () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name];
  const spoof = headers({ host: 'gw.example:80', 'x-forwarded-host': 'evil.example, tiles.example.com', 'x-forwarded-proto': 'https' });
  assert.equal(createOriginResolver({ publicUrl: 'https://tiles.example.com/base' }).origin(spoof, '127.0.0.1'), 'https://tiles.example.com');
  assert.equal(createOriginResolver({ trustProxy: ['loopback'] }).origin(spoof, '::ffff:127.0.0.1'), 'https://tiles.example.com');
  assert.equal(createOriginResolver({ trustProxy: ['10.0.0.5'] }).origin(spoof, '127.0.0.1'), 'http://gw.example');
  assert.equal(createOriginResolver({ trustProxy: ['loopback'] }).origin(headers({ host: 'tiles.example.com', 'x-forwarded-proto': 'https' }), '127.0.0.1'), 'https://tiles.example.com', 'a trusted proxy that sends only the protocol');
  assert.equal(createOriginResolver({}).check(headers({}), undefined), 'BAD_HOST', 'Host is required');
  assert.equal(createOriginResolver({}).origin(headers({ host: 'gw' }), undefined, 'https://edge.example'), 'https://edge.example');
  const trusted = createOriginResolver({ trustProxy: ['loopback'] });
  assert.equal(trusted.check(headers({ host: 'gw', 'x-forwarded-host': 'a/b' }), '127.0.0.1'), 'BAD_FORWARDED_HEADER');
  assert.equal(trusted.check(headers({ host: 'gw', 'x-forwarded-proto': 'gopher' }), '127.0.0.1'), 'BAD_FORWARDED_HEADER');
  assert.equal(trusted.check(headers({ host: 'gw', 'x-forwarded-proto': 'gopher' }), '192.0.2.1'), undefined, 'an untrusted peer\'s headers are not read');
  assert.equal(trusted.check(headers({ host: 'gw/evil' }), '127.0.0.1'), 'BAD_HOST');
  // The remembered last host must not let a later invalid one through.
  assert.equal(trusted.origin(headers({ host: 'gw' }), '192.0.2.1'), 'http://gw');
  assert.equal(trusted.check(headers({ host: 'gw@evil' }), '192.0.2.1'), 'BAD_HOST');
});

test('the screen applies the rules in order and reports the status and Allow list', () => {
  const screen = createRequestScreen({ credentials: () => undefined, methods: ['get', 'head', 'POST'] });
  const facts = (over: Partial<RequestFacts>): RequestFacts => ({ method: 'GET', target: '/a?x=1', header: (name) => (name === 'host' ? 'gw' : undefined), peer: undefined, hasBody: false, ...over });
  const refusal = (over: Partial<RequestFacts>) => {
    const screened = screen(facts(over));
    return screened.ok ? undefined : [screened.refusal.status, screened.refusal.reason, screened.refusal.allow];
  };
  assert.deepEqual(refusal({ target: 'http://x/a', method: 'DELETE' }), [400, 'TARGET_NOT_ORIGIN_FORM', undefined], 'the target first');
  assert.deepEqual(refusal({ method: 'DELETE' }), [405, 'METHOD_NOT_ALLOWED', 'GET, HEAD, POST']);
  assert.deepEqual(refusal({ header: () => 'a/b' }), [400, 'BAD_HOST', undefined]);
  assert.deepEqual(refusal({ hasBody: true }), [400, 'BODY_NOT_ALLOWED', undefined]);
  assert.deepEqual(refusal({ version: '1.2', target: 'http://x/a' }), [505, 'HTTP_VERSION_NOT_SUPPORTED', undefined], 'the version first');
  assert.equal(refusal({ version: '1.0' }), undefined);
  assert.equal(screen.allow, 'GET, HEAD, POST');
  assert.equal(refusal({ method: 'POST', hasBody: true }), undefined, 'a widened method may carry a body');
  const passed = screen(facts({}));
  assert.ok(passed.ok);
  assert.equal(passed.options.origin, 'http://gw');
  assert.throws(() => createRequestScreen({ credentials: () => undefined, methods: ['GET', 'CONNECT'] }), /"CONNECT" is not a method that can be forwarded/);
  assert.throws(() => normaliseMethods(['G E T']), /"G E T" is not a method/);
  assert.throws(() => normaliseMethods([]), /at least one method/);
});

test('auth parameters are removed and every other byte of the query kept, empty pairs too', () => {
  const cases: [string, string][] = [
    ['/a?x=1&&client=c&y=&signature=s', '/a?x=1&&y='],
    ['/a?client=c&signature=s', '/a'],
    ['/a?&client=c&signature=s', '/a?'],
    ['/a?x=%2F+%20&key=k&signature=s=', '/a?x=%2F+%20'],
    ['/a?clientx=1&signature', '/a?clientx=1'],
    ['/a', '/a'],
    ['/a?', '/a?'],
  ];
  for (const [target, expected] of cases) assert.equal(stripParams(target, AUTH_PARAMS), expected, target);
  assert.equal(upstreamUrl('http://tiles.internal:8080/v1/', '//evil.example/x?y=1'), 'http://tiles.internal:8080/v1//evil.example/x?y=1');
  assert.equal(upstreamUrl('https://tiles.internal', '/x'), 'https://tiles.internal/x');
});

test('auth-parameter removal agrees with a split-and-join reference on random queries', () => {
  const reference = (target: string): string => {
    const mark = target.indexOf('?');
    if (mark < 0) return target;
    const pairs = target.slice(mark + 1).split('&');
    const kept = pairs.filter((pair) => !AUTH_PARAMS.includes(pair.includes('=') ? pair.slice(0, pair.indexOf('=')) : pair));
    if (kept.length === pairs.length) return target;
    return kept.length === 0 ? target.slice(0, mark) : `${target.slice(0, mark)}?${kept.join('&')}`;
  };
  const pair = fc.constantFrom('client', 'key', 'signature', 'clientx', 'xkey', '', 'key=', 'signature=a=', 'client=c', '=', 'k=ey', 'a=b', 'signaturex=1');
  fc.assert(
    fc.property(fc.array(pair, { maxLength: 8 }), fc.boolean(), (pairs, query) => {
      const target = `/p${query ? `?${pairs.join('&')}` : ''}`;
      assert.equal(stripParams(target, AUTH_PARAMS), reference(target), target);
    }),
    { numRuns: 5000 },
  );
});
