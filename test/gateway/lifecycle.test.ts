/**
 * The gateway over time: a rotation overlap, a revocation made by another connection while it
 * runs (enforced within a second, found by polling), usage counts written on a clean shutdown,
 * and in-flight requests drained before the store closes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCredential, signUrl } from '../../src/index.js';
import { createCredential, credentialInput, openSqliteStore, rotateCredential, type IssuedSecret } from '../../src/store/index.js';
import { eventually, rawGet, startTestGateway, startUpstream } from './helpers.js';

function targetFor(issued: IssuedSecret, path: string): string {
  const credential = parseCredential(credentialInput(issued.credential.scheme, issued.text.id, issued.text.secret));
  return signUrl(`http://gw${path}`, credential).slice('http://gw'.length);
}

test('rotation keeps the previous secret valid for the overlap; overlap 0 ends it at once', async (t) => {
  const upstream = await startUpstream(t);
  const { gateway, dbFile } = await startTestGateway(t, upstream.url);
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  const first = await createCredential(admin, { scheme: 'google' });
  const id = first.text.id;
  const second = await rotateCredential(admin, id, { overlapMs: 3_600_000 });
  await gateway.cache.poll();
  for (const issued of [first, second]) assert.equal((await rawGet(gateway.address, targetFor(issued, `/a?client=${id}`))).status, 200);
  const third = await rotateCredential(admin, id, { overlapMs: 0 });
  await gateway.cache.poll();
  assert.equal((await rawGet(gateway.address, targetFor(third, `/a?client=${id}`))).status, 200);
  for (const old of [first, second]) {
    const response = await rawGet(gateway.address, targetFor(old, `/a?client=${id}`));
    assert.equal(response.status, 403);
    assert.match(response.body, /SIGNATURE_MISMATCH/);
  }
});

test('a revocation by another connection is enforced by the running gateway within a second', async (t) => {
  const upstream = await startUpstream(t);
  const { gateway, dbFile } = await startTestGateway(t, upstream.url);
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  const issued = await createCredential(admin, { scheme: 'streetmaps' });
  const url = targetFor(issued, `/tiles/1/2/3.png?key=${issued.text.id}`);
  // No manual refresh: the gateway's own 250 ms poll must pick up both changes.
  assert.ok(await eventually(async () => (await rawGet(gateway.address, url)).status === 200, 1000), 'new credential picked up');
  await admin.revokeCredential(issued.text.id, Date.now());
  let last = '';
  const enforced = await eventually(async () => {
    const response = await rawGet(gateway.address, url);
    last = response.body;
    return response.status === 403;
  }, 1000);
  assert.ok(enforced, 'revocation enforced within 1 s');
  assert.match(last, /^403 Forbidden: REVOKED_CREDENTIAL\n/);
});

test('usage counts per credential, channel, day and outcome are written on a clean shutdown', async (t) => {
  const upstream = await startUpstream(t);
  // A flush interval far longer than the test: only the shutdown flush can write these counts.
  const { gateway, dbFile } = await startTestGateway(t, upstream.url, { flushMs: 3_600_000 });
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  const issued = await createCredential(admin, { scheme: 'google' });
  await gateway.cache.poll();
  const id = issued.text.id;
  const sends = [
    ...Array.from({ length: 3 }, () => targetFor(issued, `/a?client=${id}`)),
    ...Array.from({ length: 2 }, () => targetFor(issued, `/a?client=${id}&channel=web`)),
    targetFor(issued, `/a?client=${id}`).replace('/a?', '/b?'),
    `/a?client=gme-stranger&signature=${'A'.repeat(28)}`,
  ];
  for (const target of sends) await rawGet(gateway.address, target);
  assert.deepEqual(await admin.queryUsage({ by: 'channel' }), [], 'nothing written per request');
  await gateway.close();
  const day = new Date().toISOString().slice(0, 10);
  assert.deepEqual(await admin.queryUsage({ by: 'channel' }), [
    { credentialId: '', channel: '', outcome: 'UNKNOWN_CREDENTIAL', count: 1 },
    { credentialId: id, channel: '', outcome: 'SIGNATURE_MISMATCH', count: 1 },
    { credentialId: id, channel: '', outcome: 'ok', count: 3 },
    { credentialId: id, channel: 'web', outcome: 'ok', count: 2 },
  ]);
  assert.deepEqual((await admin.queryUsage({ by: 'day' })).map((row) => row.day), [day, day, day]);
});

test('closing drains an in-flight request before the store closes', async (t) => {
  const upstream = await startUpstream(t, 300);
  const { gateway, dbFile } = await startTestGateway(t, upstream.url, { flushMs: 3_600_000 });
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  const issued = await createCredential(admin, { scheme: 'google' });
  await gateway.cache.poll();
  const inFlight = rawGet(gateway.address, targetFor(issued, `/slow?client=${issued.text.id}`));
  assert.ok(await eventually(async () => upstream.seen.length === 1, 5000), 'request reached the upstream');
  await gateway.close();
  assert.equal((await inFlight).status, 200);
  assert.deepEqual(await admin.queryUsage({ by: 'client' }), [{ credentialId: issued.text.id, outcome: 'ok', count: 1 }]);
});
