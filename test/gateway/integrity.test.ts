/**
 * The gateway's integrity contract, spoken in terms of what the upstream received. Every
 * hostile request line, Host, forwarded header, method and body below goes over a raw socket
 * to a real gateway in front of a raw-socket upstream (test/support/raw-upstream.ts) that
 * records the exact request line and header lines: a refusal must say why (`STATUS Title:
 * REASON` as the first line, `error.reason` in JSON), never be cached or sniffed, and leave the
 * upstream's record empty; a verified request must reach the upstream on its own host, with the
 * auth pairs removed and every other byte of the target kept, and only headers the gateway
 * vouches for. The checks run in a fixed order before the signature: target form, fragment,
 * target bytes, method, Host, X-Forwarded-*, body.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { credentials } from '../../src/cli/commands/credentials.js';
import { exchange, rawRequest, type RawResponse } from '../support/raw-client.js';
import { startRawUpstream, type UpstreamRequest } from '../support/raw-upstream.js';
import { startBoundedGateway, startRig as rig, type Rig } from '../support/contract.js';
import { spawnServe } from '../support/serve-process.js';
import { credentialFor, issue, rawGoogleTarget, withoutAuth } from '../support/signing.js';
import { runInProcess, tempDir } from './helpers.js';

const TITLES: Readonly<Record<number, string>> = { 400: 'Bad Request', 403: 'Forbidden', 405: 'Method Not Allowed', 414: 'URI Too Long', 505: 'HTTP Version Not Supported' };
const NO_THROTTLE = { refusalThrottle: { maxDelayMs: 0 } } as const;

type Header = readonly [string, string];

/** A request's bytes: `Host` is the gateway's unless `host` is given (`null`: no Host line). */
function build(r: Rig, parts: { method?: string; target: string | Buffer; version?: string; host?: string | null | readonly string[]; headers?: readonly Header[]; body?: string | Buffer }): Buffer {
  const hosts = parts.host === null ? [] : typeof parts.host === 'string' ? [parts.host] : (parts.host ?? [r.host]);
  const headers: Header[] = [...hosts.map((h): Header => ['Host', h]), ...(parts.headers ?? [])];
  return rawRequest({ method: parts.method ?? 'GET', target: parts.target, ...(parts.version === undefined ? {} : { version: parts.version }), headers, ...(parts.body === undefined ? {} : { body: parts.body }) });
}

/** A raw Buffer target from latin1 text, so bytes ≥ 0x80 go on the wire as single bytes. */
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** One refusal row. `parser`: Node's HTTP parser may refuse the bytes itself (any 400 or a closed socket). */
interface RefusalRow {
  readonly name: string;
  readonly trusted?: boolean;
  readonly request: (r: Rig, extra: readonly Header[]) => Buffer;
  readonly status: number;
  readonly reason: string;
  readonly allow?: string;
  readonly parser?: 'may-refuse' | 'may-close';
}

/** A valid signed target: only the check under test can refuse it. */
const good = (r: Rig): string => r.google.target('/tiles/1/2/3.png?style=basic');

const get = (name: string, status: number, reason: string, parts: (r: Rig) => Parameters<typeof build>[1], extra: Partial<RefusalRow> = {}): RefusalRow => ({
  name,
  status,
  reason,
  request: (r, headers) => {
    const p = parts(r);
    return build(r, { ...p, headers: [...(p.headers ?? []), ...headers] });
  },
  ...extra,
});

const TARGET = 'TARGET_NOT_ORIGIN_FORM';
const FRAGMENT = 'FRAGMENT_NOT_ALLOWED';
const MALFORMED = 'MALFORMED_TARGET';
const METHOD = 'METHOD_NOT_ALLOWED';
const HOST = 'BAD_HOST';
const FORWARDED = 'BAD_FORWARDED_HEADER';
const BODY = 'BODY_NOT_ALLOWED';

