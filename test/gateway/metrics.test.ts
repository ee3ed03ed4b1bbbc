/**
 * Prometheus metrics scraped from a real gateway's admin listener and parsed as the text
 * exposition format: the counts match the requests sent (by credential and outcome, the
 * latency histogram by result, upstream failures by kind), the cache, store and usage gauges
 * match the gateway's state, the bearer token is required and `/metrics` is not on the public
 * port; label cardinality stays bounded under a flood of distinct credential ids and channels,
 * and past `maxCredentialLabels` known ids count as `(other)`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CredentialCache } from '../../src/gateway/credential-cache.js';
import { createGatewayMetrics } from '../../src/gateway/metrics.js';
import { UsageRecorder } from '../../src/gateway/usage-recorder.js';
import { createCredential, openSqliteStore } from '../../src/store/index.js';
import { parseExposition, valueOf, type Sample } from '../support/prometheus.js';
import { startRawUpstream } from '../support/raw-upstream.js';
import { issue } from '../support/signing.js';
import { eventually, rawGet, startTestGateway, tempDir } from './helpers.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

async function scrape(adminAddress: string): Promise<ReturnType<typeof parseExposition>> {
  const response = await rawGet(adminAddress, '/metrics', { authorization: `Bearer ${TOKEN}` });
  assert.equal(response.status, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseExposition(response.body);
}

/** `credential|outcome` → count, from `mapsign_requests_total`. */
function requestCounts(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) if (s.name === 'mapsign_requests_total') counts[`${s.labels['credential']}|${s.labels['outcome']}`] = s.value;
  return counts;
}

async function startMetricsGateway(t: Parameters<typeof startTestGateway>[0]) {
  const upstream = await startRawUpstream(t, (request) => (request.target.startsWith('/broken') ? { kind: 'fixed', status: 503, body: 'down' } : { kind: 'fixed', status: 200, body: 'tile' }));
  // Refusals from one peer are delayed by default: off, so a flood of them is quick to send.
  const { gateway, dbFile } = await startTestGateway(t, upstream.url, { admin: { listen: { port: 0 }, token: TOKEN }, refusalThrottle: { maxDelayMs: 0 } });
  const google = await issue(gateway, dbFile, 'google');
  return { gateway, google, admin: gateway.adminAddress! };
}

test('/metrics counts every request by credential and outcome, times them, and reports cache, store and usage', async (t) => {
  const { gateway, google, admin } = await startMetricsGateway(t);
  const tampered = google.target('/tiles/2.png').replace('2.png', '3.png');
  const sent: { target: string; credential: string }[] = [
    ...Array.from({ length: 3 }, (_, i) => ({ target: google.target(`/tiles/${i}.png`), credential: google.id })),
    { target: google.target('/broken/x'), credential: google.id },
    { target: tampered, credential: google.id },
    { target: tampered, credential: google.id },
    { target: `/tiles/1.png?client=gme-nobody&signature=${'A'.repeat(27)}=`, credential: '' },
    { target: '/tiles/1.png', credential: '' },
  ];
  const expected: Record<string, number> = {};
  for (const { target, credential } of sent) {
    const response = await rawGet(gateway.address, target, { accept: 'application/json' });
    const outcome = response.status === 200 ? 'ok' : response.status === 503 ? 'UPSTREAM_5XX' : (JSON.parse(response.body) as { error: { reason: string } }).error.reason;
    expected[`${credential}|${outcome}`] = (expected[`${credential}|${outcome}`] ?? 0) + 1;
  }
  assert.deepEqual(Object.keys(expected).sort(), [`${google.id}|SIGNATURE_MISMATCH`, `${google.id}|UPSTREAM_5XX`, `${google.id}|ok`, '|MISSING_SIGNATURE', '|UNKNOWN_CREDENTIAL'].sort(), 'every kind of ending was sent');

  // A request is observed once its answer is over, just after the client has it.
  let scraped = await scrape(admin);
  assert.ok(await eventually(async () => Object.values(requestCounts((scraped = await scrape(admin)).samples)).reduce((a, b) => a + b, 0) === sent.length, 5000), 'all requests observed');
  const { samples, types } = scraped;
  assert.deepEqual(requestCounts(samples), expected);
  assert.equal(valueOf(samples, 'mapsign_request_duration_seconds_count', { result: 'forwarded' }), 4);
  assert.equal(valueOf(samples, 'mapsign_request_duration_seconds_count', { result: 'refused' }), 4);
  const buckets = samples.filter((s) => s.name === 'mapsign_request_duration_seconds_bucket' && s.labels['result'] === 'forwarded').map((s) => s.value);
  assert.ok(buckets.every((count, i) => i === 0 || count >= buckets[i - 1]!), 'buckets are cumulative');
  assert.equal(valueOf(samples, 'mapsign_request_duration_seconds_bucket', { result: 'forwarded', le: '+Inf' }), 4);
  assert.deepEqual(
    Object.fromEntries(samples.filter((s) => s.name === 'mapsign_upstream_failures_total').map((s) => [s.labels['kind'], s.value])),
    { UPSTREAM_UNREACHABLE: 0, UPSTREAM_TIMEOUT: 0, UPSTREAM_INVALID: 0, UPSTREAM_5XX: 1 },
  );
  assert.equal(valueOf(samples, 'mapsign_credentials_loaded'), 1);
  assert.equal(valueOf(samples, 'mapsign_store_up'), 1);
  assert.equal(valueOf(samples, 'mapsign_credential_reloads_total', { result: 'ok' }), gateway.cache.stats.reloads);
  assert.ok(gateway.cache.stats.reloads >= 2, 'the first load and the one after the credential was created');
  assert.equal(valueOf(samples, 'mapsign_credential_reloads_total', { result: 'failed' }), 0);
  assert.equal(valueOf(samples, 'mapsign_usage_buffered'), sent.length, 'every request counted, none written yet');
  assert.equal(valueOf(samples, 'mapsign_usage_dropped_total'), 0);
  assert.deepEqual(Object.fromEntries(types), {
    mapsign_requests_total: 'counter',
    mapsign_request_duration_seconds: 'histogram',
    mapsign_upstream_failures_total: 'counter',
    mapsign_credential_reloads_total: 'counter',
    mapsign_credentials_loaded: 'gauge',
    mapsign_store_up: 'gauge',
    mapsign_usage_buffered: 'gauge',
    mapsign_usage_dropped_total: 'counter',
  });
  await gateway.usage.flush();
  assert.equal(valueOf((await scrape(admin)).samples, 'mapsign_usage_buffered'), 0, 'written');

  assert.equal((await rawGet(admin, '/metrics')).status, 401, 'the admin token is required');
  assert.equal((await rawGet(admin, '/metrics', { authorization: 'Bearer wrong-token-0123456789' })).status, 401);
  const queried = await rawGet(admin, '/metrics?name=mapsign_store_up', { authorization: `Bearer ${TOKEN}` });
  assert.equal(queried.status, 400, 'a query parameter is refused, as on every admin endpoint');
  assert.deepEqual([JSON.parse(queried.body).error.reason, JSON.parse(queried.body).error.field], ['UNKNOWN_FIELD', 'name']);
  const publicPort = await rawGet(gateway.address, '/metrics');
  assert.equal(publicPort.status, 403, 'not on the public port: an unsigned path like any other');
  assert.doesNotMatch(publicPort.body, /mapsign_requests_total/);
});

