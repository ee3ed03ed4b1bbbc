/**
 * The SQLite store: the shared contract suite on a real file, plus what only a file has —
 * creation on first run with owner-only permissions, WAL mode, versioned migrations.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
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

test('refuses a database written by a newer mapsign', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'future.db');
  const db = new BetterSqlite3(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => openSqliteStore(file), (e) => isStoreError(e, 'STORE_FAILED') && /newer than this mapsign/.test(e.message));
});
