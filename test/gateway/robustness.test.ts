/**
 * No request may crash, wedge or stall the gateway. Clients that abort mid-response or while the
 * upstream is still thinking must have their upstream request released (the raw upstream sees
 * its socket close), so a small pool (`upstreamConnections: 2`) never fills up with dead
 * requests; a client that stalls half-way through a request body is cut off after
 * `upstreamTimeoutMs`; `Expect: 100-continue` is answered by the gateway — `100 Continue` only
 * for a request it will forward, the refusal at once otherwise; and garbage, malformed framing,
 * request smuggling shapes and floods on one connection never reach the upstream. After each,
 * a valid request must still be answered within 5 s.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { StartOptions } from '../../src/gateway/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { startBoundedGateway, startRig, type ContractOptions, type Rig } from '../support/contract.js';
import { exchange, NoResponse, RawConnection, rawRequest, type RawResponse } from '../support/raw-client.js';
import { startRawUpstream, type UpstreamReply } from '../support/raw-upstream.js';
import { issue, withoutAuth } from '../support/signing.js';

type Header = readonly [string, string];

/** A rig whose upstream answers every request with `reply`. */
const rig = (t: TestContext, options: Partial<StartOptions> & ContractOptions = {}, reply?: () => UpstreamReply): Promise<Rig> => startRig(t, options, reply === undefined ? {} : { reply });

function request(r: Rig, parts: { method?: string; target?: string; headers?: readonly Header[]; body?: string | Buffer } = {}): Buffer {
  return rawRequest({ method: parts.method ?? 'GET', target: parts.target ?? r.google.target('/tiles/1/2/3.png?style=basic'), headers: [['Host', r.host], ...(parts.headers ?? [])], ...(parts.body === undefined ? {} : { body: parts.body }) });
}

const statusOf = (answer: RawResponse | 'closed' | 'timeout'): number | string => (typeof answer === 'string' ? answer : answer.status);

/** A valid request through the gateway is answered 200 within 5 s (the upstream answering at once). */
async function assertStillServes(r: Rig, label: string): Promise<void> {
  r.upstream.reply = () => ({ kind: 'fixed', body: 'fine' });
  const started = performance.now();
  const answer = await exchange(r.address, request(r, { target: r.google.target(`/tiles/after.png?check=${encodeURIComponent(label)}`) }), { timeoutMs: 5000 });
  assert.equal(statusOf(answer), 200, `${label}: a valid request afterwards is answered within 5 s (took ${Math.round(performance.now() - started)} ms)`);
  const health = await exchange(r.address, rawRequest({ target: '/healthz', headers: [['Host', r.host]] }), { timeoutMs: 5000 });
  assert.equal(statusOf(health), 200, `${label}: /healthz`);
}

test('50 clients in a row abort mid-response: each upstream response socket is closed promptly and the pool of 2 never wedges', { timeout: 120_000 }, async (t) => {
  let chunked = false;
  // Alternately framed by Content-Length and chunked.
  const r = await rig(t, { upstreamConnections: 2 }, () => ({ kind: 'stream', chunks: 400, chunkBytes: 16 * 1024, delayMs: 10, chunked: (chunked = !chunked) }));
  const problems: string[] = [];
  for (let i = 0; i < 50 && problems.length === 0; i += 1) {
    const before = r.upstream.requests.length;
    const client = await RawConnection.open(r.address);
    client.write(request(r, { target: r.google.target(`/tiles/big.png?i=${i}`) }));
    // The head and a first body chunk: the response is streaming.
    if (!(await client.waitForBytes(1024, 5000))) {
      problems.push(`abort ${i}: the response never started streaming (got ${client.received.length} bytes)`);
      client.destroy();
      break;
    }
    client.destroy();
    const seen = r.upstream.requests[before];
    if (seen === undefined) {
      problems.push(`abort ${i}: the upstream got no request`);
      break;
    }
    if (!(await r.upstream.waitForClose(seen.socket, 2000))) problems.push(`abort ${i}: the upstream response's socket was still open 2 s after the client went away`);
  }
  try {
    await assertStillServes(r, 'after 50 aborts');
  } catch (error) {
    problems.push((error as Error).message.split('\n')[0]!);
  }
  if (problems.length > 0) assert.fail(problems.join('\n'));
});