const REFUSALS: readonly RefusalRow[] = [
  // 1. Target form.
  get('absolute-form, another host', 400, TARGET, (r) => ({ target: `http://other.example${good(r)}` })),
  get("absolute-form, the gateway's own host", 400, TARGET, (r) => ({ target: `http://${r.host}${good(r)}` })),
  get('absolute-form, https and upper case', 400, TARGET, (r) => ({ target: `HTTPS://other.example${good(r)}` })),
  get('authority-form CONNECT', 400, TARGET, () => ({ method: 'CONNECT', target: 'other.example:443', host: 'other.example:443' }), { parser: 'may-close' }),
  get('asterisk-form OPTIONS *', 400, TARGET, () => ({ method: 'OPTIONS', target: '*' })),
  get('asterisk-form on GET', 400, TARGET, () => ({ target: '*' })),
  get('absolute-form wins over a fragment, a POST and a bad Host', 400, TARGET, (r) => ({ method: 'POST', target: `http://other.example${good(r)}#x`, host: 'a/b', headers: [['Content-Length', '0']] })),
  // 2. A raw '#'.
  get('fragment after the signature', 400, FRAGMENT, (r) => ({ target: `${good(r)}#frag` })),
  get('empty fragment', 400, FRAGMENT, (r) => ({ target: `${good(r)}#` })),
  get("'#' in the path", 400, FRAGMENT, (r) => ({ target: good(r).replace('/3.png', '/3#.png') })),
  get("'#' wins over a POST", 400, FRAGMENT, (r) => ({ method: 'POST', target: `${good(r)}#x`, headers: [['Content-Length', '0']] })),
  get("'#' wins over a byte ≥ 0x80", 400, FRAGMENT, (r) => ({ target: bytes(`${good(r)}#\u00e9`) })),
  // 3. Bytes outside '!'..'~'.
  get('raw UTF-8 in the query', 400, MALFORMED, (r) => ({ target: bytes(rawGoogleTarget(r.google, '/tiles/1.png?name=Z\u00c3\u00bcrich')) })),
  get('raw 0x80 in the path', 400, MALFORMED, (r) => ({ target: bytes(rawGoogleTarget(r.google, '/tiles/\u0080.png?x=1')) })),
  get('raw 0xff in the query', 400, MALFORMED, (r) => ({ target: bytes(rawGoogleTarget(r.google, '/tiles/1.png?x=\u00ff')) })),
  get('raw bytes ≥ 0x80 win over a POST', 400, MALFORMED, (r) => ({ method: 'POST', target: bytes(rawGoogleTarget(r.google, '/t?x=\u00e9')), headers: [['Content-Length', '0']] })),
  get('DEL in the query', 400, MALFORMED, (r) => ({ target: bytes(rawGoogleTarget(r.google, '/t?x=\u007f')) }), { parser: 'may-refuse' }),
  get('a control byte in the query', 400, MALFORMED, (r) => ({ target: bytes(rawGoogleTarget(r.google, '/t?x=\u0001')) }), { parser: 'may-refuse' }),
  get('a tab in the query', 400, MALFORMED, (r) => ({ target: bytes(rawGoogleTarget(r.google, '/t?x=\t')) }), { parser: 'may-refuse' }),
  get('a space in the path', 400, MALFORMED, (r) => ({ target: bytes(rawGoogleTarget(r.google, '/a b?x=1')) }), { parser: 'may-refuse' }),
  // 4. Methods.
  ...['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH', 'get', 'Get', 'FOO'].map((method) =>
    get(`method ${method}`, 405, METHOD, (r) => ({ method, target: good(r), headers: [['Content-Length', '0']] }), { allow: 'GET, HEAD' }),
  ),
  get('POST with a body', 405, METHOD, (r) => ({ method: 'POST', target: good(r), headers: [['Content-Length', '5']], body: 'hello' }), { allow: 'GET, HEAD' }),
  get('a bad method wins over a bad Host', 405, METHOD, (r) => ({ method: 'DELETE', target: good(r), host: 'a/b' }), { allow: 'GET, HEAD' }),
  // 5. Host.
  ...['a/b', 'a?b', 'a#b', 'user@tiles.example.com', 'a\\b', 'a b', '', 'a:0', 'a:99999', 'a:65536', 'a:-1', 'a:80:80', '::1', '[::1', 'a%2eb', 'a,b', 'a;b', '"a"'].map((host) =>
    get(`Host ${JSON.stringify(host)}`, 400, HOST, (r) => ({ target: good(r), host })),
  ),
  get('two Host headers, the same value', 400, HOST, (r) => ({ target: good(r), host: [r.host, r.host] })),
  get('two Host headers, different values', 400, HOST, (r) => ({ target: good(r), host: [r.host, 'evil.example'] })),
  get('no Host on HTTP/1.1', 400, HOST, (r) => ({ target: good(r), host: null }), { parser: 'may-refuse' }),
  get('no Host on HTTP/1.0', 400, HOST, (r) => ({ target: good(r), host: null, version: 'HTTP/1.0' })),
  get('HTTP/1.2 on the request line', 505, 'HTTP_VERSION_NOT_SUPPORTED', (r) => ({ target: good(r), version: 'HTTP/1.2' }), { parser: 'may-refuse' }),
  get('a bad Host wins over a body', 400, HOST, (r) => ({ target: good(r), host: 'a/b', headers: [['Content-Length', '5']], body: 'hello' })),
  get('a bad Host wins over a missing signature', 400, HOST, () => ({ target: '/tiles/1.png?x=1', host: 'evil.example/' })),
  // 6. X-Forwarded-* from a trusted proxy.
  ...['evil.example/x', 'a b', 'a@b', '', 'a:0', 'a?b', 'a#b'].map((value) =>
    get(`trusted X-Forwarded-Host ${JSON.stringify(value)}`, 400, FORWARDED, (r) => ({ target: good(r), headers: [['X-Forwarded-Host', value], ['X-Forwarded-Proto', 'https']] }), { trusted: true }),
  ),
  ...['ftp', 'https:', '', 'javascript', 'http/1.1'].map((value) =>
    get(`trusted X-Forwarded-Proto ${JSON.stringify(value)}`, 400, FORWARDED, (r) => ({ target: good(r), headers: [['X-Forwarded-Host', 'tiles.example.com'], ['X-Forwarded-Proto', value]] }), { trusted: true }),
  ),
  get('a bad Host wins over a bad X-Forwarded-Host', 400, HOST, (r) => ({ target: good(r), host: 'a b', headers: [['X-Forwarded-Host', 'a/b']] }), { trusted: true }),
  get('a bad forwarded header wins over a bad signature', 400, FORWARDED, (r) => ({ target: good(r).replace('basic', 'other'), headers: [['X-Forwarded-Proto', 'gopher']] }), { trusted: true }),
  get('a bad forwarded header wins over a body', 400, FORWARDED, (r) => ({ target: good(r), headers: [['X-Forwarded-Host', 'a/b'], ['Content-Length', '5']], body: 'hello' }), { trusted: true }),
  // 7. Bodies on GET and HEAD.
  get('GET with Content-Length 5', 400, BODY, (r) => ({ target: good(r), headers: [['Content-Length', '5']], body: 'hello' })),
  get('GET with a chunked body', 400, BODY, (r) => ({ target: good(r), headers: [['Transfer-Encoding', 'chunked']], body: '5\r\nhello\r\n0\r\n\r\n' })),
  get('GET with an empty chunked body', 400, BODY, (r) => ({ target: good(r), headers: [['Transfer-Encoding', 'chunked']], body: '0\r\n\r\n' })),
  get('GET with Transfer-Encoding xchunked', 400, BODY, (r) => ({ target: good(r), headers: [['Transfer-Encoding', 'xchunked']] }), { parser: 'may-refuse' }),
  get('HEAD with Content-Length 3', 400, BODY, (r) => ({ method: 'HEAD', target: good(r), headers: [['Content-Length', '3']], body: 'abc' })),
  get('GET whose body is a second signed request (smuggling)', 400, BODY, (r) => {
    const inner = build(r, { target: r.google.target('/smuggled?x=1') }).toString('latin1');
    return { target: good(r), headers: [['Content-Length', String(inner.length)]], body: inner };
  }),
  get('a body wins over a too-long URL', 400, BODY, (r) => ({ target: `/t?x=${'y'.repeat(2100)}&client=${r.google.id}&signature=${'A'.repeat(27)}=`, headers: [['Content-Length', '2']], body: 'hi' })),
  get('a body wins over a bad signature', 400, BODY, () => ({ target: `/tiles/1.png?client=gme-x&signature=${'A'.repeat(27)}=`, headers: [['Content-Length', '2']], body: 'hi' })),
  // 8. Then the signature, as today.
  get('a bad signature', 403, 'SIGNATURE_MISMATCH', (r) => ({ target: good(r).replace('basic', 'other') })),
  get('no signature', 403, 'MISSING_SIGNATURE', (r) => ({ target: `/tiles/1.png?client=${r.google.id}` })),
  get('too long', 414, 'URL_TOO_LONG', (r) => ({ target: `/t?x=${'y'.repeat(2100)}&client=${r.google.id}&signature=${'A'.repeat(27)}=` })),
];

