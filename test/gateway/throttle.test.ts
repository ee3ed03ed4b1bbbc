/**
 * The refusal throttle in the running gateway, over real keep-alive sockets: a connection that
 * keeps sending bad signatures has its later refusals held (seen through the throttle's
 * counters and a response that has not come, never through timings), while other connections,
 * valid requests and unauthenticated routes are not; a verified request starts the connection
 * over; reconnecting, or a new connection per request, does not escape; closing answers every held refusal with its unchanged body
 * instead of waiting; pipelining into it closes the connection; `maxDelayMs: 0` turns it off;
 * and `mapsign serve` checks its option.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { test, type TestContext } from 'node:test';
import { serve } from '../../src/cli/commands/serve.js';
import type { RequestLogEntry, RunningGateway, StartOptions } from '../../src/gateway/index.js';
import { parseCredential, signUrl } from '../../src/index.js';
import { credentialInput } from '../../src/store/index.js';
import { createLoaded, eventually, rawGet, runInProcess, startTestGateway, startUpstream, type SeenRequest } from './helpers.js';

interface Reply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** One keep-alive connection: requests go one after another over the same socket. */
function connection(t: TestContext, base: string): { get(target: string, headers?: Record<string, string>): Promise<Reply>; close(): void; readonly localPorts: Set<number> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const { hostname, port } = new URL(base);
  const localPorts = new Set<number>();
  const get = (target: string, headers: Record<string, string> = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request({ host: hostname, port, path: target, headers, agent }, (res) => {
        localPorts.add(res.socket.localPort!);
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(20_000, () => req.destroy(new Error('test request timed out')));
      req.end();
    });
  return { get, close: () => agent.destroy(), localPorts };
}

/** A response that has not come yet, and whether it has since. */
function held(reply: Promise<Reply>): { readonly reply: Promise<Reply>; settled(): boolean } {
  let settled = false;
  const tracked = reply.finally(() => (settled = true));
  tracked.catch(() => undefined); // a failure is asserted where the reply is awaited
  return { reply: tracked, settled: () => settled };
}

/** A gateway whose throttled refusals would wait a minute: anything held stays held until closed. */
async function setup(t: TestContext, throttle: StartOptions['refusalThrottle'] = { firstDelayMs: 60_000, maxDelayMs: 60_000 }): Promise<{ gateway: RunningGateway; valid: string; forged: string; seen: SeenRequest[]; log: RequestLogEntry[] }> {
  const upstream = await startUpstream(t);
  const log: RequestLogEntry[] = [];
  const { gateway, dbFile } = await startTestGateway(t, upstream.url, { log: (entry) => log.push(entry), ...(throttle === undefined ? {} : { refusalThrottle: throttle }) });
  const issued = await createLoaded(gateway, dbFile, { scheme: 'google', id: 'gme-throttle' });
  const credential = parseCredential(credentialInput('google', 'gme-throttle', issued.text.secret));
  const valid = signUrl('http://gw/tiles/1/2/3.png?client=gme-throttle', credential).slice('http://gw'.length);
  return { gateway, valid, forged: valid.replace('/3.png', '/4.png'), seen: upstream.seen, log };
}

const pendingIs = (gateway: RunningGateway, count: number): Promise<boolean> => eventually(async () => gateway.throttle.stats.pending === count, 5000);

test('a connection that keeps being refused is held back; other connections, valid requests and /healthz are not', async (t) => {
  const { gateway, valid, forged, seen, log } = await setup(t);
  const flooding = connection(t, gateway.address);
  const first = await flooding.get(forged);
  assert.equal(first.status, 403);
  for (let i = 0; i < 2; i++) assert.deepEqual(await flooding.get(forged), first, 'the first three refusals are answered at once');
  const fourth = held(flooding.get(forged, { accept: 'application/json' }));
  assert.ok(await pendingIs(gateway, 1), 'the fourth refusal waits');
  assert.equal(fourth.settled(), false, 'and is not answered yet');

  const other = connection(t, gateway.address);
  for (let i = 0; i < 3; i++) assert.deepEqual(await other.get(forged), first, 'another connection is refused at once');
  assert.equal((await other.get(valid)).status, 200, 'valid traffic passes');
  const json = await other.get(forged, { accept: 'application/json' });
  assert.equal(json.status, 403);
  assert.equal(json.contentType, 'application/json; charset=utf-8');

  const prober = connection(t, gateway.address);
  for (let i = 0; i < 3; i++) assert.equal((await prober.get(forged)).status, 403);
  for (let i = 0; i < 3; i++) assert.equal((await prober.get('/healthz')).status, 200, '/healthz is never held');
  const afterHealth = held(prober.get(forged));
  assert.ok(await pendingIs(gateway, 2), '/healthz does not start a connection over');
  assert.equal(afterHealth.settled(), false);

  const closing = gateway.close(60_000);
  const bound = new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 10_000).unref());
  assert.equal(await Promise.race([closing.then(() => 'closed' as const), bound]), 'closed', 'shutdown does not wait for held refusals');
  assert.deepEqual(await fourth.reply, json, 'a held refusal is a refusal, with the same JSON body');
  assert.deepEqual(await afterHealth.reply, first, 'and the same text body');
  assert.equal(gateway.throttle.stats.delayed, 2);
  for (const client of [flooding, other, prober]) assert.equal(client.localPorts.size, 1, 'each client kept one connection');
  assert.deepEqual(seen.map((request) => request.url), ['/tiles/1/2/3.png'], 'only the valid request reached the upstream');
  const refusals = log.filter((entry) => entry.status === 403);
  assert.equal(refusals.length, 3 + 1 + 4 + 3 + 1, 'each refusal is logged once, held ones too');
  assert.ok(refusals.every((entry) => entry.outcome === 'SIGNATURE_MISMATCH'));
});

