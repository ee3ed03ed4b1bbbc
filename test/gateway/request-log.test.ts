/**
 * The access log's client-facing fields, table-driven: the referrer as origin and path only
 * (no user info, query or fragment; only http(s); bounded), the client address (the peer,
 * or the last `X-Forwarded-For` entry of a trusted proxy when it is an IP), and the request id
 * (a trusted proxy's well-formed `X-Request-Id`, else a fresh UUID).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestIdFor } from '../../src/gateway/request-id.js';
import { referrerOf } from '../../src/gateway/request-log.js';
import { clientAddress } from '../../src/http/client-address.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('referrerOf keeps the origin and path, never the query, fragment or user info', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['https://app.example.com/map/view?session=s3cret#top', 'https://app.example.com/map/view'],
    ['https://user:pw@app.example.com:8443/a?b', 'https://app.example.com:8443/a'],
    ['http://APP.example.com', 'http://app.example.com/'],
    ['https://app.example.com/tiles?client=gme-a&signature=abc=', 'https://app.example.com/tiles'],
    ['javascript:alert(1)', undefined],
    ['android-app://com.example/https/host/path', undefined],
    ['not a url', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [given, logged] of cases) assert.equal(referrerOf(given), logged, String(given));
  assert.equal(referrerOf(`https://a.example/${'p'.repeat(2000)}`)!.length, 512, 'bounded');
});

test('the logged client address believes X-Forwarded-For only from trusted proxies, and only an IP', () => {
  const cases: [string | undefined, string | string[] | undefined, boolean, string | undefined][] = [
    ['203.0.113.9', '198.51.100.7', false, '203.0.113.9'],
    ['10.0.0.5', '198.51.100.7, 203.0.113.9', true, '203.0.113.9'],
    ['10.0.0.5', ['198.51.100.7', '2001:db8::1'], true, '2001:db8::1'],
    ['10.0.0.5', '203.0.113.9, not-an-ip', true, undefined],
    ['10.0.0.5', undefined, true, '10.0.0.5'],
    [undefined, undefined, false, undefined],
  ];
  for (const [peer, forwarded, trusted, logged] of cases) assert.equal(clientAddress(peer, forwarded, (address) => trusted && address === peer), logged, `${peer} ${String(forwarded)} ${trusted}`);
  // Two trusted hops (a CDN, then a load balancer): the log names the client --allow-ip checks.
  const proxies = new Set(['10.0.0.5', '10.0.0.9']);
  assert.equal(clientAddress('10.0.0.5', '198.51.100.7, 203.0.113.9, 10.0.0.9', (address) => proxies.has(address)), '203.0.113.9');
});

test('requestIdFor keeps a trusted, well-formed id and replaces every other', () => {
  for (const kept of ['edge-7f3a.42', 'Root=1-67891233-abcdef012345678912345678', 'a'.repeat(128), '5f0c/1:2@x+y']) assert.equal(requestIdFor(kept, true), kept);
  const replaced: [string | string[] | undefined, boolean][] = [
    ['edge-7f3a.42', false],
    ['has space', true],
    ['a'.repeat(129), true],
    ['semi;colon', true],
    ['quote"d', true],
    ['', true],
    [['a', 'b'], true],
    [undefined, true],
  ];
  for (const [given, trusted] of replaced) assert.match(requestIdFor(given, trusted), UUID, JSON.stringify(given));
  assert.notEqual(requestIdFor(undefined, false), requestIdFor(undefined, false), 'fresh each time');
});
