/**
 * Restrictions and limits end to end: credentials made with `mapsign credentials create` and
 * changed with `update` on a SQLite file, enforced by a real `mapsign serve` process (the built
 * CLI) in front of a real upstream — each restriction and limit allows what it should and
 * refuses what it should with its status and reason (required expiry and a maximum lifetime on
 * URLs signed with `expires=`), a change is enforced within a second, and
 * a spent daily quota stays spent across a restart (it is counted in the store).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentials } from '../../src/cli/commands/credentials.js';
import { spawnServe } from '../support/serve-process.js';
import { credentialFor, rawGoogleTarget, type TestCredential } from '../support/signing.js';
import { eventually, rawGet, runInProcess, startUpstream, tempDir } from './helpers.js';

async function create(db: string, options: readonly string[]): Promise<TestCredential> {
  const made = await runInProcess(credentials, ['create', '--scheme', 'google', '--json', '--db', db, ...options]);
  assert.equal(made.code, 0, made.err);
  const { issued } = JSON.parse(made.out) as { issued: { id: string; secret: string } };
  return credentialFor('google', issued.id, issued.secret);
}

/** The status and reason of one request (`ok` for a 200). */
async function outcome(address: string, target: string, headers: Record<string, string> = {}): Promise<string> {
  const answer = await rawGet(address, target, { accept: 'application/json', ...headers });
  if (answer.status === 200) return '200 ok';
  const reason = (JSON.parse(answer.body) as { error: { reason: string } }).error.reason;
  const retry = answer.headers['retry-after'];
  return `${answer.status} ${reason}${retry === undefined ? '' : ` retry-after`}`;
}

test('mapsign serve enforces what mapsign credentials create and update set', { timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t);
  const db = join(dir, 'mapsign.db');
  const upstream = await startUpstream(t);
  const serveArgs = ['--upstream', upstream.url, '--port', '0', '--db', db, '--log', 'none', '--refusal-delay-max', '0', '--drain', '1s', '--trust-proxy', 'loopback'];
  const paths = await create(db, ['--allow-path', '/tiles/']);
  const web = await create(db, ['--allow-referrer', 'https://app.example.com']);
  const office = await create(db, ['--allow-ip', '203.0.113.0/24']);
  const expiring = await create(db, ['--require-expiry']);
  const bounded = await create(db, ['--max-lifetime', '1h']);
  const limited = await create(db, ['--rate-limit', '2/min']);
  const quota = await create(db, ['--daily-quota', '2']);
  let gateway = await spawnServe(t, serveArgs);
  const at = gateway.address;

  assert.equal(await outcome(at, paths.target('/tiles/1/2/3.png')), '200 ok');
  assert.equal(await outcome(at, paths.target('/admin')), '403 PATH_NOT_ALLOWED');
  assert.equal(await outcome(at, rawGoogleTarget(paths, '/tiles/%2e%2e/admin')), '403 PATH_NOT_ALLOWED');
  assert.equal(await outcome(at, web.target('/t'), { origin: 'https://app.example.com' }), '200 ok');
  assert.equal(await outcome(at, web.target('/t'), { referer: 'https://evil.test/page' }), '403 REFERRER_NOT_ALLOWED');
  assert.equal(await outcome(at, office.target('/t'), { 'x-forwarded-for': '203.0.113.5' }), '200 ok');
  assert.equal(await outcome(at, office.target('/t'), { 'x-forwarded-for': '198.51.100.5' }), '403 IP_NOT_ALLOWED');
  assert.equal(await outcome(at, expiring.target('/t')), '403 EXPIRY_REQUIRED');
  const inSeconds = (seconds: number): number => Math.floor(Date.now() / 1000) + seconds;
  assert.equal(await outcome(at, expiring.target(`/t?expires=${inSeconds(600)}`)), '200 ok');
  assert.equal(await outcome(at, expiring.target(`/t?expires=${inSeconds(-600)}`)), '403 EXPIRED');
  assert.equal(await outcome(at, bounded.target(`/t?expires=${inSeconds(600)}`)), '200 ok');
  assert.equal(await outcome(at, bounded.target(`/t?expires=${inSeconds(7200)}`)), '403 LIFETIME_TOO_LONG');
  assert.equal(await outcome(at, bounded.target('/t')), '403 EXPIRY_REQUIRED');
  assert.deepEqual([await outcome(at, limited.target('/a')), await outcome(at, limited.target('/b')), await outcome(at, limited.target('/c'))], ['200 ok', '200 ok', '429 RATE_LIMITED retry-after']);
  assert.deepEqual([await outcome(at, quota.target('/a')), await outcome(at, quota.target('/b')), await outcome(at, quota.target('/c'))], ['200 ok', '200 ok', '429 QUOTA_EXCEEDED retry-after']);

  // A change from the CLI reaches the running gateway within a second.
  const updated = await runInProcess(credentials, ['update', paths.id, '--db', db, '--clear', 'allow-path', '--allow-ip', '192.0.2.0/24']);
  assert.equal(updated.code, 0, updated.err);
  assert.ok(await eventually(async () => (await outcome(at, paths.target('/admin'))) === '403 IP_NOT_ALLOWED', 1000), 'update enforced within a second');
  assert.equal(await outcome(at, paths.target('/admin'), { 'x-forwarded-for': '192.0.2.77' }), '200 ok');

  // The quota is counted in the store: a restarted gateway still refuses.
  gateway.signal('SIGTERM');
  assert.deepEqual(await gateway.waitExit(10_000), { code: 0, signal: null });
  gateway = await spawnServe(t, serveArgs);
  assert.equal(await outcome(gateway.address, quota.target('/d')), '429 QUOTA_EXCEEDED retry-after', 'quota still spent after a restart, from its first request');
  assert.equal(await outcome(gateway.address, limited.target('/d')), '200 ok', 'a rate limit is per gateway process');
  gateway.signal('SIGTERM');
  await gateway.waitExit(10_000);
});
