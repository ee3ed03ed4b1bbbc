/**
 * Failed admin authentication is audited without letting a flood fill the database or the log:
 * one entry (row and line) per source address per window, its first failure at once and the
 * rest folded into one count when the window ends or the API closes; past 32 addresses in a
 * window, failures fold under `(other)`. Counts always add up to the failures sent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthFailureAudit, MAX_SOURCES, OTHER_SOURCE } from '../../src/gateway/admin-auth-audit.js';
import { openSqliteStore, type AuditEntry, type MapsignStore } from '../../src/store/index.js';
import { memoryAdmin } from './admin-helpers.js';
import { eventually } from './helpers.js';

function memoryStore(t: { after(fn: () => Promise<void>): void }): MapsignStore {
  const store = openSqliteStore(':memory:');
  t.after(() => store.close());
  return store;
}

/** [source, count] of every stored entry, oldest first. */
async function folded(store: MapsignStore): Promise<[string, number][]> {
  return (await store.listAudit({})).map((e) => [e.source, e.count]);
}

test('a flood of wrong tokens from one address is one entry at once and one folded count, rows and lines alike', async (t) => {
  const lines: AuditEntry[] = [];
  const { call, api, store } = memoryAdmin(t, { onAudit: (e) => lines.push(e) });
  for (let i = 0; i < 200; i++) assert.equal((await call('GET', '/credentials', undefined, { token: `wrong-${i}`, address: '203.0.113.9' })).status, 401);
  assert.deepEqual(await folded(store), [['203.0.113.9', 1]], 'the first failure is written at once, the rest wait for the window');
  await api.close();
  assert.deepEqual(await folded(store), [['203.0.113.9', 1], ['203.0.113.9', 199]]);
  assert.deepEqual(lines, await store.listAudit({}), 'one line per row');
  assert.deepEqual(lines.map((e) => [e.actor, e.action, e.credentialId, e.outcome]), [['admin-api', 'auth_failed', null, 'UNAUTHORIZED'], ['admin-api', 'auth_failed', null, 'UNAUTHORIZED']]);
});

test('the folded count is written when the window ends, which opens the next window', async (t) => {
  const store = memoryStore(t);
  const audit = new AuthFailureAudit(store, { context: {}, windowMs: 30 });
  t.after(() => audit.close());
  for (let i = 0; i < 3; i++) audit.failed('198.51.100.1');
  assert.ok(await eventually(async () => (await folded(store)).length === 2, 5000));
  assert.deepEqual(await folded(store), [['198.51.100.1', 1], ['198.51.100.1', 2]]);
});

test(`past ${MAX_SOURCES} addresses in a window, failures fold under ${OTHER_SOURCE}, and every failure is counted`, async (t) => {
  const store = memoryStore(t);
  const audit = new AuthFailureAudit(store, { context: {} });
  for (let round = 0; round < 3; round++) for (let i = 0; i < 100; i++) audit.failed(`2001:db8::${i.toString(16)}`);
  await audit.close();
  const rows = await folded(store);
  assert.equal(new Set(rows.map(([source]) => source)).size, MAX_SOURCES + 1);
  assert.ok(rows.length <= 2 * (MAX_SOURCES + 1), `${rows.length} rows`);
  assert.equal(rows.reduce((sum, [, count]) => sum + count, 0), 300);
  assert.deepEqual(rows.filter(([source]) => source === OTHER_SOURCE), [[OTHER_SOURCE, 1], [OTHER_SOURCE, 3 * (100 - MAX_SOURCES) - 1]]);
});

test('an audit row that cannot be stored is reported, and the line is still told', async (t) => {
  const store = memoryStore(t);
  const warnings: string[] = [];
  const lines: AuditEntry[] = [];
  const audit = new AuthFailureAudit(store, { context: { warn: (m) => warnings.push(m), onEntry: (e) => lines.push(e) } });
  await store.close();
  audit.failed('192.0.2.7');
  await audit.close();
  assert.equal(lines.length, 1);
  assert.match(warnings.join('\n'), /^The audit entry for auth_failed could not be stored: /);
});