/** Asserts one refusal: status, reason line or JSON reason, and the never-cached headers. */
function assertRefusal(row: RefusalRow, answer: RawResponse | 'closed' | 'timeout', json: boolean, head: boolean): void {
  const label = `${row.name}${json ? ' (JSON)' : ''}`;
  if (row.parser === 'may-close' && answer === 'closed') return;
  assert.notEqual(answer, 'timeout', `${label}: answered`);
  if (row.parser === 'may-refuse' && answer === 'closed') return;
  assert.notEqual(answer, 'closed', `${label}: answered before closing`);
  const response = answer as RawResponse;
  // Node's own parser refusal: a bare 400 without the gateway's body (anything in the gateway's
  // format must carry the row's reason).
  if (row.parser !== undefined && response.status === 400 && !/^\d{3} [^:\n]+: [A-Z_]+\n/.test(response.text) && !response.text.startsWith('{')) return;
  assert.equal(response.status, row.status, `${label}: status; body ${JSON.stringify(response.text.slice(0, 200))}`);
  if (head) {
    // A HEAD refusal has no body to carry the reason: status and headers only.
  } else if (json) {
    let parsed: { error?: { reason?: string; status?: number } } = {};
    assert.doesNotThrow(() => (parsed = JSON.parse(response.text) as typeof parsed), `${label}: JSON body, got ${JSON.stringify(response.text.slice(0, 120))}`);
    assert.equal(parsed.error?.reason, row.reason, label);
    assert.equal(parsed.error?.status, row.status, label);
  } else {
    assert.equal(response.text.split('\n', 1)[0], `${row.status} ${TITLES[row.status]}: ${row.reason}`, `${label}: first line`);
  }
  assert.equal(response.header('cache-control'), 'no-store', `${label}: cache-control`);
  assert.equal(response.header('x-content-type-options'), 'nosniff', `${label}: nosniff`);
  if (row.allow !== undefined) assert.equal(response.header('allow'), row.allow, `${label}: Allow`);
}

