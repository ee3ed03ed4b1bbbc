/**
 * The access log of a real `mapsign serve` process, the request id and `--no-debugger`: each
 * log line carries the client's address, the referrer's origin and path, the user agent
 * (escaped for a terminal), the response bytes, the upstream's status and the request id —
 * the id the raw upstream received as `X-Request-Id` and the client got back — and never the
 * query, the signature or the referrer's query. A client's own `X-Request-Id` never reaches the
 * upstream; a trusted proxy's well-formed one is kept, with the client it forwarded for.
 * `--no-debugger` refuses `/debugger` like any unsigned path; `/healthz` answers JSON.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createCredential, openSqliteStore } from '../../src/store/index.js';
import { exchange, rawRequest, type RawResponse } from '../support/raw-client.js';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream.js';
import { spawnServe, type ServeProcess } from '../support/serve-process.js';
import { credentialFor, type TestCredential } from '../support/signing.js';
import { eventually, tempDir } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TILE = 'tile-bytes-0123456789';

interface Rig {
  readonly gateway: ServeProcess;
  readonly upstream: RawUpstream;
  readonly google: TestCredential;
  send(target: string, headers?: readonly (readonly [string, string])[]): Promise<RawResponse>;
  /** The log line of the request with this id, once written. */
  lineFor(requestId: string): Promise<Record<string, unknown>>;
}

async function startRig(t: TestContext, flags: readonly string[]): Promise<Rig> {
  const db = join(await tempDir(t), 'log.db');
  const store = openSqliteStore(db);
  const issued = await createCredential(store, { scheme: 'google', id: 'gme-acme' });
  await store.close();
  const upstream = await startRawUpstream(t, (request) => (request.target.startsWith('/broken') ? { kind: 'fixed', status: 503, body: 'down' } : { kind: 'fixed', status: 200, body: TILE }));
  const gateway = await spawnServe(t, ['--upstream', upstream.url, '--port', '0', '--db', db, '--refusal-delay-max', '0', ...flags]);
  const host = new URL(gateway.address).host;
  const lines = (): Record<string, unknown>[] => gateway.stdout().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    gateway,
    upstream,
    google: credentialFor('google', issued.text.id, issued.text.secret),
    async send(target, headers = []) {
      const answer = await exchange(gateway.address, rawRequest({ target, headers: [['Host', host], ...headers] }));
      assert.ok(typeof answer === 'object', `an answer to ${target}: ${String(answer)}`);
      return answer;
    },
    async lineFor(requestId) {
      let found: Record<string, unknown> | undefined;
      assert.ok(await eventually(() => (found = lines().find((line) => line['requestId'] === requestId)) !== undefined, 5000), `a log line for ${requestId}: ${gateway.stdout()}`);
      return found!;
    },
  };
}

test('serve logs client, referrer, user agent, bytes, upstream status and request id — never a query or signature; --no-debugger', async (t) => {
  const rig = await startRig(t, ['--no-debugger']);
  const { google, upstream } = rig;
  const signed = google.target('/tiles/1/2/3.png?style=dark');
  const signature = signed.slice(signed.indexOf('signature=') + 'signature='.length);
  const forwarded = await rig.send(signed, [
    ['Referer', 'https://app.example.com/map/view?session=s3cret-token#top'],
    ['User-Agent', 'TileFetcher/2.1 \x85(C1)'],
    ['X-Request-Id', 'client-chosen-id'],
    ['X-Forwarded-For', '198.51.100.7'],
  ]);
  assert.equal(forwarded.status, 200, forwarded.text);
  const id = forwarded.header('x-request-id')!;
  assert.match(id, UUID, "the gateway's own id: a client's X-Request-Id is not believed");
  assert.deepEqual(upstream.requests[0]!.all('x-request-id'), [id], 'the upstream got the same id, once, and not the client’s');
  const line = await rig.lineFor(id);
  assert.deepEqual({ ...line, time: typeof line['time'], ms: typeof line['ms'] }, {
    time: 'string',
    method: 'GET',
    path: '/tiles/1/2/3.png',
    status: 200,
    outcome: 'ok',
    credential: google.id,
    ms: 'number',
    requestId: id,
    client: '127.0.0.1',
    referrer: 'https://app.example.com/map/view',
    userAgent: 'TileFetcher/2.1 \x85(C1)',
    bytes: Buffer.byteLength(TILE),
    upstreamStatus: 200,
  });

  const refused = await rig.send(signed.replace('/3.png', '/4.png'));
  assert.equal(refused.status, 403);
  const refusedLine = await rig.lineFor(refused.header('x-request-id')!);
  assert.deepEqual([refusedLine['outcome'], refusedLine['bytes'], refusedLine['upstreamStatus']], ['SIGNATURE_MISMATCH', refused.body.length, undefined]);

  const broken = await rig.send(google.target('/broken/tile.png'));
  assert.equal(broken.status, 503);
  const brokenLine = await rig.lineFor(broken.header('x-request-id')!);
  assert.deepEqual([brokenLine['status'], brokenLine['outcome'], brokenLine['upstreamStatus'], brokenLine['bytes']], [503, 'UPSTREAM_5XX', 503, 4]);

  const page = await rig.send('/debugger');
  assert.equal(page.status, 403, '--no-debugger: refused like any unsigned path');
  assert.match(page.text, /^403 Forbidden: MISSING_/);
  assert.doesNotMatch(rig.gateway.stderr(), /Debugger/);

  const health = await rig.send('/healthz');
  assert.equal(health.header('content-type'), 'application/json; charset=utf-8');
  const body = JSON.parse(health.text) as Record<string, unknown>;
  assert.deepEqual({ ...body, bufferedUsage: typeof body['bufferedUsage'] }, { status: 'ok', store: 'sqlite', database: 'ok', credentials: 1, bufferedUsage: 'number', droppedUsage: 0 });

  const log = rig.gateway.stdout();
  // The C1 control is written escaped: the raw byte would reach an operator's terminal.
  assert.ok(log.includes('\\u0085') && !log.includes('\x85'), 'the user agent is escaped for a terminal');
  for (const secret of ['signature=', signature, 'style=dark', 's3cret', 'session', '?', 'client-chosen-id', '198.51.100.7']) assert.ok(!log.includes(secret), `the log never has ${secret}`);
});

test('behind a trusted proxy: its well-formed X-Request-Id and forwarded client are kept; a malformed id is replaced', async (t) => {
  const rig = await startRig(t, ['--trust-proxy', 'loopback']);
  const { google, upstream } = rig;
  const kept = await rig.send(google.target('/tiles/1.png'), [['X-Request-Id', 'edge-7f3a.42'], ['X-Forwarded-For', '198.51.100.7, 203.0.113.9']]);
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.header('x-request-id'), 'edge-7f3a.42');
  assert.deepEqual(upstream.requests[0]!.all('x-request-id'), ['edge-7f3a.42']);
  const line = await rig.lineFor('edge-7f3a.42');
  assert.equal(line['client'], '203.0.113.9', 'the address the trusted proxy appended, not what the client wrote first');

  for (const malformed of ['has space', 'x'.repeat(129), 'semi;colon']) {
    const replaced = await rig.send(google.target('/tiles/2.png'), [['X-Request-Id', malformed]]);
    assert.match(replaced.header('x-request-id')!, UUID, JSON.stringify(malformed));
    assert.deepEqual(upstream.requests.at(-1)!.all('x-request-id'), [replaced.header('x-request-id')]);
  }
  assert.equal((await rig.send('/debugger')).status, 200, 'the debugger is served without --no-debugger');
});
