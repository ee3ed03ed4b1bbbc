/**
 * The resilient decorator around a real PostgreSQL store whose server is stopped and started:
 * cached credentials and marker keep answering, usage writes and admin operations fail plainly
 * while the gateway's usage recorder — the one usage buffer — keeps its counts (merged, bounded,
 * fair between credentials) and writes them on return, and each state change is logged once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isStoreError } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { resilientStore } from '../../src/store/resilient.js';
import { UsageRecorder } from '../../src/gateway/usage-recorder.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { eventually } from '../support/eventually.js';

let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(() => server?.cleanup());


const T0 = Date.UTC(2026, 0, 10, 12);
const day = '2026-01-10';

test('while the database is down: cached reads, usage kept by the recorder, failing admin calls, one log line per change', async (t) => {
  const url = await server.createDatabase();
  const logs: string[] = [];
  const store = resilientStore(await openPostgresStore(url, { connectTimeoutMs: 1000 }), { retryMs: 100, log: (m) => logs.push(m) });
  t.after(() => store.close());
  // Flushed by hand, so the batches are exactly these; two keys of room besides the batch retried.
  const usage = new UsageRecorder(store, { flushMs: 3_600_000, maxKeys: 2, now: () => T0, onError: (m) => logs.push(m) });
  t.after(() => usage.close());
  await store.insertCredential({ id: 'gme-a', scheme: 'google', label: null, secretText: 'SECRET-ONE', createdAt: T0 });
  await store.rotateSecret('gme-a', 'SECRET-TWO', T0 + 1, T0 + 1000);
  const records = await store.loadVerifierRecords(T0 + 2);
  const marker = await store.changeMarker();
  assert.equal(store.health().database, 'ok');

  const count = (credentialId: string, times: number): void => {
    for (let i = 0; i < times; i++) usage.count(credentialId, '', 'ok');
  };
  await server.stop();
  try {
    // Reads answer from the last good copy, less the secret whose overlap has ended since.
    assert.deepEqual(await store.loadVerifierRecords(T0 + 2), records);
    assert.deepEqual((await store.loadVerifierRecords(T0 + 5000))[0]!.secrets, [{ text: 'SECRET-TWO', expiresAt: null }]);
    assert.equal(await store.changeMarker(), marker);
    const health = store.health();
    assert.equal(health.database, 'unreachable');
    assert.ok(Date.parse(health.since) <= Date.now());

    // The failed batch is kept apart, to be retried as is; later usage is merged by key and
    // bounded: a third distinct key is dropped and counted.
    count('gme-a', 2);
    count('', 1);
    await usage.flush();
    count('gme-a', 3);
    count('gme-z', 7);
    await usage.flush();
    count('gme-z', 1);
    count('gme-y', 5);
    await usage.flush();
    assert.deepEqual(usage.stats, { buffered: 14, dropped: 5 });
    await assert.rejects(store.recordUsage([{ day, credentialId: 'gme-a', channel: '', outcome: 'ok', count: 1 }], 'direct'), (e) => isStoreError(e, 'STORE_FAILED'), 'the store itself buffers nothing');

    // Admin operations fail plainly rather than pretending.
    await assert.rejects(store.revokeCredential('gme-a', T0), (e) => isStoreError(e, 'STORE_FAILED'));
    await assert.rejects(store.listCredentials(), (e) => isStoreError(e, 'STORE_FAILED'));
    for (let i = 0; i < 5; i++) await store.changeMarker();
    assert.equal(logs.filter((m) => /unreachable/.test(m)).length, 1, logs.join('\n'));
    assert.equal(logs.filter((m) => /buffer full/.test(m)).length, 1, logs.join('\n'));
  } finally {
    await server.start();
  }

  // The retry timer finds the database and says so once; the recorder's next flush writes all.
  assert.ok(await eventually(() => store.health().database === 'ok', 10_000), JSON.stringify(store.health()));
  assert.ok(await eventually(async () => (await usage.flush(), usage.stats.buffered === 0), 10_000), JSON.stringify(usage.stats));
  assert.deepEqual(await store.queryUsage({ by: 'client' }), [
    { credentialId: '', outcome: 'ok', count: 1 },
    { credentialId: 'gme-a', outcome: 'ok', count: 5 },
    { credentialId: 'gme-z', outcome: 'ok', count: 8 },
  ]);
  assert.equal(logs.filter((m) => /reachable again/.test(m)).length, 1, logs.join('\n'));
  assert.doesNotMatch(logs.join('\n'), /SECRET-ONE|SECRET-TWO/);
});

test('usage kept by an idle gateway is written at its next flush once the database is back', async (t) => {
  const url = await server.createDatabase();
  // A probe interval longer than the test: only the recorder's own write finds the database.
  const store = resilientStore(await openPostgresStore(url, { connectTimeoutMs: 1000 }), { retryMs: 600_000 });
  t.after(() => store.close());
  const usage = new UsageRecorder(store, { flushMs: 3_600_000, now: () => T0 });
  t.after(() => usage.close());
  await store.changeMarker();
  await server.stop();
  try {
    for (let i = 0; i < 4; i++) usage.count('gme-a', '', 'ok');
    await usage.flush();
    assert.equal(usage.stats.buffered, 4);
  } finally {
    await server.start();
  }
  assert.ok(await eventually(async () => (await usage.flush(), usage.stats.buffered === 0), 10_000), JSON.stringify(usage.stats));
  assert.equal(store.health().database, 'ok');
  assert.deepEqual(await store.queryUsage({ by: 'day' }), [{ day, outcome: 'ok', count: 4 }]);
});

test('with nothing cached yet, an unreachable database is an error, not an empty credential list', async (t) => {
  const url = await server.createDatabase();
  const store = resilientStore(await openPostgresStore(url, { connectTimeoutMs: 1000 }), { retryMs: 100 });
  t.after(() => store.close());
  await server.stop();
  try {
    await assert.rejects(store.loadVerifierRecords(T0), (e) => isStoreError(e, 'STORE_FAILED'));
    await assert.rejects(store.changeMarker(), (e) => isStoreError(e, 'STORE_FAILED'));
  } finally {
    await server.start();
  }
  assert.ok(await eventually(() => store.health().database === 'ok', 10_000));
  assert.deepEqual(await store.loadVerifierRecords(T0), []);
});

test('a refusal from the database is passed through and does not count as an outage', async (t) => {
  const url = await server.createDatabase();
  const logs: string[] = [];
  const store = resilientStore(await openPostgresStore(url), { log: (m) => logs.push(m) });
  t.after(() => store.close());
  await assert.rejects(store.revokeCredential('nope', T0), (e) => isStoreError(e, 'CREDENTIAL_NOT_FOUND'));
  assert.equal(store.health().database, 'ok');
  assert.deepEqual(logs, []);
});

test('a channel flood from one credential during an outage leaves every other credential exact', async (t) => {
  const url = await server.createDatabase();
  const logs: string[] = [];
  const store = resilientStore(await openPostgresStore(url, { connectTimeoutMs: 1000, maxChannels: 5 }), { retryMs: 100, log: (m) => logs.push(m) });
  t.after(() => store.close());
  // Room for 40 keys, 5 channels per credential and day: the flood brings 2000 channels.
  const usage = new UsageRecorder(store, { flushMs: 3_600_000, maxKeys: 40, maxChannels: 5, now: () => T0, onError: (m) => logs.push(m) });
  t.after(() => usage.close());
  await store.changeMarker();
  const count = (credentialId: string, channel: string, times: number, outcome: 'ok' | 'SIGNATURE_MISMATCH' = 'ok'): void => {
    for (let i = 0; i < times; i++) usage.count(credentialId, channel, outcome);
  };
  const calm = ['gme-a', 'gme-b', 'key-c'];
  await server.stop();
  try {
    for (const id of calm) count(id, 'web', 1);
    await usage.flush();
    for (let flush = 0; flush < 20; flush++) {
      // One gateway flush: 100 fresh channels from the flooder, ordinary counts from the others.
      for (let i = 0; i < 100; i++) count('gme-flood', `f${flush}-${i}`, 1);
      for (const id of calm) {
        count(id, 'web', 1);
        count(id, '', 2);
        count(id, 'app', 1, 'SIGNATURE_MISMATCH');
      }
      await usage.flush();
    }
    // Keys first seen after the flood still fit.
    for (const id of calm) count(id, 'late', 4);
    assert.equal(usage.stats.dropped, 0, logs.join('\n'));
    assert.equal(usage.stats.buffered, 3 + 20 * (100 + 3 * 4) + 3 * 4);
  } finally {
    await server.start();
  }
  assert.ok(await eventually(async () => (await usage.flush(), usage.stats.buffered === 0), 10_000), JSON.stringify(usage.stats));
  const rows = await store.queryUsage({ by: 'channel' });
  for (const id of calm) {
    assert.deepEqual(rows.filter((r) => r.credentialId === id), [
      { credentialId: id, channel: '', outcome: 'ok', count: 40 },
      { credentialId: id, channel: 'app', outcome: 'SIGNATURE_MISMATCH', count: 20 },
      { credentialId: id, channel: 'late', outcome: 'ok', count: 4 },
      { credentialId: id, channel: 'web', outcome: 'ok', count: 21 },
    ]);
  }
  const flooded = rows.filter((r) => r.credentialId === 'gme-flood');
  assert.deepEqual(flooded.map((r) => r.channel), ['(other)', 'f0-0', 'f0-1', 'f0-2', 'f0-3', 'f0-4']);
  assert.equal(flooded.reduce((sum, r) => sum + r.count, 0), 2000, 'the flooder\'s total stays exact');
  assert.deepEqual(logs.filter((m) => /buffer full/.test(m)), []);
});