test('refusals: status, reason, no-store and nosniff, in the documented order — and nothing reaches the upstream', { timeout: 120_000 }, async (t) => {
  const plain = await rig(t);
  const trusted = await rig(t, { trustProxy: ['loopback'] });
  for (const row of REFUSALS) {
    await t.test(row.name, async () => {
      const r = row.trusted === true ? trusted : plain;
      const before = r.upstream.requests.length;
      const head = row.request(r, []).subarray(0, 5).toString() === 'HEAD ';
      for (const json of [false, true]) {
        const answer = await exchange(r.address, row.request(r, json ? [['Accept', 'application/json']] : []), { timeoutMs: 3000, head });
        assertRefusal(row, answer, json, head);
      }
      assert.deepEqual(r.upstream.requests.slice(before).map((seen) => seen.requestLine), [], `${row.name}: nothing forwarded`);
    });
  }
  await t.test('the gateway still forwards a valid request afterwards', async () => {
    for (const r of [plain, trusted]) {
      const before = r.upstream.requests.length;
      const answer = await exchange(r.address, build(r, { target: good(r) }), { timeoutMs: 5000 });
      assert.equal(typeof answer === 'string' ? answer : answer.status, 200);
      assert.equal(r.upstream.requests.length, before + 1);
    }
  });
});

/** What a verified request's record must show, beyond its request line. */
interface Expected {
  readonly upstreamHost: string;
  readonly credential: string;
  readonly forwardedFor: string;
  readonly forwardedHost: string;
  readonly forwardedProto: string;
  /** Header names the client listed in `Connection`, which must not arrive. */
  readonly connectionNamed?: readonly string[];
}

