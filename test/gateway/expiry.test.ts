/**
 * Expiring URLs at the gateway and its siblings: a real gateway refuses a URL past its signed
 * `expires=` with 403 `EXPIRED` (text and JSON, counted under the credential) and forwards a
 * fresh one with `expires=` kept for the upstream; a forged expiry is a signature failure; a
 * real `mapsign serve --clock-skew` process honours its allowance; the Web-standard middleware
 * and `mapsign/web`'s fetch verifier refuse the same way.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCredential, signUrl, type Credential } from '../../src/index.js';
import { createWebMiddleware } from '../../src/gateway/index.js';
import type { RequestLogEntry } from '../../src/gateway/request-log.js';
import { createCredential, credentialInput, openSqliteStore } from '../../src/store/index.js';
import * as web from '../../src/web.js';
import { spawnServe } from '../support/serve-process.js';
import { issue } from '../support/signing.js';
import { rawGet, startTestGateway, startUpstream, tempDir } from './helpers.js';

/** An origin-form target for `path`, signed to expire `inMs` from now (negative: in the past). */
function expiringTarget(credential: Credential, path: string, inMs: number): string {
  return signUrl(`http://gateway.test${path}`, credential, { expiresAt: new Date(Date.now() + inMs) }).slice('http://gateway.test'.length);
}

describe('the gateway and expiring URLs', () => {
  it('forwards a fresh URL with expires= kept, refuses an expired one with 403 EXPIRED, and counts it', async (t) => {
    const upstream = await startUpstream(t);
    const logs: RequestLogEntry[] = [];
    const { gateway, dbFile } = await startTestGateway(t, upstream.url, { log: (entry) => logs.push(entry) });
    const issued = await issue(gateway, dbFile, 'streetmaps');
    const credential = parseCredential(credentialInput('streetmaps', issued.id, issued.secret));

    const fresh = expiringTarget(credential, '/tiles/1/2/3.png?style=dark', 600_000);
    const expires = /expires=(\d+)/.exec(fresh)![1];
    const ok = await rawGet(gateway.address, fresh);
    assert.equal(ok.status, 200);
    assert.deepEqual(upstream.seen.map((seen) => seen.url), [`/tiles/1/2/3.png?style=dark&expires=${expires}`]);

    const expired = expiringTarget(credential, '/tiles/1/2/3.png?style=dark', -300_000);
    const text = await rawGet(gateway.address, expired);
    assert.equal(text.status, 403);
    assert.match(text.body, /^403 Forbidden: EXPIRED\nThe URL expired at \S+Z, 5 min(?: \d+ s)? ago \(the clock-skew allowance is 30 s\); ask for a freshly signed URL\.\nThe server checked the signature against: \/tiles\/1\/2\/3\.png\?style=dark&key=/);
    const json = await rawGet(gateway.address, expired, { accept: 'application/json' });
    const { error } = JSON.parse(json.body) as { error: { status: number; reason: string; message: string; credential: string } };
    assert.deepEqual([json.status, error.status, error.reason, error.credential], [403, 403, 'EXPIRED', issued.id]);
    assert.equal(upstream.seen.length, 1, 'an expired URL never reaches the upstream');
    assert.deepEqual(logs.map((entry) => [entry.status, entry.outcome, entry.credential]), [[200, 'ok', issued.id], [403, 'EXPIRED', issued.id], [403, 'EXPIRED', issued.id]]);
  });

  it('refuses a forged expiry for its signature, and honours a configured allowance', async (t) => {
    const upstream = await startUpstream(t);
    const { gateway, dbFile } = await startTestGateway(t, upstream.url, { clockSkewMs: 600_000 });
    const issued = await issue(gateway, dbFile, 'google');
    const credential = parseCredential(credentialInput('google', issued.id, issued.secret));
    const late = expiringTarget(credential, '/geocode/json?address=Main+St', -300_000);
    assert.equal((await rawGet(gateway.address, late)).status, 200, 'five minutes late is inside a ten-minute allowance');

    const longGone = expiringTarget(credential, '/geocode/json?address=Main+St', -3_600_000);
    const forged = longGone.replace(/expires=\d+/, `expires=${Math.floor(Date.now() / 1000) + 3600}`);
    const refused = await rawGet(gateway.address, forged, { accept: 'application/json' });
    assert.deepEqual([refused.status, (JSON.parse(refused.body) as { error: { reason: string } }).error.reason], [403, 'SIGNATURE_MISMATCH']);
    assert.equal((JSON.parse((await rawGet(gateway.address, longGone, { accept: 'application/json' })).body) as { error: { reason: string } }).error.reason, 'EXPIRED');
    assert.equal(upstream.seen.length, 1);
  });

  it('mapsign serve --clock-skew passes its allowance to the verifier', async (t) => {
    const upstream = await startUpstream(t);
    const dbFile = join(await tempDir(t), 'mapsign.db');
    const store = openSqliteStore(dbFile);
    const issued = await createCredential(store, { scheme: 'streetmaps' });
    await store.close();
    const credential = parseCredential(credentialInput('streetmaps', issued.text.id, issued.text.secret));
    const gateway = await spawnServe(t, ['--upstream', upstream.url, '--port', '0', '--db', dbFile, '--log', 'none', '--clock-skew', '10m', '--drain', '0']);
    assert.equal((await rawGet(gateway.address, expiringTarget(credential, '/tiles/1.png', -300_000))).status, 200);
    const refused = await rawGet(gateway.address, expiringTarget(credential, '/tiles/1.png', -900_000));
    assert.match(refused.body, /^403 Forbidden: EXPIRED\n.*\(the clock-skew allowance is 10 min\)/);
  });
});

