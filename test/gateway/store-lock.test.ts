/**
 * The gateway on a SQLite file that another process locks or replaces: requests keep being
 * answered promptly while a second process holds the write lock for seconds (usage writes fail
 * fast and are retried, each problem reported once), the counts land once the lock is released,
 * and a database file replaced under the running gateway is reported once.
 */
import assert from 'node:assert/strict';
import { copyFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCredential, signUrl } from '../../src/index.js';
import { startGateway } from '../../src/gateway/index.js';
import { createCredential, credentialInput, openSqliteStore, type IssuedSecret } from '../../src/store/index.js';
import { holdSqliteLock } from '../support/sqlite-lock.js';
import { eventually, rawGet, startUpstream, tempDir } from './helpers.js';

function targetFor(issued: IssuedSecret, path: string): string {
  const credential = parseCredential(credentialInput(issued.credential.scheme, issued.text.id, issued.text.secret));
  return signUrl(`http://gw${path}`, credential).slice('http://gw'.length);
}

test('a write lock held by another process for 3 s delays usage writes, never requests', async (t) => {
  const upstream = await startUpstream(t);
  const dbFile = join(await tempDir(t), 'locked.db');
  const warnings: string[] = [];
  const store = openSqliteStore(dbFile, { busyTimeoutMs: 10 });
  const gateway = await startGateway({ store, upstream: upstream.url, listen: { port: 0 }, flushMs: 50, warn: (m) => warnings.push(m) });
  t.after(() => gateway.close(0));
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  const issued = await createCredential(admin, { scheme: 'google' });
  await gateway.cache.poll();
  const target = targetFor(issued, `/tiles/1/2/3.png?client=${issued.text.id}`);

  const lock = await holdSqliteLock(dbFile, 3000);
  let answered = 0;
  let slowest = 0;
  let held = true;
  void lock.released.then(() => (held = false));
  // Liveness, not speed: with the old 5 s busy wait, a flush froze the event loop until release.
  while (held) {
    const started = Date.now();
    const response = await rawGet(gateway.address, target);
    assert.equal(response.status, 200);
    answered++;
    if (held) slowest = Math.max(slowest, Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(answered >= 20, `only ${answered} requests answered while the lock was held`);
  assert.ok(slowest < 1000, `a request waited ${slowest} ms while the lock was held`);

  // After the release, the kept batches land: every request counted exactly once.
  const counted = async (): Promise<number> => (await admin.queryUsage({ by: 'client' })).reduce((sum, row) => sum + row.count, 0);
  assert.ok(await eventually(async () => (await counted()) >= answered, 5000), `counted ${await counted()} of at least ${answered}`);
  await gateway.close(0);
  const total = await counted();
  assert.equal(total, answered, 'every request counted exactly once');
  const failures = warnings.filter((m) => /Cannot write usage counts/.test(m));
  assert.equal(failures.length, 1, warnings.join('\n'));
  assert.match(failures[0]!, /locked by another process/);
  assert.equal(warnings.filter((m) => /written again/.test(m)).length, 1, warnings.join('\n'));
});

test('a database file replaced under the running gateway is reported once', async (t) => {
  const upstream = await startUpstream(t);
  const dir = await tempDir(t);
  const dbFile = join(dir, 'live.db');
  const warnings: string[] = [];
  const gateway = await startGateway({ store: openSqliteStore(dbFile, { busyTimeoutMs: 10, onWarning: (m) => warnings.push(m) }), upstream: upstream.url, listen: { port: 0 }, pollMs: 20 });
  t.after(() => gateway.close(0));
  // A restore that renames a copy over the file, as `cp backup.db x && mv x live.db` does.
  await copyFile(dbFile, join(dir, 'restored.db'));
  await rename(join(dir, 'restored.db'), dbFile);
  assert.ok(await eventually(async () => warnings.length > 0, 2000), 'the replacement was noticed');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, new RegExp(`The database file ${dbFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was replaced .* Restart mapsign serve`));
});