/** Runs each check, collecting every failure, so one row reports all it got wrong. */
function soft(label: string, checks: readonly (() => void)[]): string[] {
  const problems: string[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      problems.push(`${label}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return problems;
}

/** Header hygiene on one upstream record: each header the gateway vouches for exactly once, no hop-by-hop or client-forged ones. */
function forwardedHeaderProblems(seen: UpstreamRequest, expected: Expected, label: string): string[] {
  const once = (name: string, value: string): (() => void) => () => assert.deepEqual(seen.all(name), [value], `exactly one ${name}: ${JSON.stringify(value)}, got ${JSON.stringify(seen.all(name))}`);
  return soft(label, [
    once('host', expected.upstreamHost),
    once('x-mapsign-credential', expected.credential),
    once('x-forwarded-for', expected.forwardedFor),
    once('x-forwarded-host', expected.forwardedHost),
    once('x-forwarded-proto', expected.forwardedProto),
    ...['forwarded', 'x-real-ip', 'keep-alive', 'te', 'trailer', 'upgrade', 'expect', ...(expected.connectionNamed ?? [])].map((name) => () => assert.deepEqual(seen.all(name), [], `no ${name}, got ${JSON.stringify(seen.all(name))}`)),
    () => assert.deepEqual(seen.headerLines.filter(([name]) => /^proxy-/i.test(name)), [], 'no proxy-* header'),
    // undici states its own connection policy; nothing the client said about its connection arrives.
    () => assert.deepEqual(seen.all('connection').filter((value) => !/^(?:keep-alive|close)$/i.test(value)), [], `Connection is the gateway's own, got ${JSON.stringify(seen.all('connection'))}`),
    () => assert.ok(seen.body.length > 0 || seen.all('transfer-encoding').length === 0, 'no Transfer-Encoding without a body'),
  ]);
}

/** Throws once with every problem listed. */
function report(problems: readonly string[]): void {
  if (problems.length > 0) assert.fail(problems.join('\n'));
}

/** One forwarding row: the target sent and the request line the upstream must get. */
interface ForwardRow {
  readonly name: string;
  readonly method?: 'GET' | 'HEAD';
  readonly target: (r: Rig) => string;
  readonly headers?: readonly Header[];
  readonly host?: string;
  /** Default: `METHOD withoutAuth(target) HTTP/1.1`. */
  readonly line?: (r: Rig, target: string) => string;
  readonly expect?: (r: Rig) => Partial<Expected>;
}

const HOSTILE_HEADERS: readonly Header[] = [
  ['X-Mapsign-Credential', 'forged'],
  ['X-Forwarded-For', '6.6.6.6'],
  ['X-Forwarded-Host', 'evil.example'],
  ['X-Forwarded-Proto', 'https'],
  ['Forwarded', 'for=6.6.6.6;host=evil.example;proto=https'],
  ['X-Real-IP', '6.6.6.6'],
  ['Connection', 'keep-alive, X-Hop, X-Other-Hop'],
  ['X-Hop', '1'],
  ['X-Other-Hop', '1'],
  ['Keep-Alive', 'timeout=99'],
  ['TE', 'trailers'],
  ['Trailer', 'X-Trailer'],
  ['Upgrade', 'h2c'],
  ['Proxy-Authorization', 'Basic cHJveHk6c2VjcmV0'],
  ['Proxy-Connection', 'keep-alive'],
  ['Proxy-Anything', '1'],
  ['X-Keep', 'kept'],
];