test('a client that leaves while the gateway waits for the upstream headers: the upstream request is aborted', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { upstreamConnections: 2, upstreamTimeoutMs: 30_000 }, () => ({ kind: 'never' }));
  const problems: string[] = [];
  // Three in a row: with a pool of 2, a request left waiting would also block the third.
  for (let i = 0; i < 3; i += 1) {
    const before = r.upstream.requests.length;
    const client = await RawConnection.open(r.address);
    client.write(request(r, { target: r.google.target(`/tiles/thinking.png?i=${i}`) }));
    if (!(await r.upstream.waitForRequests(before + 1, 5000))) {
      problems.push(`request ${i} never reached the upstream (a pool slot still held by an abandoned request?)`);
      client.destroy();
      break;
    }
    client.destroy();
    if (!(await r.upstream.waitForClose(r.upstream.requests[before]!.socket, 2000))) problems.push(`request ${i}: the upstream request was still open 2 s after its client left`);
  }
  try {
    await assertStillServes(r, 'after clients left mid-wait');
  } catch (error) {
    problems.push((error as Error).message.split('\n')[0]!);
  }
  if (problems.length > 0) assert.fail(problems.join('\n'));
});

test('an upstream that stalls mid-body is cut off after upstreamTimeoutMs: the client connection ends, the upstream one is released', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { upstreamTimeoutMs: 1000, upstreamConnections: 2 }, () => ({ kind: 'headers-then-stall' }));
  const client = await RawConnection.open(r.address);
  t.after(() => client.destroy());
  client.write(request(r, { target: r.google.target('/tiles/stalling.png') }));
  assert.ok(await client.waitForBytes(20, 5000), 'the response began');
  assert.ok(await client.waitForClose(4000), 'the client connection is ended within ~3 s of the stall (a truncated body must not look complete)');
  assert.ok(await r.upstream.waitForClose(r.upstream.requests[0]!.socket, 2000), 'the upstream connection is released');
  await assertStillServes(r, 'after a stalled upstream body');
});

test('POST bodies: stalled half-way ×4 the pool is released after upstreamTimeoutMs; a client gone mid-body is no crash; a full body arrives byte-exact', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { methods: ['GET', 'HEAD', 'POST'], upstreamTimeoutMs: 1000, upstreamConnections: 2 });
  const post = (i: number, length: number): Buffer => request(r, { method: 'POST', target: r.google.target(`/route?i=${i}`), headers: [['Content-Type', 'application/octet-stream'], ['Content-Length', String(length)]] });

  await t.test('4 clients send half of a declared body, then stall', async () => {
    const stalled: RawConnection[] = [];
    t.after(() => stalled.forEach((c) => c.destroy()));
    for (let i = 0; i < 4; i += 1) {
      const client = await RawConnection.open(r.address);
      client.write(Buffer.concat([post(i, 1000), Buffer.alloc(500, 0x41)]));
      stalled.push(client);
    }
    const started = performance.now();
    const answer = await exchange(r.address, request(r, { target: r.google.target('/tiles/while-stalled.png') }), { timeoutMs: 5000 });
    assert.equal(statusOf(answer), 200, `a valid GET behind 4 stalled POSTs is answered within 5 s (after ${Math.round(performance.now() - started)} ms)`);
    // Stalled requests queued behind the first two may reach the upstream later (or be cut off before): give them their timeout too.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const posts = r.upstream.requests.filter((seen) => seen.method === 'POST');
    assert.ok(posts.length > 0, 'the stalled POSTs were streamed to the upstream');
    for (const seen of posts) assert.ok(await r.upstream.waitForClose(seen.socket, 1500), `the upstream connection of ${seen.requestLine} is released`);
    assert.ok(posts.every((seen) => !seen.complete), 'no stalled body was completed by the gateway');
  });

  await t.test('a client destroys its socket mid-body', async () => {
    const before = r.upstream.requests.length;
    const client = await RawConnection.open(r.address);
    client.write(Buffer.concat([post(9, 1000), Buffer.alloc(500, 0x42)]));
    await r.upstream.waitForRequests(before + 1, 2000);
    client.destroy();
    const seen = r.upstream.requests[before];
    if (seen !== undefined) assert.ok(await r.upstream.waitForClose(seen.socket, 2000), 'the half-sent upstream request is aborted');
    await assertStillServes(r, 'after a client left mid-body');
  });

  await t.test('a full body, with Content-Length and chunked, reaches the upstream byte-exact', async () => {
    const body = Buffer.concat([randomBytes(70_000), Buffer.from('\r\n\r\n0\r\n\r\n\u0000')]);
    const shapes: { name: string; headers: Header[]; wire: Buffer }[] = [
      { name: 'Content-Length', headers: [['Content-Length', String(body.length)]], wire: body },
      {
        name: 'chunked',
        headers: [['Transfer-Encoding', 'chunked']],
        wire: Buffer.concat([Buffer.from('10\r\n'), body.subarray(0, 16), Buffer.from(`\r\n${(body.length - 16).toString(16)}\r\n`), body.subarray(16), Buffer.from('\r\n0\r\n\r\n')]),
      },
    ];
    for (const shape of shapes) {
      const before = r.upstream.requests.length;
      const target = r.google.target(`/route?shape=${shape.name}`);
      const answer = await exchange(r.address, request(r, { method: 'POST', target, headers: [['Content-Type', 'application/octet-stream'], ...shape.headers], body: shape.wire }), { timeoutMs: 5000 });
      assert.equal(statusOf(answer), 200, shape.name);
      const seen = r.upstream.requests[before]!;
      assert.equal(seen.requestLine, `POST ${withoutAuth(target)} HTTP/1.1`, shape.name);
      assert.ok(seen.body.equals(body), `${shape.name}: body byte-exact (${seen.body.length} of ${body.length} bytes)`);
      const te = seen.all('transfer-encoding');
      assert.ok(te.length === 0 || (te.length === 1 && te[0]!.toLowerCase() === 'chunked'), `${shape.name}: the gateway frames the body itself (${JSON.stringify(te)})`);
      const length = seen.all('content-length');
      assert.ok(length.length === 0 || (length.length === 1 && length[0] === String(body.length) && te.length === 0), `${shape.name}: one framing (${JSON.stringify(length)})`);
    }
  });
});

