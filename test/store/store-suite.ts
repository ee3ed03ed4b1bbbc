/**
 * The shared store suite: every implementation of the `MapsignStore` contract (SQLite and
 * PostgreSQL) runs these same tests, each on a fresh real database from its factory, so any
 * test runs alone or in any order.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AuditEntry, MapsignStore } from '../../src/store/index.js';
import { createCredential, isStoreError, revokeCredential, rotateCredential } from '../../src/store/index.js';
import { parseControls } from '../../src/core/credential-controls.js';
import { readUsageReport } from '../../src/store/usage-report.js';

/** Opens a fresh, empty store; a second call with the same `shared` handle opens the same database. */
export interface StoreFactory {
  open(): Promise<MapsignStore>;
  /** A second connection to the same database, as another process would have. */
  reopen(): Promise<MapsignStore>;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 10, 12);
const HOUR = 3_600_000;

/** Two credentials, as the tests of rotation and revocation start from. */
async function seed(store: MapsignStore): Promise<void> {
  await store.insertCredential({ id: 'gme-a', scheme: 'google', label: 'first', secretText: 'S1', createdAt: T0 });
  await store.insertCredential({ id: 'key-b', scheme: 'streetmaps', label: null, secretText: 'S2', createdAt: T0 + 1 });
}

