/**
 * The gateway's usage recorder on a real SQLite file: channels are bounded per credential and
 * day between flushes (a new `channel=` per request cannot grow its memory), without touching
 * other credentials' counts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageRecorder } from '../../src/gateway/usage-recorder.js';
import { openSqliteStore } from '../../src/store/index.js';
import { tempDir } from './helpers.js';

test('past maxChannels new channels of one credential are counted under (other) before they reach the store', async (t) => {
  const store = openSqliteStore(join(await tempDir(t), 'recorder.db'));
  t.after(() => store.close());
  const recorder = new UsageRecorder(store, { flushMs: 3_600_000, maxChannels: 3, now: () => Date.UTC(2026, 0, 10, 12) });
  for (let i = 0; i < 1000; i++) recorder.count('gme-flood', `c${i}`, 'ok');
  recorder.count('gme-flood', 'c1', 'ok');
  recorder.count('gme-flood', '', 'ok');
  for (const channel of ['a', 'b', 'c', 'd']) recorder.count('gme-calm', channel, 'ok');
  await recorder.close();
  assert.deepEqual(await store.queryUsage({ by: 'channel' }), [
    { credentialId: 'gme-calm', channel: '(other)', outcome: 'ok', count: 1 },
    { credentialId: 'gme-calm', channel: 'a', outcome: 'ok', count: 1 },
    { credentialId: 'gme-calm', channel: 'b', outcome: 'ok', count: 1 },
    { credentialId: 'gme-calm', channel: 'c', outcome: 'ok', count: 1 },
    { credentialId: 'gme-flood', channel: '', outcome: 'ok', count: 1 },
    { credentialId: 'gme-flood', channel: '(other)', outcome: 'ok', count: 997 },
    { credentialId: 'gme-flood', channel: 'c0', outcome: 'ok', count: 1 },
    { credentialId: 'gme-flood', channel: 'c1', outcome: 'ok', count: 2 },
    { credentialId: 'gme-flood', channel: 'c2', outcome: 'ok', count: 1 },
  ]);
});

test('counts are kept per UTC hour: one batch across midnight lands in two hours and two days, and channels stay bounded per day', async (t) => {
  const store = openSqliteStore(join(await tempDir(t), 'hours.db'));
  t.after(() => store.close());
  let now = Date.UTC(2026, 0, 10, 23, 59, 59, 999);
  const recorder = new UsageRecorder(store, { flushMs: 3_600_000, maxChannels: 2, now: () => now });
  for (const channel of ['a', 'b', 'c']) recorder.count('gme-a', channel, 'ok');
  now += 1;
  for (const channel of ['a', 'b', 'c']) recorder.count('gme-a', channel, 'ok');
  now = Date.UTC(2026, 0, 11, 0, 30);
  recorder.count('gme-a', 'd', 'SIGNATURE_MISMATCH');
  // A clock stepped back into the earlier hour counts there again.
  now = Date.UTC(2026, 0, 10, 23, 10);
  recorder.count('gme-a', 'a', 'ok');
  await recorder.close();
  assert.deepEqual(await store.queryUsage({ by: 'hour' }), [
    { hour: '2026-01-10T23:00Z', outcome: 'ok', count: 4 },
    { hour: '2026-01-11T00:00Z', outcome: 'SIGNATURE_MISMATCH', count: 1 },
    { hour: '2026-01-11T00:00Z', outcome: 'ok', count: 3 },
  ]);
  assert.deepEqual(await store.queryUsage({ by: 'channel', since: '2026-01-11' }), [
    { credentialId: 'gme-a', channel: '(other)', outcome: 'SIGNATURE_MISMATCH', count: 1 },
    { credentialId: 'gme-a', channel: '(other)', outcome: 'ok', count: 1 },
    { credentialId: 'gme-a', channel: 'a', outcome: 'ok', count: 1 },
    { credentialId: 'gme-a', channel: 'b', outcome: 'ok', count: 1 },
  ]);
});
