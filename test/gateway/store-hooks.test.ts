/**
 * What a gateway adds for each kind of store: /healthz as JSON on every store — its kind, the
 * database state (from the resilient wrapper's own health, or from the credential cache's last
 * refresh), the credentials loaded and the usage held — and change pushes only from a store
 * that can announce them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CredentialCache } from '../../src/gateway/credential-cache.js';
import { followChanges, storeRoutes } from '../../src/gateway/store-hooks.js';
import { UsageRecorder } from '../../src/gateway/usage-recorder.js';
import { createCredential, openSqliteStore } from '../../src/store/index.js';
import { openStore } from '../../src/store/open.js';
import { resilientStore } from '../../src/store/resilient.js';

async function healthz(routes: ReturnType<typeof storeRoutes>): Promise<Record<string, unknown>> {
  const response = await routes['/healthz']!(new Request('http://gw/healthz'));
  assert.equal(response.status, 200, 'always 200: the gateway still verifies');
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  return (await response.json()) as Record<string, unknown>;
}

test('a file store: /healthz JSON with the cache and usage state, down once the file cannot be read; no change pushes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-open-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = await openStore(join(dir, 'a.db'));
  let closed = false;
  t.after(() => (closed ? undefined : file.close()));
  await createCredential(file, { scheme: 'google', id: 'gme-a' });
  const cache = await CredentialCache.open(file, { pollMs: 3_600_000 });
  t.after(() => cache.close());
  const usage = new UsageRecorder(file, { flushMs: 3_600_000 });
  usage.count('gme-a', '', 'ok');
  usage.count('gme-a', '', 'ok');
  const routes = storeRoutes(file, { credentials: cache, usage });
  assert.deepEqual(await healthz(routes), { status: 'ok', store: 'sqlite', database: 'ok', credentials: 1, bufferedUsage: 2, droppedUsage: 0 });
  await usage.close();
  // The store closed under the cache: its next refresh fails, and /healthz says so.
  await file.close();
  closed = true;
  await cache.poll();
  assert.deepEqual(await healthz(routes), { status: 'ok', store: 'sqlite', database: 'unreachable', credentials: 1, bufferedUsage: 0, droppedUsage: 0 });
  assert.deepEqual(cache.stats, { reloads: 1, failures: 1, reachable: false });
  let polled = 0;
  followChanges(file, { poll: async () => void polled++ })();
  assert.equal(polled, 0);
});

test('the resilient wrapper reports its own database state and since when', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-open-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const wrapped = resilientStore(openSqliteStore(join(dir, 'b.db')));
  t.after(() => wrapped.close());
  const cache = await CredentialCache.open(wrapped, { pollMs: 3_600_000 });
  t.after(() => cache.close());
  const usage = new UsageRecorder(wrapped, { flushMs: 3_600_000, now: () => Date.UTC(2026, 0, 10) });
  t.after(() => usage.close());
  usage.count('gme-a', '', 'ok');
  const body = await healthz(storeRoutes(wrapped, { credentials: cache, usage }));
  assert.deepEqual({ ...body, since: typeof body['since'] }, { status: 'ok', store: 'postgres', database: 'ok', since: 'string', credentials: 0, bufferedUsage: 1, droppedUsage: 0 }, 'a store that announces changes counts as the shared kind');
});