const FORWARDS: readonly ForwardRow[] = [
  { name: 'a plain tile', target: (r) => r.google.target('/tiles/1/2/3.png?style=basic') },
  { name: 'HEAD', method: 'HEAD', target: (r) => r.google.target('/tiles/1/2/3.png?style=basic') },
  { name: 'no query but the auth pairs', target: (r) => r.google.target('/tiles/1/2/3.png') },
  { name: 'percent-encoded slashes, dots, NUL; plus, semicolon', target: (r) => r.google.target('/q?x=%2F&y=%2e%2e%2F%2E%2E&z=%00&p=a+b&s=a;b&h=%23&e=%3D%26') },
  { name: 'empty pairs and empty values kept, order kept', target: (r) => r.google.target('/q?b=2&&a=&&c=3&a=1') },
  { name: 'client= in the middle of the query', target: (r) => r.google.sign(`http://gateway.test/q?a=1&client=${r.google.id}&b=2`).slice('http://gateway.test'.length) },
  { name: "raw quotes and broken percent sequences (signed byte for byte)", target: (r) => rawGoogleTarget(r.google, `/q?name=o'neil&w="x"&r=%zz&s=%&t=%2`) },
  { name: 'double slashes in the path', target: (r) => r.google.target('/a//b///c.png?x=1') },
  { name: "a path beginning with '//evil.example/' stays on the upstream's host", target: (r) => r.google.target('//evil.example/tiles/1.png?x=1') },
  { name: "a path of '//' alone", target: (r) => r.google.target('//?x=1') },
  { name: 'Content-Length: 0 on a GET is no body', target: (r) => r.google.target('/tiles/1.png?x=1'), headers: [['Content-Length', '0']] },
  {
    name: 'client-sent credential, forwarded, hop-by-hop and proxy headers are dropped; others kept',
    target: (r) => r.google.target('/tiles/1.png?x=1'),
    headers: HOSTILE_HEADERS,
    expect: () => ({ connectionNamed: ['x-hop', 'x-other-hop'] }),
  },
  { name: 'an IPv6 Host', target: (r) => r.google.target('/tiles/1.png?x=1'), host: '[::1]:8080', expect: () => ({ forwardedHost: '[::1]:8080' }) },
  { name: 'a Host with a port and an underscore', target: (r) => r.google.target('/tiles/1.png?x=1'), host: 'tile_1.example.com:8443', expect: () => ({ forwardedHost: 'tile_1.example.com:8443' }) },
  { name: 'a Host with the highest port', target: (r) => r.google.target('/tiles/1.png?x=1'), host: 'h.example:65535', expect: () => ({ forwardedHost: 'h.example:65535' }) },
  { name: 'an IPv4 Host without a port', target: (r) => r.google.target('/tiles/1.png?x=1'), host: '192.0.2.7', expect: () => ({ forwardedHost: '192.0.2.7' }) },
  {
    name: 'bad X-Forwarded-* from an untrusted peer are ignored, not errors, and not forwarded',
    target: (r) => r.google.target('/tiles/1.png?x=1'),
    headers: [['X-Forwarded-Host', 'evil.example/x'], ['X-Forwarded-Proto', 'ftp']],
  },
];

async function forwardOne(t: TestContext, r: Rig, row: ForwardRow, defaults: (r: Rig) => Expected): Promise<void> {
  await t.test(row.name, async () => {
    const target = row.target(r);
    const method = row.method ?? 'GET';
    const before = r.upstream.requests.length;
    const answer = await exchange(r.address, build(r, { method, target, ...(row.host === undefined ? {} : { host: row.host }), headers: row.headers ?? [] }), { timeoutMs: 5000, head: method === 'HEAD' });
    assert.equal(typeof answer === 'string' ? answer : answer.status, 200, `${row.name}: ${typeof answer === 'string' ? answer : answer.text.slice(0, 200)}`);
    const seen = r.upstream.requests.slice(before);
    assert.equal(seen.length, 1, `${row.name}: one request upstream`);
    const line = row.line?.(r, target) ?? `${method} ${withoutAuth(target)} HTTP/1.1`;
    report([
      ...soft(row.name, [() => assert.equal(seen[0]!.requestLine, line, `request line ${JSON.stringify(seen[0]!.requestLine)}, expected ${JSON.stringify(line)}`)]),
      ...forwardedHeaderProblems(seen[0]!, { ...defaults(r), ...row.expect?.(r) }, row.name),
      ...(row.headers === HOSTILE_HEADERS ? soft(row.name, [() => assert.deepEqual(seen[0]!.all('x-keep'), ['kept'], 'an end-to-end header is kept')]) : []),
    ]);
  });
}

test('verified requests reach the upstream byte for byte, on its own host, with only the headers the gateway vouches for', { timeout: 60_000 }, async (t) => {
  const r = await rig(t);
  const defaults = (x: Rig): Expected => ({ upstreamHost: x.upstream.host, credential: x.google.id, forwardedFor: '127.0.0.1', forwardedHost: x.host, forwardedProto: 'http' });
  for (const row of FORWARDS) await forwardOne(t, r, row, defaults);
});

