/**
 * The shipped examples with the real engines: Debian's nginx (`auth_request`) and Caddy
 * (`forward_auth`), each started from examples/nginx/mapsign.conf or examples/caddy/Caddyfile
 * (test/support/engines.ts), in front of a raw-socket stand-in upstream that records every
 * request, asking a real `mapsign serve --auth-only` process. Checked from both sides: what the
 * client is answered (the upstream's answer, or 403 with the reason), what the upstream
 * received (only verified requests, without a header a client tried to set), and the usage
 * counts mapsign wrote.
 */
import assert from 'node:assert/strict';
import type { CredentialControls } from '../../src/core/credential-controls.js';
import { test, type TestContext } from 'node:test';
import { join } from 'node:path';
import { createCredential, openSqliteStore } from '../../src/store/index.js';
import { exchange, rawRequest, type RawResponse } from '../support/raw-client.js';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream.js';
import { spawnServe, type ServeProcess } from '../support/serve-process.js';
import { credentialFor, rawGoogleTarget, type TestCredential } from '../support/signing.js';
import { startExampleCaddy, startExampleNginx, type Engine } from '../support/engines.js';
import { eventually, tempDir } from './helpers.js';

interface Setup {
  readonly engine: Engine;
  /** The `Host` clients send to the engine. */
  readonly host: string;
  readonly upstream: RawUpstream;
  readonly mapsign: ServeProcess;
  readonly db: string;
  readonly google: TestCredential;
  /** Sends one request to the engine on a fresh connection. */
  send(target: string, headers?: readonly (readonly [string, string])[], method?: string): Promise<RawResponse>;
}

type Kind = 'nginx' | 'caddy' | 'nginx-cached';

async function setUp(t: TestContext, kind: Kind, controls?: CredentialControls): Promise<Setup> {
  const dir = await tempDir(t);
  const db = join(dir, 'mapsign.db');
  const store = openSqliteStore(db);
  const issued = await createCredential(store, { scheme: 'google', controls });
  await store.close();
  const google = credentialFor('google', issued.text.id, issued.text.secret);
  const upstream = await startRawUpstream(t, () => ({ kind: 'fixed', body: 'tile bytes', headers: { 'x-upstream': 'yes' } }));
  // Refusals answered at once: the throttle is tested on its own; here it would only add delays.
  const mapsign = await spawnServe(t, ['--auth-only', '--port', '0', '--db', db, '--log', 'none', '--refusal-delay-max', '0', '--drain', '1s']);
  const targets = { mapsign: new URL(mapsign.address).host, upstream: upstream.host, dir };
  const engine = kind === 'caddy' ? await startExampleCaddy(targets) : await startExampleNginx({ ...targets, cache: kind === 'nginx-cached' });
  t.after(() => engine.stop());
  const host = 'host' in engine ? String(engine.host) : 'tiles.example.com';
  const send = async (target: string, headers: readonly (readonly [string, string])[] = [['Host', host]], method = 'GET'): Promise<RawResponse> => {
    const answer = await exchange(engine.url, rawRequest({ method, target, headers: [...headers, ['Connection', 'close']] }));
    if (typeof answer === 'string') throw new Error(`${kind} gave no answer (${answer}) to ${target}: ${await engine.logs()}`);
    return answer;
  };
  return { engine, host, upstream, mapsign, db, google, send };
}

/** Stops mapsign (which writes its last usage counts) and reads them as `outcome → count`. */
async function usageAfterStop(setup: Setup): Promise<Record<string, number>> {
  setup.mapsign.signal('SIGTERM');
  assert.deepEqual(await setup.mapsign.waitExit(10_000), { code: 0, signal: null });
  const store = openSqliteStore(setup.db);
  try {
    const rows = await store.queryUsage({ by: 'client' });
    return Object.fromEntries(rows.map((row) => [`${row.credentialId || '-'} ${row.outcome}`, row.count]));
  } finally {
    await store.close();
  }
}