describe('the Web-standard verifiers and expiring URLs', () => {
  const credential = parseCredential({ scheme: 'streetmaps', key: 'k-123', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' });
  const record = { scheme: 'streetmaps', id: 'k-123', secrets: [credential.secret] } as const;

  it('the middleware and the fetch verifier refuse an expired URL with the gateway body, and pass a fresh one', async () => {
    const checks = [createWebMiddleware({ credentials: record, clockSkewMs: 0 }), async (request: Request) => {
      const verdict = await web.createFetchVerifier({ credentials: record, clockSkewMs: 0 })(request);
      return verdict.ok ? undefined : verdict.response;
    }];
    for (const check of checks) {
      assert.equal(await check(new Request(`http://host.test${expiringTarget(credential, '/tiles/1.png', 60_000)}`)), undefined);
      const refused = (await check(new Request(`http://host.test${expiringTarget(credential, '/tiles/1.png', -1000)}`, { headers: { accept: 'application/json' } })))!;
      assert.equal(refused.status, 403);
      const { error } = (await refused.json()) as { error: { reason: string; message: string } };
      assert.equal(error.reason, 'EXPIRED');
      assert.match(error.message, /the clock-skew allowance is 0 s/);
    }
  });

  it('the fetch verifier hands over expiresAt and keeps expires= for the upstream', async () => {
    const target = expiringTarget(credential, '/tiles/1.png?x=1', 60_000);
    const verdict = await web.createFetchVerifier({ credentials: record })(new Request(`http://host.test${target}`));
    assert.ok(verdict.ok);
    const expires = Number(/expires=(\d+)/.exec(target)![1]);
    assert.deepEqual(verdict.result.expiresAt, new Date(expires * 1000));
    assert.equal(verdict.upstreamUrl('http://tiles.internal'), `http://tiles.internal/tiles/1.png?x=1&expires=${expires}`);
  });

  it('refuses a clock-skew allowance that is not a finite number of milliseconds when created', () => {
    assert.throws(() => createWebMiddleware({ credentials: record, clockSkewMs: -1 }), { name: 'TypeError', message: /clockSkewMs must be a finite number of milliseconds, 0 or more, not -1/ });
  });
});