/** Registers the contract tests for one store implementation; `makeFactory` gives each test a fresh database. */
export function runStoreSuite(name: string, makeFactory: () => Promise<StoreFactory>): void {
  describe(`store contract: ${name}`, () => {
    let factory: StoreFactory;
    let store: MapsignStore;
    beforeEach(async () => {
      factory = await makeFactory();
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup();
    });

    test('inserts, gets and lists credentials without secret text', async () => {
      await seed(store);
      const got = await store.getCredential('gme-a');
      assert.deepEqual(got, { id: 'gme-a', scheme: 'google', label: 'first', createdAt: T0, revokedAt: null, updatedAt: null, controls: {}, secrets: [{ version: 1, createdAt: T0, expiresAt: null }] });
      assert.deepEqual((await store.listCredentials()).map((c) => c.id), ['gme-a', 'key-b']);
      assert.doesNotMatch(JSON.stringify(await store.listCredentials()), /S1|S2/);
      assert.equal(await store.getCredential('nope'), undefined);
    });

    test('stores controls with a credential and gives them to the verifier cache', async () => {
      const controls = parseControls({ allowPaths: ['/tiles/'], allowIps: ['203.0.113.0/24'], rateLimit: { count: 50, per: 'second' }, dailyQuota: 1000 });
      await store.insertCredential({ id: 'gme-c', scheme: 'google', label: null, secretText: 'S3', createdAt: T0, controls });
      await seed(store);
      assert.deepEqual((await store.getCredential('gme-c'))!.controls, controls);
      assert.deepEqual((await store.listCredentials()).map((c) => [c.id, c.controls]), [['gme-a', {}], ['gme-c', controls], ['key-b', {}]]);
      const records = await store.loadVerifierRecords(T0);
      assert.deepEqual(records.find((r) => r.id === 'gme-c')!.controls, controls);
      assert.deepEqual(records.find((r) => r.id === 'gme-a')!.controls, {});
    });

    test('updates label and controls field by field, moving the change marker for every connection', async () => {
      await seed(store);
      const other = await factory.reopen();
      try {
        const marker = await other.changeMarker();
        await store.updateCredential('gme-a', { controls: { allowPaths: ['/tiles/'], dailyQuota: 10 } }, T0 + HOUR);
        assert.notEqual(await other.changeMarker(), marker);
        await store.updateCredential('gme-a', { label: null, controls: { dailyQuota: null, rateLimit: { count: 5, per: 'minute' } } }, T0 + 2 * HOUR);
        const info = (await other.getCredential('gme-a'))!;
        assert.deepEqual([info.label, info.updatedAt, info.controls], [null, T0 + 2 * HOUR, { allowPaths: ['/tiles/'], rateLimit: { count: 5, per: 'minute' } }]);
        assert.deepEqual((await other.loadVerifierRecords(T0 + 2 * HOUR)).find((r) => r.id === 'gme-a')!.controls, info.controls);
        // An update that changes nothing still tells the gateways to reload.
        const before = await other.changeMarker();
        await store.updateCredential('gme-a', {}, T0 + 3 * HOUR);
        assert.notEqual(await other.changeMarker(), before);
        await store.updateCredential('gme-a', { label: 'renamed', controls: { allowPaths: null, rateLimit: null } }, T0 + 4 * HOUR);
        assert.deepEqual([(await other.getCredential('gme-a'))!.label, (await other.getCredential('gme-a'))!.controls], ['renamed', {}]);
        assert.equal((await other.getCredential('key-b'))!.updatedAt, null);
      } finally {
        await other.close();
      }
    });

    test('refuses to update a credential that is missing or revoked', async () => {
      await seed(store);
      await assert.rejects(store.updateCredential('nope', { label: 'x' }, T0), (e) => isStoreError(e, 'CREDENTIAL_NOT_FOUND') && /nope/.test(e.message));
      await store.revokeCredential('key-b', T0 + HOUR);
      await assert.rejects(store.updateCredential('key-b', { controls: { dailyQuota: 1 } }, T0 + 2 * HOUR), (e) => isStoreError(e, 'CREDENTIAL_REVOKED'));
      assert.deepEqual((await store.getCredential('key-b'))!.controls, {});
    });

    test('refuses a duplicate id with CREDENTIAL_EXISTS', async () => {
      await seed(store);
      await assert.rejects(store.insertCredential({ id: 'gme-a', scheme: 'google', label: null, secretText: 'X', createdAt: T0 }), (e) => isStoreError(e, 'CREDENTIAL_EXISTS') && /gme-a/.test(e.message));
    });

    test('rotation keeps the previous secret until the overlap ends', async () => {
      await seed(store);
      const marker = await store.changeMarker();
      await store.rotateSecret('gme-a', 'S1b', T0 + HOUR, T0 + 25 * HOUR);
      assert.notEqual(await store.changeMarker(), marker);
      const during = (await store.loadVerifierRecords(T0 + 2 * HOUR)).find((r) => r.id === 'gme-a')!;
      assert.deepEqual(during.secrets, [{ text: 'S1b', expiresAt: null }, { text: 'S1', expiresAt: T0 + 25 * HOUR }]);
      const afterOverlap = (await store.loadVerifierRecords(T0 + 25 * HOUR)).find((r) => r.id === 'gme-a')!;
      assert.deepEqual(afterOverlap.secrets, [{ text: 'S1b', expiresAt: null }]);
      const info = (await store.getCredential('gme-a'))!;
      assert.deepEqual(info.secrets.map((s) => [s.version, s.expiresAt]), [[2, null], [1, T0 + 25 * HOUR]]);
    });

    test('a second rotation never extends an earlier expiry', async () => {
      await seed(store);
      await store.rotateSecret('gme-a', 'S1b', T0 + HOUR, T0 + 25 * HOUR);
      await store.rotateSecret('gme-a', 'S1c', T0 + 2 * HOUR, T0 + 50 * HOUR);
      const info = (await store.getCredential('gme-a'))!;
      assert.deepEqual(info.secrets.map((s) => [s.version, s.expiresAt]), [[3, null], [2, T0 + 50 * HOUR], [1, T0 + 25 * HOUR]]);
    });

    test('revocation is visible to a second connection through the change marker', async () => {
      await seed(store);
      const other = await factory.reopen();
      try {
        const marker = await other.changeMarker();
        await store.revokeCredential('key-b', T0 + 3 * HOUR);
        await store.revokeCredential('key-b', T0 + 4 * HOUR);
        assert.notEqual(await other.changeMarker(), marker);
        const record = (await other.loadVerifierRecords(T0 + 3 * HOUR)).find((r) => r.id === 'key-b')!;
        assert.equal(record.revoked, true);
        assert.equal((await other.getCredential('key-b'))!.revokedAt, T0 + 3 * HOUR);
      } finally {
        await other.close();
      }
    });

    test('rotate and revoke name missing or revoked credentials', async () => {
      await seed(store);
      await store.revokeCredential('key-b', T0 + 3 * HOUR);
      const cases: [() => Promise<void>, string][] = [
        [() => store.rotateSecret('nope', 'x', T0, T0), 'CREDENTIAL_NOT_FOUND'],
        [() => store.revokeCredential('nope', T0), 'CREDENTIAL_NOT_FOUND'],
        [() => store.rotateSecret('key-b', 'x', T0, T0), 'CREDENTIAL_REVOKED'],
      ];
      for (const [run, code] of cases) await assert.rejects(run(), (e) => isStoreError(e, code as never));
    });

    test('usage batches add up and group by client, channel and day', async () => {
      await store.recordUsage([
        { day: '2026-01-10', credentialId: 'gme-a', channel: '', outcome: 'ok', count: 3 },
        { day: '2026-01-10', credentialId: 'gme-a', channel: 'web', outcome: 'ok', count: 2 },
        { day: '2026-01-11', credentialId: 'gme-a', channel: 'web', outcome: 'ok', count: 1 },
        { day: '2026-01-11', credentialId: '', channel: '', outcome: 'SIGNATURE_MISMATCH', count: 4 },
      ]);
      await store.recordUsage([{ day: '2026-01-10', credentialId: 'gme-a', channel: '', outcome: 'ok', count: 5 }]);
      await store.recordUsage([]);
      assert.deepEqual(await store.queryUsage({ by: 'client' }), [
        { credentialId: '', outcome: 'SIGNATURE_MISMATCH', count: 4 },
        { credentialId: 'gme-a', outcome: 'ok', count: 11 },
      ]);
      assert.deepEqual(await store.queryUsage({ by: 'channel', since: '2026-01-11' }), [
        { credentialId: '', channel: '', outcome: 'SIGNATURE_MISMATCH', count: 4 },
        { credentialId: 'gme-a', channel: 'web', outcome: 'ok', count: 1 },
      ]);
      assert.deepEqual(await store.queryUsage({ by: 'day' }), [
        { day: '2026-01-10', outcome: 'ok', count: 10 },
        { day: '2026-01-11', outcome: 'SIGNATURE_MISMATCH', count: 4 },
        { day: '2026-01-11', outcome: 'ok', count: 1 },
      ]);
    });

    test('--until includes its day; --by hour reads the hourly totals, which carry no channel and add up to the daily ones', async () => {
      const at = (day: string, hour: number | undefined, credentialId: string, channel: string, outcome: string, count: number) => ({ day, hour, credentialId, channel, outcome, count });
      await store.recordUsage([
        at('2026-04-01', 23, 'gme-a', 'web', 'ok', 2),
        at('2026-04-01', 23, 'gme-a', 'app', 'ok', 3),
        at('2026-04-02', 0, 'gme-a', 'web', 'ok', 1),
        at('2026-04-02', 0, 'gme-a', '', 'SIGNATURE_MISMATCH', 4),
        at('2026-04-02', 9, 'key-b', '', 'ok', 5),
        at('2026-04-03', 1, 'gme-a', '', 'ok', 7),
        // Without an hour (an older caller): daily totals only.
        at('2026-04-02', undefined, 'key-b', '', 'ok', 10),
      ], 'hours-1');
      // The same batch id again changes neither table.
      await store.recordUsage([at('2026-04-02', 9, 'key-b', '', 'ok', 5)], 'hours-1');
      await store.recordUsage([at('2026-04-02', 9, 'key-b', 'web', 'ok', 1)], 'hours-2');
      assert.deepEqual(await store.queryUsage({ by: 'hour', since: '2026-04-01', until: '2026-04-02' }), [
        { hour: '2026-04-01T23:00Z', outcome: 'ok', count: 5 },
        { hour: '2026-04-02T00:00Z', outcome: 'SIGNATURE_MISMATCH', count: 4 },
        { hour: '2026-04-02T00:00Z', outcome: 'ok', count: 1 },
        { hour: '2026-04-02T09:00Z', outcome: 'ok', count: 6 },
      ]);
      assert.deepEqual(await store.queryUsage({ by: 'day', since: '2026-04-02', until: '2026-04-02' }), [
        { day: '2026-04-02', outcome: 'SIGNATURE_MISMATCH', count: 4 },
        { day: '2026-04-02', outcome: 'ok', count: 17 },
      ]);
      assert.deepEqual(await store.queryUsage({ by: 'client-day', until: '2026-04-02' }), [
        { credentialId: 'gme-a', day: '2026-04-01', outcome: 'ok', count: 5 },
        { credentialId: 'gme-a', day: '2026-04-02', outcome: 'SIGNATURE_MISMATCH', count: 4 },
        { credentialId: 'gme-a', day: '2026-04-02', outcome: 'ok', count: 1 },
        { credentialId: 'key-b', day: '2026-04-02', outcome: 'ok', count: 16 },
      ]);
      assert.deepEqual(await store.queryUsage({ by: 'client', since: '2026-04-03', until: '2026-04-03' }), [{ credentialId: 'gme-a', outcome: 'ok', count: 7 }]);
      assert.deepEqual(await store.queryUsage({ by: 'client', until: '2026-03-31' }), []);
    });

    test('hourly totals keep every channel of a credential past the channel bound in one row per hour', async () => {
      const day = '2026-04-05';
      await store.recordUsage(Array.from({ length: 130 }, (_, i) => ({ day, hour: 10, credentialId: 'gme-flood', channel: `ch-${i}`, outcome: 'ok', count: 1 })), 'bound-1');
      const channels = await store.queryUsage({ by: 'channel', since: day, until: day });
      assert.equal(channels.length, 101, '100 named channels and (other), as before');
      assert.deepEqual(await store.queryUsage({ by: 'hour', since: day, until: day }), [{ hour: `${day}T10:00Z`, outcome: 'ok', count: 130 }]);
    });

    test('reports carry the label of each credential they name, null without one or for an unknown credential', async () => {
      await seed(store);
      await store.recordUsage([
        { day: '2026-04-10', hour: 8, credentialId: 'gme-a', channel: 'web', outcome: 'ok', count: 2 },
        { day: '2026-04-10', hour: 8, credentialId: 'key-b', channel: '', outcome: 'ok', count: 1 },
        { day: '2026-04-10', hour: 8, credentialId: '', channel: '', outcome: 'UNKNOWN_CREDENTIAL', count: 3 },
      ]);
      const labels = (lines: { group: Record<string, string>; label?: string | null }[]) => lines.map((line) => [line.group['credentialId'], line.label]);
      const expected = [['', null], ['gme-a', 'first'], ['key-b', null]];
      assert.deepEqual(labels(await readUsageReport(store, { by: 'client' })), expected);
      assert.deepEqual(labels(await readUsageReport(store, { by: 'channel' })), expected);
      assert.deepEqual(labels(await readUsageReport(store, { by: 'client-day', since: '2026-04-10', until: '2026-04-10' })), expected);
      const byDay = await readUsageReport(store, { by: 'day' });
      assert.deepEqual(byDay, [{ group: { day: '2026-04-10' }, ok: 3, refused: 3, failed: 0, total: 6, outcomes: { UNKNOWN_CREDENTIAL: 3, ok: 3 } }], 'no label on groups that name no credential');
    });

    test('a batch retried under the same id is applied once; another id is applied again', async () => {
      const batch = [{ day: '2026-02-01', credentialId: 'gme-batch', channel: '', outcome: 'ok', count: 3 }];
      await store.recordUsage(batch, 'batch-1');
      await store.recordUsage(batch, 'batch-1');
      const other = await factory.reopen();
      try {
        // Another connection (another gateway process) retrying it changes nothing either.
        await other.recordUsage(batch, 'batch-1');
        await other.recordUsage(batch, 'batch-2');
      } finally {
        await other.close();
      }
      assert.deepEqual(await store.queryUsage({ by: 'client', since: '2026-02-01' }), [{ credentialId: 'gme-batch', outcome: 'ok', count: 6 }]);
    });

    test('a channel with a NUL or other control character, or longer than 200 characters, is counted under (other)', async () => {
      const day = '2026-03-02';
      const odd = ['a\u0000b', 'line\nbreak', 'x'.repeat(201)];
      await store.recordUsage([...odd.map((channel) => ({ day, credentialId: 'gme-odd', channel, outcome: 'ok', count: 1 })), { day, credentialId: 'gme-odd', channel: 'y'.repeat(200), outcome: 'ok', count: 1 }], 'odd-1');
      assert.deepEqual(await store.queryUsage({ by: 'channel', since: day }), [
        { credentialId: 'gme-odd', channel: '(other)', outcome: 'ok', count: 3 },
        { credentialId: 'gme-odd', channel: 'y'.repeat(200), outcome: 'ok', count: 1 },
      ]);
    });

    test('channels beyond 100 per credential and day are counted under (other), across batches', async () => {
      const day = '2026-03-01';
      const flood = (from: number, to: number, count: number) =>
        Array.from({ length: to - from }, (_, i) => ({ day, credentialId: 'gme-flood', channel: `ch-${String(from + i).padStart(3, '0')}`, outcome: 'ok', count }));
      await store.recordUsage([...flood(0, 99, 1), { day, credentialId: 'gme-flood', channel: '', outcome: 'ok', count: 7 }], 'flood-1');
      // The 100th channel still fits; the next ones fold, in this batch and the next.
      await store.recordUsage([...flood(99, 103, 2), { day, credentialId: 'gme-calm', channel: 'web', outcome: 'ok', count: 5 }], 'flood-2');
      await store.recordUsage([...flood(0, 1, 1), ...flood(103, 110, 1), { day, credentialId: 'gme-flood', channel: '(other)', outcome: 'SIGNATURE_MISMATCH', count: 1 }], 'flood-3');
      const rows = await store.queryUsage({ by: 'channel', since: day });
      const flooded = rows.filter((r) => r.credentialId === 'gme-flood');
      assert.equal(flooded.filter((r) => r.channel !== '' && r.channel !== '(other)').length, 100, 'at most 100 named channels');
      assert.deepEqual(flooded.find((r) => r.channel === 'ch-099'), { credentialId: 'gme-flood', channel: 'ch-099', outcome: 'ok', count: 2 });
      assert.deepEqual(flooded.filter((r) => r.channel === '(other)'), [
        { credentialId: 'gme-flood', channel: '(other)', outcome: 'SIGNATURE_MISMATCH', count: 1 },
        { credentialId: 'gme-flood', channel: '(other)', outcome: 'ok', count: 3 * 2 + 7 },
      ]);
      assert.deepEqual(flooded.find((r) => r.channel === 'ch-000'), { credentialId: 'gme-flood', channel: 'ch-000', outcome: 'ok', count: 2 }, 'a known channel keeps counting');
      assert.deepEqual(rows.filter((r) => r.credentialId === 'gme-calm'), [{ credentialId: 'gme-calm', channel: 'web', outcome: 'ok', count: 5 }]);
      const totals = await store.queryUsage({ by: 'client', since: day });
      assert.deepEqual(totals.find((r) => r.credentialId === 'gme-flood' && r.outcome === 'ok'), { credentialId: 'gme-flood', outcome: 'ok', count: 99 + 4 * 2 + 7 + 1 + 7 }, 'the total stays exact');
    });

    test('audit entries are stored with their details and listed by time range, oldest first, the newest `limit`', async () => {
      const entry = (time: number, action: AuditEntry['action'], details: AuditEntry['details'] = {}): AuditEntry => ({
        time,
        actor: 'admin-api',
        source: '127.0.0.1',
        action,
        credentialId: action === 'auth_failed' ? null : 'gme-a',
        outcome: action === 'auth_failed' ? 'UNAUTHORIZED' : 'ok',
        count: action === 'auth_failed' ? 7 : 1,
        details,
      });
      const entries = [entry(T0, 'create', { scheme: 'google', fields: ['label'] }), entry(T0 + HOUR, 'rotate', { overlapMs: HOUR }), entry(T0 + 2 * HOUR, 'auth_failed')];
      for (const e of entries.slice(0, 2)) await store.appendAudit(e);
      const other = await factory.reopen();
      try {
        await other.appendAudit(entries[2]!);
      } finally {
        await other.close();
      }
      assert.deepEqual(await store.listAudit({}), entries);
      assert.deepEqual(await store.listAudit({ since: T0 + HOUR, until: T0 + 2 * HOUR }), [entries[1]], 'since is inclusive, until exclusive');
      assert.deepEqual(await store.listAudit({ limit: 2 }), entries.slice(1), 'the newest two, oldest first');
      assert.deepEqual(await store.listAudit({ since: T0 + 3 * HOUR }), []);
      for (const limit of [0, 10_001, 1.5]) await assert.rejects(store.listAudit({ limit }), (e) => isStoreError(e, 'INVALID_INPUT') && /limit must be a whole number from 1 to 10000/.test(e.message), String(limit));
    });

    test('the credential operations audit each action once, with its outcome, and never a secret', async () => {
      const told: AuditEntry[] = [];
      const audit = { actor: 'cli', source: 'alice', onEntry: (e: AuditEntry) => told.push(e) } as const;
      const created = await createCredential(store, { scheme: 'google', label: 'web', audit });
      const id = created.credential.id;
      const rotated = await rotateCredential(store, id, { overlapMs: HOUR, audit });
      await revokeCredential(store, id, { audit });
      await assert.rejects(rotateCredential(store, id, { audit }), (e) => isStoreError(e, 'CREDENTIAL_REVOKED'));
      await assert.rejects(createCredential(store, { scheme: 'google', id, audit }), (e) => isStoreError(e, 'CREDENTIAL_EXISTS'));
      await createCredential(store, { scheme: 'streetmaps' });
      const stored = await store.listAudit({});
      assert.deepEqual(told, stored.slice(0, 5), 'each entry told once, as stored');
      assert.deepEqual(stored.map((e) => [e.actor, e.source, e.action, e.credentialId, e.outcome, e.count]), [
        ['cli', 'alice', 'create', id, 'ok', 1],
        ['cli', 'alice', 'rotate', id, 'ok', 1],
        ['cli', 'alice', 'revoke', id, 'ok', 1],
        ['cli', 'alice', 'rotate', id, 'CREDENTIAL_REVOKED', 1],
        ['cli', 'alice', 'create', id, 'CREDENTIAL_EXISTS', 1],
        ['library', stored[5]!.source, 'create', stored[5]!.credentialId, 'ok', 1],
      ]);
      assert.deepEqual(stored[0]!.details, { scheme: 'google', fields: ['label'] });
      assert.deepEqual(stored[1]!.details, { overlapMs: HOUR });
      const text = JSON.stringify(stored);
      for (const secret of [created.text.secret, rotated.text.secret]) assert.ok(!text.includes(secret), 'no secret in the trail');
    });
  });
}