test('from a trusted proxy, X-Forwarded-For is kept with the peer appended and valid X-Forwarded-Host/Proto are used', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { trustProxy: ['loopback'] });
  const defaults = (x: Rig): Expected => ({ upstreamHost: x.upstream.host, credential: x.google.id, forwardedFor: '203.0.113.7, 127.0.0.1', forwardedHost: 'tiles.example.com', forwardedProto: 'https' });
  const rows: ForwardRow[] = [
    { name: 'lower-case https', target: (x) => x.google.target('/tiles/1.png?x=1'), headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-Host', 'tiles.example.com'], ['X-Forwarded-Proto', 'https']] },
    { name: 'upper-case HTTPS', target: (x) => x.google.target('/tiles/1.png?x=2'), headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-Host', 'tiles.example.com'], ['X-Forwarded-Proto', 'HTTPS']] },
    {
      name: 'http with a port',
      target: (x) => x.google.target('/tiles/1.png?x=3'),
      headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-Host', 'tiles.example.com:8443'], ['X-Forwarded-Proto', 'Http']],
      expect: () => ({ forwardedHost: 'tiles.example.com:8443', forwardedProto: 'http' }),
    },
    {
      name: 'an IPv6 X-Forwarded-Host',
      target: (x) => x.google.target('/tiles/1.png?x=4'),
      headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-Host', '[2001:db8::1]:8443'], ['X-Forwarded-Proto', 'https']],
      expect: () => ({ forwardedHost: '[2001:db8::1]:8443' }),
    },
  ];
  for (const row of rows) await forwardOne(t, r, row, defaults);
});

test("an upstream with a base path gets '/base' + the target", { timeout: 30_000 }, async (t) => {
  const r = await rig(t, {}, { path: '/base' });
  const defaults = (x: Rig): Expected => ({ upstreamHost: x.upstream.host, credential: x.google.id, forwardedFor: '127.0.0.1', forwardedHost: x.host, forwardedProto: 'http' });
  const rows: ForwardRow[] = [
    { name: 'a tile', target: (x) => x.google.target('/tiles/1.png?x=1'), line: (_x, target) => `GET /base${withoutAuth(target)} HTTP/1.1` },
    { name: "'//evil.example/' under the base", target: (x) => x.google.target('//evil.example/x?y=1'), line: (_x, target) => `GET /base${withoutAuth(target)} HTTP/1.1` },
  ];
  for (const row of rows) await forwardOne(t, r, row, defaults);
});

test('--public-url always wins: a full-URL signature verifies for it whatever Host and X-Forwarded-Host say, never for another host', { timeout: 30_000 }, async (t) => {
  const upstream = await startRawUpstream(t);
  const { gateway, dbFile } = await startBoundedGateway(t, upstream.url, { ...NO_THROTTLE, publicUrl: 'https://tiles.example.com', trustProxy: ['loopback'] });
  const maptiler = await issue(gateway, dbFile, 'maptiler');
  const host = new URL(gateway.address).host;
  const signedFor = (origin: string): string => maptiler.sign(`${origin}/maps/streets/style.json?lang=en`).slice(origin.length);
  const rows: { name: string; target: string; headers: Header[]; status: number }[] = [
    { name: "the gateway's own Host", target: signedFor('https://tiles.example.com'), headers: [['Host', host]], status: 200 },
    { name: "an attacker's Host", target: signedFor('https://tiles.example.com'), headers: [['Host', 'evil.example']], status: 200 },
    { name: "an attacker's X-Forwarded-Host from a trusted peer", target: signedFor('https://tiles.example.com'), headers: [['Host', host], ['X-Forwarded-Host', 'evil.example'], ['X-Forwarded-Proto', 'http']], status: 200 },
    { name: "signed for the attacker's host, sent with it everywhere", target: signedFor('https://evil.example'), headers: [['Host', 'evil.example'], ['X-Forwarded-Host', 'evil.example'], ['X-Forwarded-Proto', 'https']], status: 403 },
    { name: 'signed for the http origin', target: signedFor('http://tiles.example.com'), headers: [['Host', 'tiles.example.com'], ['X-Forwarded-Host', 'tiles.example.com'], ['X-Forwarded-Proto', 'http']], status: 403 },
  ];
  for (const row of rows) {
    await t.test(row.name, async () => {
      const before = upstream.requests.length;
      const answer = await exchange(gateway.address, rawRequest({ target: row.target, headers: row.headers }), { timeoutMs: 5000 });
      assert.notEqual(typeof answer, 'string', `${row.name}: answered`);
      const response = answer as RawResponse;
      assert.equal(response.status, row.status, `${row.name}: ${response.text.slice(0, 200)}`);
      const seen = upstream.requests.slice(before);
      if (row.status === 403) {
        assert.match(response.text, /^403 Forbidden: SIGNATURE_MISMATCH\n/);
        assert.equal(seen.length, 0, 'nothing forwarded');
        return;
      }
      assert.equal(seen.length, 1);
      report([
        ...soft(row.name, [() => assert.equal(seen[0]!.requestLine, `GET ${withoutAuth(row.target)} HTTP/1.1`, 'request line')]),
        ...forwardedHeaderProblems(seen[0]!, { upstreamHost: upstream.host, credential: maptiler.id, forwardedFor: '127.0.0.1', forwardedHost: 'tiles.example.com', forwardedProto: 'https' }, row.name),
      ]);
    });
  }
});