test('Expect: 100-continue: 100 then the upstream answer for a verified POST; the refusal at once, without 100, for a bad one', { timeout: 30_000 }, async (t) => {
  const r = await rig(t, { methods: ['GET', 'HEAD', 'POST'] });
  await t.test('a verified POST', async () => {
    const target = r.google.target('/route?expect=1');
    const client = await RawConnection.open(r.address);
    t.after(() => client.destroy());
    client.write(request(r, { method: 'POST', target, headers: [['Content-Length', '11'], ['Expect', '100-continue']] }));
    const interim = await client.read(3000);
    assert.equal(interim.status, 100, `100 Continue first, got ${interim.statusLine}`);
    client.write('hello world');
    const { response } = await client.final(5000);
    assert.equal(response.status, 200, `the upstream's answer, got ${response.statusLine}: ${response.text.slice(0, 120)}`);
    const seen = r.upstream.requests.at(-1)!;
    assert.equal(seen.requestLine, `POST ${withoutAuth(target)} HTTP/1.1`);
    assert.deepEqual(seen.all('expect'), [], 'no Expect forwarded');
    assert.equal(seen.body.toString(), 'hello world');
  });
  await t.test('a POST with a bad signature', async () => {
    const before = r.upstream.requests.length;
    const client = await RawConnection.open(r.address);
    t.after(() => client.destroy());
    client.write(request(r, { method: 'POST', target: r.google.target('/route?expect=2').replace('expect=2', 'expect=3'), headers: [['Content-Length', '11'], ['Expect', '100-continue']] }));
    const first = await client.read(3000);
    assert.equal(first.status, 403, `the refusal first, without 100 Continue; got ${first.statusLine}`);
    assert.match(first.text, /^403 Forbidden: SIGNATURE_MISMATCH\n/);
    assert.equal(r.upstream.requests.length, before, 'nothing forwarded');
  });
});

