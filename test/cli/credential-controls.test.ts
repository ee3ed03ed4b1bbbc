/**
 * `mapsign credentials create|update|show|list` with restrictions and limits: what each option
 * stores, how `update` replaces lists and `--clear` lifts one, what `show` and `list` print,
 * and the usage errors (exit 2) with messages that say what to write.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentials } from '../../src/cli/commands/credentials.js';
import { MAX_LIFETIME_SECONDS } from '../../src/core/credential-controls.js';
import { runInProcess, tempDir } from '../gateway/helpers.js';

test('create stores every control, show and list print them, --json gives the typed form', async (t) => {
  const db = join(await tempDir(t), 'mapsign.db');
  const made = await runInProcess(credentials, [
    'create', '--scheme', 'google', '--id', 'gme-acme', '--db', db, '--json',
    '--allow-path', '/tiles/', '--allow-path', '/styles/',
    '--allow-referrer', 'HTTPS://App.Example.com', '--allow-referrer', '*.example.org',
    '--allow-ip', '203.0.113.0/24', '--allow-ip', '2001:DB8::/32',
    '--max-lifetime', '1h', '--rate-limit', '50/s', '--daily-quota', '100000',
  ]);
  assert.equal(made.code, 0, made.err);
  assert.deepEqual((JSON.parse(made.out) as { controls: unknown }).controls, {
    allowPaths: ['/tiles/', '/styles/'],
    allowReferrers: ['https://app.example.com', '*.example.org'],
    allowIps: ['203.0.113.0/24', '2001:db8::/32'],
    requireExpiry: true,
    maxLifetimeSeconds: 3600,
    rateLimit: { count: 50, per: 'second' },
    dailyQuota: 100000,
  });
  const shown = await runInProcess(credentials, ['show', 'gme-acme', '--db', db]);
  assert.equal(shown.code, 0, shown.err);
  for (const line of [
    'paths:    /tiles/, /styles/',
    'referrers: https://app.example.com, *.example.org',
    'networks: 203.0.113.0/24, 2001:db8::/32',
    'expiry:   required, at most 1h ahead',
    'rate limit: 50/s on each gateway',
    'daily quota: 100000 requests per UTC day, all gateways',
  ]) {
    assert.ok(shown.out.split('\n').includes(line), `${line} in:\n${shown.out}`);
  }
  const listed = await runInProcess(credentials, ['list', '--db', db]);
  assert.match(listed.out, /CONTROLS/);
  assert.match(listed.out, /paths referrers ips expiry rate=50\/s quota=100000/);
});

test('update replaces a list, sets a limit and clears another; an unrestricted credential lists -', async (t) => {
  const db = join(await tempDir(t), 'mapsign.db');
  assert.equal((await runInProcess(credentials, ['create', '--scheme', 'streetmaps', '--id', 'key-a', '--label', 'acme', '--db', db, '--allow-path', '/a/', '--daily-quota', '10'])).code, 0);
  const updated = await runInProcess(credentials, ['update', 'key-a', '--db', db, '--allow-path', '/b/', '--rate-limit', '600/min', '--clear', 'daily-quota', '--clear', 'label']);
  assert.equal(updated.code, 0, updated.err);
  assert.match(updated.out, /^Updated key-a; a running gateway enforces it within a second\.\n/);
  assert.match(updated.out, /\nlabel:    -\n/);
  assert.match(updated.out, /\nupdated:  \d{4}-\d\d-\d\dT/);
  const json = JSON.parse((await runInProcess(credentials, ['show', 'key-a', '--db', db, '--json'])).out) as { controls: unknown; label: unknown };
  assert.deepEqual([json.label, json.controls], [null, { allowPaths: ['/b/'], rateLimit: { count: 600, per: 'minute' } }]);
  assert.equal((await runInProcess(credentials, ['update', 'key-a', '--db', db, '--clear', 'allow-path', '--clear', 'rate-limit'])).code, 0);
  assert.match((await runInProcess(credentials, ['list', '--db', db])).out, /\n\S+ +streetmaps +active +1 +\S+ +- *\n/);
});

test('--max-lifetime goes up to the bound the core enforces (366 days), and no further', async (t) => {
  const db = join(await tempDir(t), 'mapsign.db');
  const longest = await runInProcess(credentials, ['create', '--scheme', 'google', '--db', db, '--json', '--max-lifetime', '366d']);
  assert.equal(longest.code, 0, longest.err);
  assert.equal((JSON.parse(longest.out) as { controls: { maxLifetimeSeconds: number } }).controls.maxLifetimeSeconds, MAX_LIFETIME_SECONDS);
  const past = await runInProcess(credentials, ['create', '--scheme', 'google', '--db', db, '--max-lifetime', `${MAX_LIFETIME_SECONDS + 1}s`]);
  assert.equal(past.code, 2);
  assert.match(past.err, /The --max-lifetime "31622401s" is too long; give 0 to 366d\./);
});

test('bad values and contradictions are usage errors that say what to write', async (t) => {
  const db = join(await tempDir(t), 'mapsign.db');
  assert.equal((await runInProcess(credentials, ['create', '--scheme', 'google', '--id', 'gme-a', '--db', db])).code, 0);
  const cases: [string[], RegExp][] = [
    [['create', '--scheme', 'google', '--allow-ip', '10.0.0.1/8'], /INVALID_ARGUMENT: The client network "10\.0\.0\.1\/8" has bits set beyond \/8/],
    [['create', '--scheme', 'google', '--allow-path', 'tiles/'], /The path prefix "tiles\/" must start with \//],
    [['create', '--scheme', 'google', '--allow-referrer', 'https://a.example/x'], /not an origin or a domain pattern/],
    [['create', '--scheme', 'google', '--rate-limit', '50/h'], /must be N\/s or N\/min/],
    [['create', '--scheme', 'google', '--daily-quota', '1e6'], /The daily quota must be a whole number/],
    [['create', '--scheme', 'google', '--max-lifetime', '400d'], /The --max-lifetime "400d" is too long/],
    [['create', '--scheme', 'google', '--clear', 'rate-limit'], /--clear is for credentials update/],
    [['update', 'gme-a'], /credentials update needs something to change/],
    [['update', 'gme-a', '--clear', 'ratelimit'], /--clear "ratelimit" is not something to clear; use allow-path/],
    [['update', 'gme-a', '--clear', 'rate-limit', '--rate-limit', '5/s'], /--clear rate-limit and --rate-limit contradict each other/],
    [['list', '--allow-path', '/a/'], /--allow-path is for credentials create and update, not list/],
  ];
  for (const [argv, message] of cases) {
    const result = await runInProcess(credentials, [...argv, '--db', db]);
    assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
    assert.match(result.err, message, argv.join(' '));
  }
  const missing = await runInProcess(credentials, ['update', 'gme-nope', '--daily-quota', '5', '--db', db]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /CREDENTIAL_NOT_FOUND: No credential with id gme-nope/);
});
