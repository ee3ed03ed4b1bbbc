/**
 * The raw test helpers themselves (test/support/raw-upstream.ts, raw-client.ts), so that a
 * failing gateway test points at the gateway: the upstream records the exact request line,
 * header lines as sent, bodies with and without chunked framing, keeps several requests on one
 * socket apart, answers in each configured way, and records when its sockets close.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exchange, NoResponse, RawConnection, rawRequest } from './raw-client.js';
import { startRawUpstream } from './raw-upstream.js';

test('the raw upstream records request lines, header lines as sent, and bodies byte for byte', async (t) => {
  const upstream = await startRawUpstream(t);
  const client = await RawConnection.open(upstream.url);
  t.after(() => client.destroy());
  client.write(rawRequest({ target: '/a?%2F&&b=', headers: [['Host', 'x'], ['X-Case', ' Value '], ['x-case', 'two']] }));
  assert.equal((await client.final(2000)).response.text, 'ok');
  client.write(rawRequest({ method: 'POST', target: '/b', headers: [['Host', 'x'], ['Transfer-Encoding', 'chunked']], body: '3\r\nabc\r\n2;ext=1\r\n\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n' }));
  assert.equal((await client.final(2000)).response.status, 200);
  client.write(rawRequest({ method: 'POST', target: '/c', headers: [['Host', 'x'], ['Content-Length', '4']], body: '\u0000\r\n\u00ff' }));
  assert.equal((await client.final(2000)).response.status, 200);
  const [a, b, c] = upstream.requests;
  assert.equal(a!.requestLine, 'GET /a?%2F&&b= HTTP/1.1');
  assert.deepEqual(a!.headerLines, [['Host', 'x'], ['X-Case', 'Value'], ['x-case', 'two']]);
  assert.deepEqual(a!.all('X-CASE'), ['Value', 'two']);
  assert.equal(b!.body.toString('latin1'), 'abc\r\n');
  assert.ok(b!.complete);
  assert.deepEqual([...c!.body], [0, 13, 10, 255]);
  assert.equal(new Set(upstream.requests.map((seen) => seen.socket.id)).size, 1, 'one keep-alive socket');
});

test('the raw upstream answers slowly, in chunks, stalled or never, and records socket closes', async (t) => {
  const upstream = await startRawUpstream(t, (request) => {
    if (request.target === '/stream') return { kind: 'stream', chunks: 3, chunkBytes: 5, delayMs: 10, chunked: true };
    if (request.target === '/stall') return { kind: 'headers-then-stall', firstBytes: 4 };
    if (request.target === '/never') return { kind: 'never' };
    return { kind: 'fixed', status: 201, body: 'late', delayMs: 100, headers: { 'x-up': '1' } };
  });
  const streamed = await exchange(upstream.url, rawRequest({ target: '/stream', headers: [['Host', 'x']] }));
  assert.equal(typeof streamed === 'string' ? streamed : streamed.text, 'bbbbbbbbbbbbbbb');
  const late = await exchange(upstream.url, rawRequest({ target: '/late', headers: [['Host', 'x']] }));
  assert.equal(typeof late === 'string' ? late : `${late.status} ${late.header('x-up')} ${late.text}`, '201 1 late');
  assert.equal(await exchange(upstream.url, rawRequest({ target: '/never', headers: [['Host', 'x']] }), { timeoutMs: 200 }), 'timeout');
  const stall = await RawConnection.open(upstream.url);
  stall.write(rawRequest({ target: '/stall', headers: [['Host', 'x']] }));
  assert.ok(await stall.waitForBytes(20, 2000));
  await assert.rejects(stall.read(200), (error: unknown) => error instanceof NoResponse && error.why === 'timeout');
  const socket = upstream.requests.at(-1)!.socket;
  assert.equal(socket.closedAt, undefined);
  stall.destroy();
  assert.ok(await upstream.waitForClose(socket, 2000), 'the close is recorded');
});