test('200 invalid requests on keep-alive connections never reach the upstream; a valid one afterwards works', { timeout: 60_000 }, async (t) => {
  const r = await rig(t);
  const good = r.google.target('/tiles/1/2/3.png?style=basic');
  const kinds: { name: string; bytes: () => Buffer }[] = [
    { name: 'bad signature', bytes: () => request(r, { target: good.replace('basic', 'other') }) },
    { name: 'no signature', bytes: () => request(r, { target: '/tiles/1.png?x=1' }) },
    { name: 'unknown client', bytes: () => request(r, { target: `/t?client=gme-nobody&signature=${'A'.repeat(27)}=` }) },
    { name: 'fragment', bytes: () => request(r, { target: `${good}#x` }) },
    { name: 'absolute-form', bytes: () => request(r, { target: `http://evil.example${good}` }) },
    { name: 'bad Host', bytes: () => rawRequest({ target: good, headers: [['Host', 'evil.example/']] }) },
    { name: 'method', bytes: () => request(r, { method: 'DELETE', target: good }) },
    { name: 'body on GET', bytes: () => request(r, { target: good, headers: [['Content-Length', '3']], body: 'abc' }) },
  ];
  let connection = await RawConnection.open(r.address);
  t.after(() => connection.destroy());
  const statuses = new Map<string, Set<number | string>>();
  let reconnects = 0;
  for (let i = 0; i < 200; i += 1) {
    const kind = kinds[i % kinds.length]!;
    if (connection.closed) {
      connection.destroy();
      connection = await RawConnection.open(r.address);
      reconnects += 1;
    }
    connection.write(kind.bytes());
    let status: number | string;
    try {
      status = (await connection.final(3000)).response.status;
    } catch (error) {
      if (!(error instanceof NoResponse)) throw error;
      status = error.why;
    }
    assert.notEqual(status, 'timeout', `${kind.name} #${i}: answered within 3 s`);
    if (!statuses.has(kind.name)) statuses.set(kind.name, new Set());
    statuses.get(kind.name)!.add(status);
  }
  const wrong = [...statuses].flatMap(([name, seen]) => [...seen].filter((status) => status !== 'closed' && !(typeof status === 'number' && status >= 400 && status < 500)).map((status) => `${name} got ${status}`));
  assert.deepEqual(wrong, [], 'every invalid request is refused with a 4xx (or its connection closed)');
  assert.deepEqual(r.upstream.requests.length, 0, `nothing forwarded (reconnected ${reconnects} times); got ${JSON.stringify(r.upstream.requests.slice(0, 3).map((seen) => seen.requestLine))}…`);
  // The last kind (a body on GET) is answered with `connection: close`: reuse only a connection left open.
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (!connection.closed) {
    connection.write(request(r));
    assert.equal((await connection.final(5000)).response.status, 200, 'a valid request on the same connection');
  }
  await assertStillServes(r, 'after the flood');
});

/** One malformed shape: bytes sent on a fresh connection (after which it is closed). */
interface MalformedRow {
  readonly name: string;
  readonly bytes: (r: Rig) => Buffer;
  /** The body breaks only after its first bytes, which a streaming gateway has begun to forward. */
  readonly streamsBody?: true;
}

const smuggled = (r: Rig): string => rawRequest({ target: r.google.target('/smuggled?x=1'), headers: [['Host', r.host]] }).toString('latin1');
const signedPost = (r: Rig, headers: readonly Header[], body: string): Buffer => request(r, { method: 'POST', target: r.google.target('/route?malformed=1'), headers, body });