test('a verified request on the connection starts its refusals over', async (t) => {
  const { gateway, valid, forged } = await setup(t);
  const client = connection(t, gateway.address);
  for (let i = 0; i < 3; i++) assert.equal((await client.get(forged)).status, 403);
  assert.equal((await client.get(valid)).status, 200);
  // Without the reset these would wait a minute and the client's 20 s timeout would fail them.
  for (let i = 0; i < 3; i++) assert.equal((await client.get(forged)).status, 403);
  const next = held(client.get(forged));
  assert.ok(await pendingIs(gateway, 1), 'three refusals in a row again, then held');
  assert.equal(next.settled(), false);
  assert.equal(client.localPorts.size, 1);
  await gateway.close(60_000);
  assert.equal((await next.reply).status, 403);
});

test('reconnecting does not escape: the peer’s next connection starts where the last one stopped', async (t) => {
  const { gateway, valid, forged } = await setup(t);
  const first = connection(t, gateway.address);
  for (let i = 0; i < 3; i++) await first.get(forged);
  const waiting = held(first.get(forged));
  assert.ok(await pendingIs(gateway, 1));
  first.close(); // the client gives up: its socket closes under the held request
  assert.ok(await eventually(async () => waiting.settled(), 5000), 'the client sees its connection end');
  assert.ok(await pendingIs(gateway, 0), 'its timer is cleared');
  assert.equal(gateway.throttle.stats.peers, 1, 'its peer is remembered');

  const again = connection(t, gateway.address);
  assert.equal((await again.get(valid)).status, 200, 'valid requests from the peer are never held');
  const reconnected = held(connection(t, gateway.address).get(forged));
  assert.ok(await pendingIs(gateway, 1), 'a new connection from the peer is held from its first refusal');
  assert.equal(reconnected.settled(), false);
  await gateway.close(60_000);
  assert.equal((await reconnected.reply).status, 403);
});

test('a client opening a new connection per request is held back too', async (t) => {
  const { gateway, forged } = await setup(t);
  // Each connection's count reaches the peer's record when the gateway sees it close, which may
  // come just after the next connection's request: so the test finds where holding starts.
  let answered = 0;
  let last: ReturnType<typeof held> | undefined;
  for (let i = 0; i < 8 && last === undefined; i++) {
    const reply = held(rawGet(gateway.address, forged).then((r) => ({ status: r.status, contentType: r.headers['content-type'], body: r.body })));
    assert.ok(await eventually(async () => reply.settled() || gateway.throttle.stats.pending === 1, 5000));
    if (reply.settled()) answered += 1;
    else last = reply;
  }
  assert.ok(last !== undefined, 'a refusal was held');
  assert.ok(answered >= 3, `the first three were answered (${answered})`);
  await gateway.close(60_000);
  assert.equal((await last.reply).status, 403);
});

test('a client pipelining into the throttle has its connection closed rather than queued', async (t) => {
  const { gateway, forged } = await setup(t, { firstDelayMs: 60_000, maxDelayMs: 60_000, maxPendingPerConnection: 2 });
  const { hostname, port } = new URL(gateway.address);
  const socket = connect(Number(port), hostname);
  t.after(() => socket.destroy());
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 10_000).unref();
  });
  socket.write(`GET ${forged} HTTP/1.1\r\nHost: gw\r\n\r\n`.repeat(3 + 3));
  assert.ok(await closed, 'the gateway closed the connection');
  // Free refusals still queued behind the first answer go down with the connection.
  const answered = received.match(/^HTTP\/1\.1 \d{3} /gm) ?? [];
  assert.ok(answered.length >= 1 && answered.length <= 3 && answered.every((line) => line.includes(' 403 ')), received);
  assert.ok(await pendingIs(gateway, 0), 'nothing stays queued for the closed connection');
});

test('maxDelayMs 0 turns the throttle off', async (t) => {
  const { gateway, forged } = await setup(t, { maxDelayMs: 0, firstDelayMs: 60_000 });
  const client = connection(t, gateway.address);
  for (let i = 0; i < 8; i++) assert.equal((await client.get(forged)).status, 403);
  assert.deepEqual(gateway.throttle.stats, { delayed: 0, pending: 0, peers: 0 });
  assert.equal(client.localPorts.size, 1);
});

test('mapsign serve documents --refusal-delay-max and refuses a value that is not a duration', async () => {
  const run = (argv: string[]) => runInProcess(serve, argv);
  assert.match((await run(['--help'])).out, /--refusal-delay-max D .*\n.*0 turns it off/);
  const bad = await run(['--upstream', 'http://127.0.0.1:9', '--refusal-delay-max', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--refusal-delay-max "soon" is not a duration/);
});
