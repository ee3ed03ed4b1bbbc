/**
 * What a gateway adds for each kind of store: a /healthz with the database state only for the
 * resilient wrapper, and change pushes only from a store that can announce them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { followChanges, storeRoutes } from '../../src/gateway/store-hooks.js';
import { UsageRecorder } from '../../src/gateway/usage-recorder.js';
import { openSqliteStore } from '../../src/store/index.js';
import { openStore } from '../../src/store/open.js';
import { resilientStore } from '../../src/store/resilient.js';

test('a file store gets the plain /healthz and no change pushes; the resilient wrapper reports the database', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-open-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = await openStore(join(dir, 'a.db'));
  t.after(() => file.close());
  const fileUsage = new UsageRecorder(file, { flushMs: 3_600_000 });
  t.after(() => fileUsage.close());
  assert.deepEqual(storeRoutes(file, fileUsage), {});
  let polled = 0;
  followChanges(file, { poll: async () => void polled++ })();
  assert.equal(polled, 0);

  const wrapped = resilientStore(openSqliteStore(join(dir, 'b.db')));
  t.after(() => wrapped.close());
  const usage = new UsageRecorder(wrapped, { flushMs: 3_600_000, now: () => Date.UTC(2026, 0, 10) });
  t.after(() => usage.close());
  usage.count('gme-a', '', 'ok');
  const response = await storeRoutes(wrapped, usage)['/healthz']!(new Request('http://gw/healthz'));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  const body = (await response.json()) as Record<string, unknown>;
  assert.deepEqual({ ...body, since: typeof body['since'] }, { status: 'ok', database: 'ok', since: 'string', bufferedUsage: 1, droppedUsage: 0 }, 'the usage the recorder holds');
});