const MALFORMED: readonly MalformedRow[] = [
  { name: 'bad chunk size', bytes: (r) => signedPost(r, [['Transfer-Encoding', 'chunked']], 'zz\r\nhello\r\n0\r\n\r\n') },
  { name: 'chunk size overflow', bytes: (r) => signedPost(r, [['Transfer-Encoding', 'chunked']], 'fffffffffffffffffff\r\nhello\r\n0\r\n\r\n') },
  { name: 'negative chunk size', bytes: (r) => signedPost(r, [['Transfer-Encoding', 'chunked']], '-5\r\nhello\r\n0\r\n\r\n') },
  { name: 'chunk without its CRLF', bytes: (r) => signedPost(r, [['Transfer-Encoding', 'chunked']], `5\r\nhelloXX0\r\n\r\n${smuggled(r)}`), streamsBody: true },
  { name: 'TE chunked + Content-Length (TE.CL)', bytes: (r) => signedPost(r, [['Transfer-Encoding', 'chunked'], ['Content-Length', '4']], `0\r\n\r\n${smuggled(r)}`) },
  { name: 'Content-Length + TE chunked (CL.TE)', bytes: (r) => signedPost(r, [['Content-Length', '6'], ['Transfer-Encoding', 'chunked']], `0\r\n\r\n${smuggled(r)}`) },
  { name: 'TE identity then TE chunked, with Content-Length', bytes: (r) => signedPost(r, [['Transfer-Encoding', 'identity'], ['Transfer-Encoding', 'chunked'], ['Content-Length', '5']], `0\r\n\r\n${smuggled(r)}`) },
  { name: "TE 'chunked, identity'", bytes: (r) => signedPost(r, [['Transfer-Encoding', 'chunked, identity']], `0\r\n\r\n${smuggled(r)}`) },
  { name: "'Transfer-Encoding :' with a space before the colon", bytes: (r) => signedPost(r, [['Transfer-Encoding ', 'chunked'], ['Content-Length', '5']], `0\r\n\r\n${smuggled(r)}`) },
  { name: 'TE with a tab and Content-Length', bytes: (r) => signedPost(r, [['Transfer-Encoding', '\tchunked'], ['Content-Length', '5']], `0\r\n\r\n${smuggled(r)}`) },
  { name: 'two different Content-Lengths', bytes: (r) => signedPost(r, [['Content-Length', '5'], ['Content-Length', '40']], `hello${smuggled(r)}`) },
  { name: "Content-Length '+5'", bytes: (r) => signedPost(r, [['Content-Length', '+5']], 'hello') },
  { name: "Content-Length '0x5'", bytes: (r) => signedPost(r, [['Content-Length', '0x5']], 'hello') },
  { name: "Content-Length '5, 5'", bytes: (r) => signedPost(r, [['Content-Length', '5, 5']], 'hello') },
  { name: 'obs-fold header line', bytes: (r) => request(r, { headers: [['X-Folded', 'a\r\n  b']] }) },
  { name: 'obs-fold Transfer-Encoding', bytes: (r) => signedPost(r, [['Transfer-Encoding', '\r\n chunked'], ['Content-Length', '5']], `0\r\n\r\n${smuggled(r)}`) },
  { name: 'a NUL in a header value', bytes: (r) => request(r, { headers: [['X-Nul', 'a\u0000b']] }) },
  { name: 'a space in a header name', bytes: (r) => request(r, { headers: [['X Bad', '1']] }) },
  { name: 'bare LF line ends', bytes: (r) => Buffer.from(`GET ${r.google.target('/tiles/lf.png')} HTTP/1.1\nHost: ${r.host}\n\n`, 'latin1') },
  { name: '4000 header lines', bytes: (r) => request(r, { headers: Array.from({ length: 4000 }, (_, i): Header => [`X-Flood-${i}`, 'v']) }) },
  { name: 'one 100 KiB header', bytes: (r) => request(r, { headers: [['X-Huge', 'h'.repeat(100 * 1024)]] }) },
  { name: 'a 100 KiB request line without an end', bytes: () => Buffer.from(`GET /${'a'.repeat(100 * 1024)}`, 'latin1') },
  { name: 'headers that never end', bytes: (r) => Buffer.from(`GET ${r.google.target('/tiles/slow.png')} HTTP/1.1\r\nHost: ${r.host}\r\nX-Slow: 1\r\n`, 'latin1') },
  { name: 'HTTP/0.9 request line', bytes: (r) => Buffer.from(`GET ${r.google.target('/tiles/09.png')}\r\n\r\n`, 'latin1') },
  { name: 'a GET with Content-Length hiding a second request', bytes: (r) => request(r, { headers: [['Content-Length', String(smuggled(r).length)]], body: smuggled(r) }) },
];