test('a flood of distinct credential ids and channels adds no series', async (t) => {
  const { gateway, google, admin } = await startMetricsGateway(t);
  for (let i = 0; i < 100; i++) {
    assert.equal((await rawGet(gateway.address, `/t.png?client=gme-flood-${i}&signature=${'A'.repeat(27)}=`)).status, 403);
    assert.equal((await rawGet(gateway.address, google.target(`/t.png?channel=chan-${i}`))).status, 200);
  }
  let text = '';
  assert.ok(
    await eventually(async () => {
      text = (await rawGet(admin, '/metrics', { authorization: `Bearer ${TOKEN}` })).body;
      return Object.values(requestCounts(parseExposition(text).samples)).reduce((a, b) => a + b, 0) === 200;
    }, 5000),
  );
  assert.deepEqual(requestCounts(parseExposition(text).samples), { [`${google.id}|ok`]: 100, '|UNKNOWN_CREDENTIAL': 100 });
  assert.doesNotMatch(text, /gme-flood|chan-/, 'no id or channel a client chose is a label');
  assert.ok(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length < 60, 'the series stay few');
});

test('past maxCredentialLabels, and for ids the cache does not hold, the credential label is (other)', async (t) => {
  const store = openSqliteStore(join(await tempDir(t), 'm.db'));
  t.after(() => store.close());
  const ids = ['gme-c1', 'gme-c2', 'gme-c3'];
  for (const id of ids) await createCredential(store, { scheme: 'google', id });
  const cache = await CredentialCache.open(store, { pollMs: 3_600_000 });
  t.after(() => cache.close());
  const usage = new UsageRecorder(store, { flushMs: 3_600_000, maxKeys: 1, maxChannels: 1 });
  t.after(() => usage.close());
  const metrics = createGatewayMetrics({ store, credentials: cache, usage, maxCredentialLabels: 2 });
  for (const credential of [...ids, 'gme-ghost', 'gme-c1', undefined]) {
    metrics.observe({ method: 'GET', path: '/t', status: 200, outcome: 'ok', credential, ms: 2 });
    usage.count(credential ?? '', '', 'ok');
  }
  const { samples } = parseExposition(await (await metrics.handler(new Request('http://admin/metrics'))).text());
  assert.deepEqual(requestCounts(samples), { 'gme-c1|ok': 2, 'gme-c2|ok': 1, '(other)|ok': 2, '|ok': 1 });
  assert.ok(usage.stats.dropped > 0, 'the one-key buffer dropped counts');
  assert.equal(valueOf(samples, 'mapsign_usage_dropped_total'), usage.stats.dropped);
  assert.equal(valueOf(samples, 'mapsign_usage_buffered'), usage.stats.buffered);
  assert.equal(valueOf(samples, 'mapsign_credentials_loaded'), 3);
  assert.equal(valueOf(samples, 'mapsign_request_duration_seconds_sum', { result: 'forwarded' }), undefined, 'no upstream status: not forwarded');
  assert.equal(valueOf(samples, 'mapsign_request_duration_seconds_count', { result: 'refused' }), 6);
});
