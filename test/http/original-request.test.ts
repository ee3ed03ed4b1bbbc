/**
 * The original request a proxy names (src/http/original-request.ts), table-driven: which
 * headers from which peer describe it, and the refusal when none or two different ones do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { originalRequestFacts } from '../../src/http/original-request.js';
import type { RequestFacts } from '../../src/http/request-check.js';

const PROXY = '127.0.0.1';
const trusts = (peer: string | undefined): boolean => peer === PROXY;

function auth(headers: Record<string, string>, peer: string | undefined): RequestFacts {
  return { method: 'GET', target: '/_mapsign', header: (name) => headers[name], peer, hasBody: false };
}

test('each convention names the original target and method; believed from a trusted peer only', () => {
  const cases: [string, Record<string, string>, string | undefined, [string, string] | string][] = [
    ['nginx', { 'x-original-uri': '/t?a=1', 'x-original-method': 'HEAD' }, PROXY, ['HEAD', '/t?a=1']],
    ['Caddy', { 'x-forwarded-uri': '/t?a=1', 'x-forwarded-method': 'GET', 'x-forwarded-host': 'tiles.example.com' }, PROXY, ['GET', '/t?a=1']],
    ['both, agreeing', { 'x-original-uri': '/t', 'x-original-method': 'GET', 'x-forwarded-uri': '/t', 'x-forwarded-method': 'GET' }, PROXY, ['GET', '/t']],
    ['taken as sent (the screen refuses it)', { 'x-original-uri': 'http://other.example/t', 'x-original-method': 'get' }, PROXY, ['get', 'http://other.example/t']],
    ['an untrusted peer', { 'x-original-uri': '/t', 'x-original-method': 'GET' }, '203.0.113.9', 'ORIGINAL_REQUEST_MISSING'],
    ['no peer address', { 'x-original-uri': '/t', 'x-original-method': 'GET' }, undefined, 'ORIGINAL_REQUEST_MISSING'],
    ['no headers', {}, PROXY, 'ORIGINAL_REQUEST_MISSING'],
    ['a target without a method', { 'x-original-uri': '/t' }, PROXY, 'ORIGINAL_REQUEST_MISSING'],
    ['a method without a target', { 'x-forwarded-method': 'GET' }, PROXY, 'ORIGINAL_REQUEST_MISSING'],
    ['two targets', { 'x-original-uri': '/signed', 'x-original-method': 'GET', 'x-forwarded-uri': '/other', 'x-forwarded-method': 'GET' }, PROXY, 'ORIGINAL_REQUEST_CONFLICT'],
    ['two methods', { 'x-original-uri': '/t', 'x-original-method': 'GET', 'x-forwarded-uri': '/t', 'x-forwarded-method': 'POST' }, PROXY, 'ORIGINAL_REQUEST_CONFLICT'],
    ['halves of each', { 'x-original-uri': '/t', 'x-forwarded-method': 'GET' }, PROXY, 'ORIGINAL_REQUEST_CONFLICT'],
  ];
  for (const [name, headers, peer, expected] of cases) {
    const facts = originalRequestFacts(auth(headers, peer), trusts);
    if (typeof expected === 'string') {
      assert.ok('refusal' in facts, name);
      assert.equal(facts.refusal.reason, expected, name);
      assert.match(facts.refusal.message, expected === 'ORIGINAL_REQUEST_MISSING' ? /--trust-proxy.*X-Original-URI.*X-Forwarded-Uri/ : /set one pair only/, name);
    } else {
      assert.ok(!('refusal' in facts), name);
      assert.deepEqual([facts.method, facts.target, facts.peer, facts.hasBody], [...expected, PROXY, false], name);
      // The forwarded headers stay readable: the origin resolver reads them as for any trusted proxy.
      assert.equal(facts.header('x-forwarded-host'), headers['x-forwarded-host'], name);
    }
  }
});
