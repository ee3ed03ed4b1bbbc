/**
 * The PostgreSQL store on a real server: the shared contract suite, then what only a shared
 * database has — several stores flushing usage at once with nothing lost, migrations raced from
 * several connections, the change marker following NOTIFY, and errors that name the database
 * without its password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { isStoreError, type MapsignStore, type UsageDelta } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres-schema.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { runStoreSuite } from './store-suite.js';

let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(() => server?.cleanup());

runStoreSuite('postgresql', async () => {
  const url = await server.createDatabase();
  return { open: () => openPostgresStore(url), reopen: () => openPostgresStore(url), cleanup: async () => {} };
});

/** Opens `count` stores on one fresh database, closed after the suite. */
async function storesOnOneDatabase(count: number, closers: MapsignStore[]): Promise<{ url: string; stores: MapsignStore[] }> {
  const url = await server.createDatabase();
  const stores = await Promise.all(Array.from({ length: count }, () => openPostgresStore(url)));
  closers.push(...stores);
  return { url, stores };
}

describe('postgresql: several gateways on one database', () => {
  const opened: MapsignStore[] = [];
  after(async () => {
    await Promise.all(opened.map((store) => store.close()));
  });

  test('migrations raced from several connections leave one schema at the current version', async () => {
    const { url, stores } = await storesOnOneDatabase(6, opened);
    assert.equal(stores.length, 6);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>('SELECT version FROM mapsign.schema_version');
      assert.deepEqual(rows, [{ version: PG_SCHEMA_VERSION }]);
      const seed = await client.query<{ n: string }>('SELECT count(*) AS n FROM mapsign.changes');
      assert.equal(seed.rows[0]!.n, '1', 'the seed row is inserted once, not once per racing gateway');
    } finally {
      await client.end();
    }
  });

  test('concurrent usage flushes from two stores add up exactly', async () => {
    const { stores } = await storesOnOneDatabase(2, opened);
    const keys = ['gme-a', 'gme-b', 'key-c'];
    // Every flush touches the same rows, in a different order per store, 40 times over.
    const batch = (reverse: boolean): UsageDelta[] => {
      const rows = keys.flatMap((id) => [{ day: '2026-01-10', credentialId: id, channel: '', outcome: 'ok', count: 3 }, { day: '2026-01-10', credentialId: id, channel: 'web', outcome: 'SIGNATURE_MISMATCH', count: 1 }]);
      return reverse ? rows.reverse() : rows;
    };
    const rounds = 40;
    await Promise.all(stores.flatMap((store, i) => Array.from({ length: rounds }, () => store.recordUsage(batch(i === 1)))));
    const totals = await stores[0]!.queryUsage({ by: 'client' });
    assert.deepEqual(totals, keys.flatMap((id) => [
      { credentialId: id, outcome: 'SIGNATURE_MISMATCH', count: 2 * rounds },
      { credentialId: id, outcome: 'ok', count: 2 * rounds * 3 },
    ]));
  });

  test('a batch naming one key twice is added, not refused', async () => {
    const { stores } = await storesOnOneDatabase(1, opened);
    const delta = { day: '2026-01-10', credentialId: 'gme-a', channel: '', outcome: 'ok', count: 2 };
    await stores[0]!.recordUsage([delta, delta]);
    assert.deepEqual(await stores[0]!.queryUsage({ by: 'day' }), [{ day: '2026-01-10', outcome: 'ok', count: 4 }]);
  });

  test('a change made through one store is pushed to the other at once (LISTEN/NOTIFY)', async () => {
    const url = await server.createDatabase();
    const writer = await openPostgresStore(url);
    const reader = await openPostgresStore(url);
    opened.push(writer, reader);
    // Listening starts on subscribe; wait until a change made now is heard (bounded).
    let heard = 0;
    reader.onChange(() => heard++);
    const deadline = Date.now() + 5000;
    for (let i = 0; heard === 0 && Date.now() < deadline; i++) {
      await writer.insertCredential({ id: `gme-warmup-${i}`, scheme: 'google', label: null, secretText: 'S', createdAt: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(heard > 0, 'the listener heard a change');
    const before = heard;
    const pushed = new Promise<void>((resolve) => reader.onChange(resolve));
    await writer.revokeCredential('gme-warmup-0', 2);
    await Promise.race([pushed, new Promise((_, reject) => setTimeout(() => reject(new Error('no notification within 5 s')), 5000).unref())]);
    assert.ok(heard > before);
  });

  test('duplicate ids created at once: exactly one wins, the others get CREDENTIAL_EXISTS', async () => {
    const { stores } = await storesOnOneDatabase(3, opened);
    const results = await Promise.allSettled(stores.map((store, i) => store.insertCredential({ id: 'gme-race', scheme: 'google', label: String(i), secretText: `S${i}`, createdAt: 1 })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(isStoreError(r.reason, 'CREDENTIAL_EXISTS'), String(r.reason));
  });
});

test('an unreachable database fails with STORE_FAILED naming it, never its password', async () => {
  const url = 'postgres://mapsign:hunter2-secret@127.0.0.1:1/mapsign';
  await assert.rejects(openPostgresStore(url, { connectTimeoutMs: 2000 }), (error) => {
    assert.ok(isStoreError(error, 'STORE_FAILED'), String(error));
    assert.match(error.message, /postgres:\/\/mapsign@127\.0\.0\.1:1\/mapsign/);
    assert.match(error.message, /Check that it is running/);
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  });
});