for (const kind of ['nginx', 'caddy'] as const) {
  test(`${kind}: verified requests reach the upstream, refused ones get 403 with the reason and never do`, async (t) => {
    const setup = await setUp(t, kind);
    const { google, upstream, send, host } = setup;
    const signed = google.target('/tiles/1/2/3.png');

    // A valid request gets the upstream's answer; the upstream gets the credential, not a client's.
    const valid = await send(signed, [['Host', host], ['X-Mapsign-Credential', 'forged'], ['X-Mapsign-Channel', 'forged']]);
    assert.equal(valid.status, 200, valid.text);
    assert.equal(valid.text, 'tile bytes');
    assert.equal(upstream.requests.length, 1);
    const seen = upstream.requests[0]!;
    assert.deepEqual(seen.all('x-mapsign-credential'), [google.id]);
    // nginx does not send an empty value on; Caddy sends it empty (mapsign's channel header, sent always).
    assert.deepEqual(seen.all('x-mapsign-channel'), kind === 'nginx' ? [] : ['']);
    // nginx passes the target mapsign stripped of its authentication parameters; Caddy passes it as sent.
    assert.equal(seen.target, kind === 'nginx' ? '/tiles/1/2/3.png' : signed);
    const withChannel = await send(google.target('/tiles/1/2/4.png?channel=web'));
    assert.equal(withChannel.status, 200, withChannel.text);
    assert.deepEqual(upstream.requests[1]!.all('x-mapsign-channel'), ['web']);
    // Bytes a proxy might decode, normalise or re-encode reach the upstream exactly as verified.
    const tricky = '/tiles/a%2Fb/%7e/./x.png?q=%20a+b&&z=%2f';
    const raw = rawGoogleTarget(google, tricky);
    const rawAnswer = await send(raw);
    assert.equal(rawAnswer.status, 200, rawAnswer.text);
    assert.equal(upstream.requests[2]!.target, kind === 'nginx' ? tricky : raw);

    const other = credentialFor('google', 'gme-stranger', 'dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IQ==');
    const refused: [string, () => Promise<RawResponse>, string][] = [
      ['tampered', () => send(signed.replace('/3.png', '/5.png')), 'SIGNATURE_MISMATCH'],
      ['unsigned', () => send('/tiles/1/2/3.png'), 'MISSING_SIGNATURE'],
      ['unknown credential', () => send(other.target('/tiles/1/2/3.png')), 'UNKNOWN_CREDENTIAL'],
      ['absolute-form target', () => send(`http://${host}${signed}`), 'TARGET_NOT_ORIGIN_FORM'],
      ['fragment', () => send(`${signed}#frag`), 'FRAGMENT_NOT_ALLOWED'],
      ['a method the signature does not cover', () => send(signed, [['Host', host], ['Content-Length', '0']], 'DELETE'), 'METHOD_NOT_ALLOWED'],
      // A client naming a signed original request of its own, for an unsigned target.
      ['nginx header from the client', () => send('/tiles/9/9/9.png', [['Host', host], ['X-Original-URI', signed], ['X-Original-Method', 'GET']]), 'MISSING_SIGNATURE'],
      ['Caddy header from the client', () => send('/tiles/9/9/9.png', [['Host', host], ['X-Forwarded-Uri', signed], ['X-Forwarded-Method', 'GET']]), 'MISSING_SIGNATURE'],
    ];
    for (const [name, sendIt, reason] of refused) {
      const response = await sendIt();
      assert.equal(response.status, 403, `${name}: ${response.text}`);
      assert.equal(response.header('x-mapsign-reason'), reason, name);
      assert.match(response.text, new RegExp(`^403 Forbidden: ${reason}\\n`), name);
    }
    // Caddy hands mapsign's own body on (as the client's Accept asks); nginx shows the reason.
    const explained = await send(signed.replace('/3.png', '/5.png'), [['Host', host], ['Accept', 'application/json']]);
    if (kind === 'caddy') assert.match(JSON.parse(explained.text).error.checked, /^\/tiles\/1\/2\/5\.png\?client=/);
    else assert.equal(explained.text, '403 Forbidden: SIGNATURE_MISMATCH\n');
    // Host tricks the engine refuses itself, before asking mapsign.
    for (const headers of [[['Host', 'tiles.example.com/admin']], [['Host', host], ['Host', 'other.example']]] as const) {
      assert.equal((await send(signed, headers)).status, 400, JSON.stringify(headers));
    }
    assert.equal(upstream.requests.length, VERIFIED, `the upstream received only the verified requests: ${upstream.requests.map((r) => r.requestLine).join(' | ')}`);

    // Revocation through the store reaches the engine's answers within a second.
    const admin = openSqliteStore(setup.db);
    await admin.revokeCredential(google.id, Date.now());
    await admin.close();
    let last: RawResponse | undefined;
    assert.ok(await eventually(async () => (last = await send(signed)).status === 403, 1000), 'revocation enforced within 1 s');
    assert.equal(last?.header('x-mapsign-reason'), 'REVOKED_CREDENTIAL');
    assert.equal(upstream.requests.length, VERIFIED + countPassed(upstream, signed, kind));

    const counts = await usageAfterStop(setup);
    assert.equal(counts[`${google.id} ok`], upstream.requests.length, JSON.stringify(counts));
    assert.equal(counts[`${google.id} SIGNATURE_MISMATCH`], 2);
    assert.equal(counts['- UNKNOWN_CREDENTIAL'], 1);
    assert.equal(counts[`${google.id} REVOKED_CREDENTIAL`], 1);
  });
}

