/**
 * The resilient decorator around a real PostgreSQL store whose server is stopped and started:
 * cached credentials and marker keep answering, usage is buffered (merged, bounded, fair between
 * credentials) and written on return, admin operations still fail, and each state change is
 * logged exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isStoreError } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { resilientStore } from '../../src/store/resilient.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { eventually } from '../support/eventually.js';

let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(() => server?.cleanup());


const T0 = Date.UTC(2026, 0, 10, 12);
const day = '2026-01-10';

test('while the database is down: cached reads, buffered usage, failing admin calls, one log line per change', async (t) => {
  const url = await server.createDatabase();
  const logs: string[] = [];
  const store = resilientStore(await openPostgresStore(url, { connectTimeoutMs: 1000 }), { retryMs: 100, maxBufferedKeys: 2, log: (m) => logs.push(m) });
  t.after(() => store.close());
  await store.insertCredential({ id: 'gme-a', scheme: 'google', label: null, secretText: 'SECRET-ONE', createdAt: T0 });
  await store.rotateSecret('gme-a', 'SECRET-TWO', T0 + 1, T0 + 1000);
  const records = await store.loadVerifierRecords(T0 + 2);
  const marker = await store.changeMarker();
  assert.equal(store.health().database, 'ok');

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
    const delta = (credentialId: string, count: number) => ({ day, credentialId, channel: '', outcome: 'ok', count });
    await store.recordUsage([delta('gme-a', 2), delta('', 1)]);
    await store.recordUsage([delta('gme-a', 3), delta('gme-z', 7)]);
    await store.recordUsage([delta('gme-z', 1), delta('gme-y', 5)]);
    assert.deepEqual({ ...store.health(), since: '' }, { database: 'unreachable', since: '', bufferedUsage: 14, droppedUsage: 5 });

    // Admin operations fail plainly rather than pretending.
    await assert.rejects(store.revokeCredential('gme-a', T0), (e) => isStoreError(e, 'STORE_FAILED'));
    await assert.rejects(store.listCredentials(), (e) => isStoreError(e, 'STORE_FAILED'));
    for (let i = 0; i < 5; i++) await store.changeMarker();
    assert.equal(logs.filter((m) => /unreachable/.test(m)).length, 1, logs.join('\n'));
    assert.equal(logs.filter((m) => /buffer full/.test(m)).length, 1, logs.join('\n'));
  } finally {
    await server.start();
  }

  // The retry timer finds the database, writes the buffer, and says so once.
  assert.ok(await eventually(() => store.health().database === 'ok' && store.health().bufferedUsage === 0, 10_000), JSON.stringify(store.health()));
  assert.deepEqual(await store.queryUsage({ by: 'client' }), [
    { credentialId: '', outcome: 'ok', count: 1 },
    { credentialId: 'gme-a', outcome: 'ok', count: 5 },
    { credentialId: 'gme-z', outcome: 'ok', count: 8 },
  ]);
  assert.equal(logs.filter((m) => /reachable again/.test(m)).length, 1, logs.join('\n'));
  assert.doesNotMatch(logs.join('\n'), /SECRET-ONE|SECRET-TWO/);
});

test('usage buffered by an idle gateway is written as soon as any call finds the database back', async (t) => {
  const url = await server.createDatabase();
  // A probe interval longer than the test: only the gateway's own poll can find the database.
  const store = resilientStore(await openPostgresStore(url, { connectTimeoutMs: 1000 }), { retryMs: 600_000 });
  t.after(() => store.close());
  await store.changeMarker();
  await server.stop();
  try {
    await store.recordUsage([{ day, credentialId: 'gme-a', channel: '', outcome: 'ok', count: 4 }]);
    assert.equal(store.health().bufferedUsage, 4);
  } finally {
    await server.start();
  }
  await store.changeMarker();
  assert.ok(await eventually(() => store.health().bufferedUsage === 0, 10_000), JSON.stringify(store.health()));
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
  // Room for 40 keys, 5 channels per credential and day: the flood brings 2000 channels.
  const store = resilientStore(await openPostgresStore(url, { connectTimeoutMs: 1000, maxChannels: 5 }), { retryMs: 100, maxBufferedKeys: 40, maxChannels: 5, log: (m) => logs.push(m) });
  t.after(() => store.close());
  await store.changeMarker();
  const delta = (credentialId: string, channel: string, count: number, outcome = 'ok') => ({ day, credentialId, channel, outcome, count });
  const calm = ['gme-a', 'gme-b', 'key-c'];
  await server.stop();
  try {
    await store.recordUsage(calm.map((id) => delta(id, 'web', 1)));
    for (let flush = 0; flush < 20; flush++) {
      // One gateway flush: 100 fresh channels from the flooder, ordinary counts from the others.
      await store.recordUsage([
        ...Array.from({ length: 100 }, (_, i) => delta('gme-flood', `f${flush}-${i}`, 1)),
        ...calm.flatMap((id) => [delta(id, 'web', 1), delta(id, '', 2), delta(id, 'app', 1, 'SIGNATURE_MISMATCH')]),
      ]);
    }
    // Keys first seen after the flood still fit.
    await store.recordUsage(calm.map((id) => delta(id, 'late', 4)));
    assert.equal(store.health().droppedUsage, 0, logs.join('\n'));
    assert.equal(store.health().bufferedUsage, 3 + 20 * (100 + 3 * 4) + 3 * 4);
  } finally {
    await server.start();
  }
  assert.ok(await eventually(() => store.health().database === 'ok' && store.health().bufferedUsage === 0, 10_000), JSON.stringify(store.health()));
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