test('a configured method list widens what is forwarded and what Allow says', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { methods: ['GET', 'HEAD', 'POST'] });
  const post = await exchange(r.address, build(r, { method: 'POST', target: good(r), headers: [['Content-Type', 'text/plain'], ['Content-Length', '4']], body: 'ping' }));
  assert.equal(typeof post === 'string' ? post : post.status, 200);
  assert.equal(r.upstream.requests.at(-1)?.requestLine, `POST ${withoutAuth(good(r))} HTTP/1.1`);
  const before = r.upstream.requests.length;
  const put = await exchange(r.address, build(r, { method: 'PUT', target: good(r), headers: [['Content-Length', '0']] }));
  assert.equal(typeof put === 'string' ? put : put.status, 405);
  assert.equal((put as RawResponse).header('allow'), 'GET, HEAD, POST');
  assert.match((put as RawResponse).text, /^405 Method Not Allowed: METHOD_NOT_ALLOWED\n/);
  assert.equal(r.upstream.requests.length, before, 'the refused PUT is not forwarded');
});

test('mapsign serve --methods GET,HEAD,POST forwards a POST; without it a POST is a 405 with Allow: GET, HEAD', { timeout: 60_000 }, async (t) => {
  const upstream = await startRawUpstream(t);
  const db = join(await tempDir(t), 'methods.db');
  const made = await runInProcess(credentials, ['create', '--scheme', 'google', '--json', '--db', db]);
  assert.equal(made.code, 0, made.err);
  const { id, issued } = JSON.parse(made.out) as { id: string; issued: { secret: string } };
  const google = credentialFor('google', id, issued.secret);
  const cases = [
    { args: ['--methods', 'GET,HEAD,POST'], post: 200, put: 'GET, HEAD, POST' },
    { args: [], post: 405, put: 'GET, HEAD' },
  ];
  for (const c of cases) {
    const gateway = await spawnServe(t, ['--upstream', upstream.url, '--port', '0', '--db', db, '--log', 'none', '--refusal-delay-max', '0', ...c.args]);
    const host = new URL(gateway.address).host;
    const before = upstream.requests.length;
    const target = google.target(`/route?args=${c.args.length}`);
    const post = await exchange(gateway.address, rawRequest({ method: 'POST', target, headers: [['Host', host], ['Content-Length', '4']], body: 'ping' }));
    assert.equal(typeof post === 'string' ? post : post.status, c.post, `${c.args.join(' ') || 'default'}: POST`);
    if (c.post === 200) assert.deepEqual(upstream.requests.slice(before).map((seen) => [seen.requestLine, seen.body.toString()]), [[`POST ${withoutAuth(target)} HTTP/1.1`, 'ping']]);
    else assert.equal((post as RawResponse).header('allow'), 'GET, HEAD');
    const put = await exchange(gateway.address, rawRequest({ method: 'PUT', target, headers: [['Host', host], ['Content-Length', '0']] }));
    assert.equal(typeof put === 'string' ? put : put.status, 405, `${c.args.join(' ') || 'default'}: PUT`);
    assert.equal((put as RawResponse).header('allow'), c.put);
    gateway.signal('SIGTERM');
    await gateway.waitExit(10_000);
  }
});