/** The verified requests each engine test sends before the refused ones. */
const VERIFIED = 3;

/** Requests for `signed` the upstream got after the verified ones (those before revocation took hold). */
function countPassed(upstream: RawUpstream, signed: string, kind: 'nginx' | 'caddy'): number {
  const path = kind === 'nginx' ? signed.slice(0, signed.indexOf('?')) : signed;
  return upstream.requests.slice(VERIFIED).filter((request) => request.target === path).length;
}

test("nginx's positive cache never answers for a credential with restrictions or limits", async (t) => {
  const setup = await setUp(t, 'nginx-cached', { rateLimit: { count: 1000, per: 'second' } });
  const signed = setup.google.target('/tiles/1/2/3.png');
  for (let i = 0; i < 5; i++) assert.equal((await setup.send(signed)).status, 200, await setup.engine.logs());
  // mapsign answers with X-Accel-Expires: 0 for it, so each repeat was asked again (and limited).
  assert.equal((await usageAfterStop(setup))[`${setup.google.id} ok`], 5);
});

test('nginx with the 1 s positive cache: repeats skip mapsign, refusals are never cached, revocation lags by the cache time', async (t) => {
  const setup = await setUp(t, 'nginx-cached');
  const { google, send, upstream } = setup;
  const signed = google.target('/tiles/1/2/3.png');
  // Repeats within the cache time are answered by nginx alone; a refusal is asked again every time.
  const repeats = 5;
  for (let i = 0; i < repeats; i++) assert.equal((await send(signed)).status, 200, await setup.engine.logs());
  for (let i = 0; i < 2; i++) assert.equal((await send('/tiles/1/2/3.png')).header('x-mapsign-reason'), 'MISSING_SIGNATURE');
  const admin = openSqliteStore(setup.db);
  await admin.revokeCredential(google.id, Date.now());
  await admin.close();
  // The cached answer outlives the revocation by at most its 1 s (plus mapsign's 250 ms poll).
  assert.ok(await eventually(async () => (await send(signed)).status === 403, 3000), 'revocation enforced once the cached answer expired');
  const passed = upstream.requests.length;
  assert.ok(passed >= repeats, `every 200 reached the upstream (${passed})`);
  const counts = await usageAfterStop(setup);
  // mapsign answered the first request and perhaps a repeat after an expiry, far fewer than passed.
  assert.ok(counts[`${google.id} ok`]! >= 1 && counts[`${google.id} ok`]! < passed, JSON.stringify(counts));
  assert.equal(counts[`${google.id} MISSING_SIGNATURE`] ?? counts['- MISSING_SIGNATURE'], 2);
  assert.equal(counts[`${google.id} REVOKED_CREDENTIAL`], 1);
});
