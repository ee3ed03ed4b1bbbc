/**
 * The daily quota counts on a real SQLite store with the real usage recorder: a request counts
 * from the moment it is admitted, exactly once whether it is in flight, pending, in a batch
 * being written or in the store; another gateway's counts arrive with the next read; a new
 * UTC day starts from zero; only forwarded outcomes count.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DailyQuotas } from '../../src/gateway/daily-quota.js';
import { UsageRecorder } from '../../src/gateway/usage-recorder.js';
import { openSqliteStore } from '../../src/store/index.js';
import { buildUsageReport } from '../../src/store/usage-report.js';
import { tempDir } from './helpers.js';

const NOON = Date.UTC(2026, 11, 1, 12);

test('counts each admitted request once, wherever it is, and adds what other gateways wrote', async (t) => {
  const store = openSqliteStore(join(await tempDir(t), 'mapsign.db'));
  t.after(() => store.close());
  let now = NOON;
  const quotas = new DailyQuotas(store, () => now);
  const usage = new UsageRecorder(store, { flushMs: 3_600_000, now: () => now, batches: quotas });
  t.after(() => usage.close());
  const ids = new Set(['gme-q']);
  const serve = (): boolean => {
    if (quotas.admit('gme-q', 5) > 0) return false;
    quotas.settle('gme-q');
    usage.count('gme-q', '', 'ok');
    return true;
  };
  assert.deepEqual([serve(), serve(), serve()], [true, true, true]);
  assert.equal(quotas.admit('gme-q', 5), 0); // in flight
  assert.equal(quotas.used('gme-q'), 4);
  await usage.flush(); // written, not yet read back: still counted once
  assert.equal(quotas.used('gme-q'), 4);
  await quotas.refresh(ids, () => usage.flush(), () => {});
  assert.equal(quotas.used('gme-q'), 4, 'three from the store, one in flight');
  quotas.settle('gme-q');
  usage.count('gme-q', '', 'ok');
  // Another gateway wrote one, and refusals of the credential are in the store too: they use no quota.
  await store.recordUsage([{ day: '2026-12-01', credentialId: 'gme-q', channel: '', outcome: 'ok', count: 1 }, { day: '2026-12-01', credentialId: 'gme-q', channel: '', outcome: 'SIGNATURE_MISMATCH', count: 50 }]);
  assert.equal(quotas.used('gme-q'), 4);
  await quotas.refresh(ids, () => usage.flush(), () => {});
  assert.equal(quotas.used('gme-q'), 5);
  const wait = quotas.admit('gme-q', 5);
  assert.equal(wait, 12 * 3600, 'refused until midnight UTC');
  now = Date.UTC(2026, 11, 2, 0, 0, 1);
  assert.equal(quotas.admit('gme-q', 5), 0, 'a new day');
});

test('a store that cannot be read keeps the last counts and says so once', async (t) => {
  const store = openSqliteStore(join(await tempDir(t), 'mapsign.db'));
  const quotas = new DailyQuotas(store, () => NOON);
  await store.recordUsage([{ day: '2026-12-01', credentialId: 'gme-q', channel: '', outcome: 'ok', count: 7 }]);
  await quotas.refresh(new Set(['gme-q']), async () => {}, () => {});
  await store.close();
  const messages: string[] = [];
  await quotas.refresh(new Set(['gme-q']), async () => {}, (m) => messages.push(m));
  await quotas.refresh(new Set(['gme-q']), async () => {}, (m) => messages.push(m));
  assert.equal(messages.length, 1);
  assert.match(messages[0]!, /^Cannot read today's usage for the daily quotas; enforcing them with the last counts/);
  assert.equal(quotas.used('gme-q'), 7);
});

test('a quota counts exactly what the usage report calls ok or failed, never a refusal', async (t) => {
  const store = openSqliteStore(join(await tempDir(t), 'mapsign.db'));
  t.after(() => store.close());
  const quotas = new DailyQuotas(store, () => NOON);
  // Written out here, not taken from the shared list, so that dropping one from it fails.
  const forwarded = ['ok', 'UPSTREAM_5XX', 'UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_INVALID', 'CLIENT_CLOSED', 'CLIENT_TIMEOUT', 'SHUTDOWN'];
  const refused = ['SIGNATURE_MISMATCH', 'UNKNOWN_CREDENTIAL', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'PATH_NOT_ALLOWED', 'EXPIRED'];
  const rows = [...forwarded, ...refused].map((outcome) => ({ day: '2026-12-01', credentialId: 'gme-q', channel: '', outcome, count: 1 }));
  await store.recordUsage(rows);
  await quotas.refresh(new Set(['gme-q']), async () => {}, () => {});
  assert.equal(quotas.used('gme-q'), forwarded.length);
  const [line] = buildUsageReport(rows, 'client');
  assert.deepEqual([line?.ok, line?.failed, line?.refused], [1, forwarded.length - 1, refused.length]);
});
