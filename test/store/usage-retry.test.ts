/**
 * Usage batches whose write timed out on the client although the database committed them, on a
 * real PostgreSQL: a deferred constraint trigger sleeps at COMMIT for longer than the store's
 * query timeout, so the client gives up while the server goes on to commit — the way a slow disk
 * or a network stall loses the reply to a COMMIT. The batch retried afterwards, by the gateway's
 * recorder or by the resilient wrapper, must not be counted twice.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { UsageRecorder } from '../../src/gateway/usage-recorder.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { resilientStore } from '../../src/store/resilient.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { eventually } from '../support/eventually.js';

let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(() => server?.cleanup());

const day = '2026-01-10';

/** A database whose usage commits take 1.5 s until `release()`; `committed()` reads the stored total. */
async function slowCommits(): Promise<{ url: string; committed(): Promise<number>; release(): Promise<void>; close(): Promise<void> }> {
  const url = await server.createDatabase();
  // The schema exists once a store has opened the database.
  await (await openPostgresStore(url)).close();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE FUNCTION public.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$`);
  await admin.query(`CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT OR UPDATE ON mapsign.usage DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.slow_commit()`);
  return {
    url,
    committed: async () => Number((await admin.query<{ n: string | null }>('SELECT SUM(count) AS n FROM mapsign.usage')).rows[0]!.n ?? 0),
    release: async () => void (await admin.query('DROP TRIGGER slow_commit ON mapsign.usage')),
    close: () => admin.end(),
  };
}


test('the recorder retries a timed-out but committed batch as is: counted once, later counts added', async (t) => {
  const db = await slowCommits();
  t.after(() => db.close());
  const store = await openPostgresStore(db.url, { queryTimeoutMs: 500 });
  t.after(() => store.close());
  const errors: string[] = [];
  const recorder = new UsageRecorder(store, { flushMs: 3_600_000, now: () => Date.UTC(2026, 0, 10, 12), onError: (m) => errors.push(m) });
  for (let i = 0; i < 3; i++) recorder.count('gme-a', '', 'ok');
  await recorder.flush();
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /Cannot write usage counts.*Query read timeout/);
  // The client gave up; the server committed anyway.
  assert.ok(await eventually(async () => (await db.committed()) === 3, 5000), `committed ${await db.committed()}`);
  await db.release();

  for (let i = 0; i < 2; i++) recorder.count('gme-a', '', 'ok');
  await recorder.close();
  assert.deepEqual(await store.queryUsage({ by: 'day' }), [{ day, outcome: 'ok', count: 5 }]);
  assert.match(errors.at(-1)!, /written again/);
});

test('through the resilient wrapper, the recorder retries a timed-out but committed batch as is: counted once', async (t) => {
  const db = await slowCommits();
  t.after(() => db.close());
  const store = resilientStore(await openPostgresStore(db.url, { queryTimeoutMs: 500 }), { retryMs: 100 });
  t.after(() => store.close());
  const recorder = new UsageRecorder(store, { flushMs: 3_600_000, now: () => Date.UTC(2026, 0, 10, 12) });
  for (let i = 0; i < 3; i++) recorder.count('gme-a', 'web', 'ok');
  await recorder.flush();
  assert.equal(recorder.stats.buffered, 3, 'the failed batch is kept');
  assert.ok(await eventually(async () => (await db.committed()) === 3, 5000), `committed ${await db.committed()}`);
  await db.release();
  for (let i = 0; i < 2; i++) recorder.count('gme-a', 'web', 'ok');
  assert.ok(await eventually(async () => (await recorder.flush(), store.health().database === 'ok' && recorder.stats.buffered === 0), 10_000), JSON.stringify(recorder.stats));
  await recorder.close();
  assert.deepEqual(await store.queryUsage({ by: 'channel' }), [{ credentialId: 'gme-a', channel: 'web', outcome: 'ok', count: 5 }]);
});