test('malformed HTTP and smuggling shapes never reach the upstream nor crash the gateway', { timeout: 120_000 }, async (t) => {
  const r = await rig(t, { methods: ['GET', 'HEAD', 'POST'] });
  for (const row of MALFORMED) {
    await t.test(row.name, async () => {
      const before = r.upstream.requests.length;
      const answer = await exchange(r.address, row.bytes(r), { timeoutMs: 1500 });
      if (typeof answer !== 'string') assert.ok((answer.status >= 400 && answer.status < 500) || answer.status === 505, `${row.name}: a 4xx (or 505 for the version) if anything, got ${answer.statusLine}: ${answer.text.slice(0, 120)}`);
      // Give a request that slipped through time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const forwarded = r.upstream.requests.slice(before);
      if (row.streamsBody === true) {
        // The head verified and its body streams: the upstream may see it start, never complete, and never what is smuggled after it.
        assert.ok(forwarded.every((seen) => !seen.requestLine.includes('/smuggled') && !seen.complete), `${row.name}: ${JSON.stringify(forwarded.map((seen) => seen.requestLine))}`);
      } else assert.deepEqual(forwarded.map((seen) => seen.requestLine), [], `${row.name}: nothing forwarded`);
    });
  }
  await t.test('pipelined requests are answered in order, and only the valid ones are forwarded', async () => {
    const before = r.upstream.requests.length;
    const first = r.google.target('/tiles/pipe-1.png');
    const last = r.google.target('/tiles/pipe-4.png');
    const client = await RawConnection.open(r.address);
    t.after(() => client.destroy());
    client.write(Buffer.concat([request(r, { target: first }), request(r, { target: first.replace('pipe-1', 'pipe-2') }), request(r, { target: `${first}#3` }), request(r, { target: last })]));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      try {
        statuses.push((await client.final(3000)).response.status);
      } catch (error) {
        if (!(error instanceof NoResponse) || error.why === 'timeout') throw error;
        break;
      }
    }
    assert.deepEqual(statuses, [200, 403, 400, 200].slice(0, Math.max(3, statuses.length)), 'in order: valid, bad signature, fragment, valid');
    const forwarded = r.upstream.requests.slice(before).map((seen) => seen.requestLine);
    assert.deepEqual(forwarded, [`GET ${withoutAuth(first)} HTTP/1.1`, ...(statuses.length === 4 ? [`GET ${withoutAuth(last)} HTTP/1.1`] : [])]);
  });
  await t.test('the gateway still serves', () => assertStillServes(r, 'after the malformed corpus'));
});

test('a connection that pipelines 300 requests, reads nothing and leaves does not leak the pool of 4', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { upstreamConnections: 4 }, () => ({ kind: 'fixed', body: Buffer.alloc(32 * 1024, 120) }));
  const client = await RawConnection.open(r.address);
  client.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => request(r, { target: r.google.target(`/tiles/pipe.png?i=${i}`) }))));
  await new Promise((resolve) => setTimeout(resolve, 150));
  client.destroy();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const forwarded = r.upstream.requests.length;
  assert.ok(forwarded < 300, `requests behind unread answers wait for their turn, not in the pool (${forwarded} forwarded)`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(r.upstream.requests.length, forwarded, 'what the client left behind is cancelled, not forwarded later');
  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => exchange(r.address, request(r, { target: r.google.target(`/tiles/after.png?n=${i}`) }), { timeoutMs: 5000 })));
  assert.deepEqual(answers.map(statusOf), Array(8).fill(200), 'eight clients in parallel are all answered afterwards');
});

test('clients that stop reading a large answer are cut after the timeout, releasing the pool of 2', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, { upstreamConnections: 2, upstreamTimeoutMs: 1000 }, () => ({ kind: 'stream', chunks: 512, chunkBytes: 64 * 1024, delayMs: 0 }));
  const { hostname, port } = new URL(r.address);
  // Plain sockets paused from the start: they send a request and never read a byte of the answer.
  const readers = Array.from({ length: 3 }, (_, i) => {
    const reader = connect(Number(port), hostname);
    reader.pause();
    reader.on('error', () => {});
    reader.write(request(r, { target: r.google.target(`/tiles/huge.png?reader=${i}`) }));
    return reader;
  });
  t.after(() => readers.forEach((reader) => reader.destroy()));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await assertStillServes(r, 'with three clients that never read');
  const deadline = Date.now() + 3000;
  while (readers.some((reader) => !reader.destroyed && reader.readyState !== 'closed' && !reader.readableEnded) && Date.now() < deadline) {
    // A paused socket sees its end only once it reads: look at whether the gateway closed its side.
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (r.upstream.sockets.filter((socket) => socket.closedAt === undefined).length === 0) break;
  }
  assert.ok(r.upstream.sockets.every((socket) => socket.closedAt !== undefined) || r.upstream.requests.length > readers.length, 'the readers\' upstream requests were ended after the timeout');
});

