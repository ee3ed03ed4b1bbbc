/**
 * The SQLite store: the shared contract suite on a real file, plus what only a file has —
 * creation on first run with owner-only permissions (and only when asked), WAL mode, versioned
 * migrations, and a file deleted or replaced under an open store.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { isStoreError, openSqliteStore } from '../../src/store/index.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { runStoreSuite } from './store-suite.js';

runStoreSuite('sqlite file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-store-'));
  const file = join(dir, 'store.db');
  return {
    open: async () => openSqliteStore(file),
    reopen: async () => openSqliteStore(file),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

test('creates the database on first run, owner-only, in WAL mode at the current schema version', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'new.db');
  const store = openSqliteStore(file);
  await store.close();
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const db = new BetterSqlite3(file);
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  } finally {
    db.close();
  }
  // Opening again migrates nothing and keeps data.
  const again = openSqliteStore(file);
  assert.deepEqual(await again.listCredentials(), []);
  await again.close();
});

test('a database from before the hourly totals is migrated on open, keeping its daily usage', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'old.db');
  const store = openSqliteStore(file);
  await store.recordUsage([{ day: '2026-01-10', credentialId: 'gme-a', channel: '', outcome: 'ok', count: 3 }]);
  await store.close();
  // What the previous schema version looked like: no hourly table.
  const db = new BetterSqlite3(file);
  db.exec('DROP TABLE usage_hourly');
  db.pragma(`user_version = ${SCHEMA_VERSION - 1}`);
  db.close();
  const upgraded = openSqliteStore(file);
  t.after(() => upgraded.close());
  await upgraded.recordUsage([{ day: '2026-01-10', hour: 12, credentialId: 'gme-a', channel: '', outcome: 'ok', count: 2 }]);
  assert.deepEqual(await upgraded.queryUsage({ by: 'day' }), [{ day: '2026-01-10', outcome: 'ok', count: 5 }]);
  assert.deepEqual(await upgraded.queryUsage({ by: 'hour' }), [{ hour: '2026-01-10T12:00Z', outcome: 'ok', count: 2 }], 'hourly totals start at the upgrade');
});

test('refuses a database written by a newer mapsign', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'future.db');
  const db = new BetterSqlite3(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => openSqliteStore(file), (e) => isStoreError(e, 'STORE_FAILED') && /newer than this mapsign/.test(e.message));
});

test('create: false refuses a missing file with INVALID_INPUT naming it, and creates nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const typo = join(dir, 'mapsgin.db');
  assert.throws(() => openSqliteStore(typo, { create: false }), (e) => isStoreError(e, 'INVALID_INPUT') && e.message.startsWith(`No database at ${typo}: check --db or $MAPSIGN_DB`));
  assert.equal(existsSync(typo), false, 'no empty database left behind');
  await openSqliteStore(typo).close();
  const existing = openSqliteStore(typo, { create: false });
  assert.deepEqual(await existing.listCredentials(), []);
  await existing.close();
});

test('a file deleted, then recreated, under an open store is reported once per event at changeMarker()', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'watched.db');
  const warnings: string[] = [];
  const store = openSqliteStore(file, { onWarning: (m) => warnings.push(m) });
  t.after(() => store.close());
  await store.changeMarker();
  assert.deepEqual(warnings, []);
  await unlink(file);
  for (let i = 0; i < 3; i++) await store.changeMarker();
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, new RegExp(`^The database file .*watched\\.db was deleted while in use: .* Restore the file and restart mapsign serve\\.$`));
  // A restored copy moved into place.
  await writeFile(join(dir, 'copy.db'), '');
  await rename(join(dir, 'copy.db'), file);
  for (let i = 0; i < 3; i++) await store.changeMarker();
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[1]!, /was replaced by another file while in use/);
});

test('a store option out of range is INVALID_INPUT naming it', () => {
  const cases: [Parameters<typeof openSqliteStore>[1], RegExp][] = [
    [{ busyTimeoutMs: -1 }, /^busyTimeoutMs must be a whole number of ms from 0 to 60000, not -1\.$/],
    [{ busyTimeoutMs: 2 ** 31 }, /^busyTimeoutMs must be/],
    [{ maxChannels: 0 }, /^The channel bound must be a whole number from 1 to 1000000, not 0\.$/],
  ];
  for (const [options, message] of cases) assert.throws(() => openSqliteStore(':memory:', options), (e) => isStoreError(e, 'INVALID_INPUT') && message.test(e.message), JSON.stringify(options));
});