test('a parse error behind a verified request does not overtake its answer', async (t) => {
  const r = await rig(t, {}, () => ({ kind: 'fixed', body: 'the tile', delayMs: 200 }));
  const client = await RawConnection.open(r.address);
  t.after(() => client.destroy());
  client.write(Buffer.concat([request(r), Buffer.from('GET /a b c d\r\nHost: x\r\n\r\n', 'latin1')]));
  const first = await client.final(3000).catch((error: unknown) => error);
  if (first instanceof NoResponse) assert.fail(`the verified request got no answer: ${first.message}`);
  assert.equal((first as { response: RawResponse }).response.status, 200, 'the first answer on the connection is the verified request\'s');
});

test('pipelining far past what any client needs closes the connection instead of queueing without end', { timeout: 60_000 }, async (t) => {
  const r = await rig(t, {}, () => ({ kind: 'never' }));
  const client = await RawConnection.open(r.address);
  t.after(() => client.destroy());
  client.write(Buffer.concat(Array.from({ length: 1500 }, (_, i) => request(r, { target: r.google.target(`/tiles/flood.png?i=${i}`) }))));
  const deadline = Date.now() + 5000;
  while (!client.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(client.closed, 'the gateway closed the connection');
  assert.ok(r.upstream.requests.length <= 1, `at most the request at the front was forwarded (${r.upstream.requests.length})`);
  await assertStillServes(r, 'after the pipelining flood');
});

test('a connection that sends nothing is closed after silentConnectionMs', async (t) => {
  const r = await rig(t, { silentConnectionMs: 300 });
  const silent = await RawConnection.open(r.address);
  t.after(() => silent.destroy());
  const deadline = Date.now() + 3000;
  while (!silent.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(silent.closed, 'closed by the gateway');
  const talking = await RawConnection.open(r.address);
  t.after(() => talking.destroy());
  talking.write(request(r));
  assert.equal((await talking.final(3000)).response.status, 200);
  await new Promise((resolve) => setTimeout(resolve, 600));
  talking.write(request(r));
  assert.equal((await talking.final(3000)).response.status, 200, 'a connection that has spoken stays under Node\'s keep-alive timeout, not this one');
});

test('header names with an underscore never reach the upstream (CGI reads x_mapsign_credential as the gateway\'s own)', async (t) => {
  const r = await rig(t);
  const answer = await exchange(r.address, request(r, { headers: [['x_mapsign_credential', 'admin'], ['X_Forwarded_For', '6.6.6.6'], ['x_real_ip', '6.6.6.6'], ['X-Keep', '1']] }), { timeoutMs: 3000 });
  assert.equal(statusOf(answer), 200);
  const names = r.upstream.requests.at(-1)!.headerLines.map(([name]) => name.toLowerCase());
  assert.deepEqual(names.filter((name) => name.includes('_')), []);
  assert.ok(names.includes('x-keep'));
});

test('requests waiting on a connection at shutdown are counted, once each, before the last usage write', { timeout: 30_000 }, async (t) => {
  const upstream = await startRawUpstream(t, () => ({ kind: 'never' }));
  const { gateway, dbFile } = await startBoundedGateway(t, upstream.url, { refusalThrottle: { maxDelayMs: 0 } });
  const google = await issue(gateway, dbFile, 'google');
  const client = await RawConnection.open(gateway.address);
  t.after(() => client.destroy());
  const host = new URL(gateway.address).host;
  client.write(Buffer.concat(Array.from({ length: 5 }, (_, i) => rawRequest({ target: google.target(`/tiles/wait.png?i=${i}`), headers: [['Host', host]] }))));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await gateway.close(400);
  const store = openSqliteStore(dbFile);
  t.after(() => store.close());
  const rows = await store.queryUsage({ by: 'client' });
  assert.deepEqual(rows.map((row) => [row.credentialId, row.outcome, row.count]), [[google.id, 'SHUTDOWN', 5]]);
});
