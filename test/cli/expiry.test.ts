/**
 * Expiring URLs through the real binary: `mapsign sign --expires D` writes `expires=` inside the
 * signed part (checked with Python's hmac), `verify` and `explain` show the expiry and refuse a
 * passed one, `--clock-skew` widens the allowance, and bad durations are usage errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signUrl } from '../../src/index.js';
import { pythonHmacs } from '../support/python-hmac.js';
import { GOOGLE_SECRET, runCli } from './helpers.js';

const URL_TO_SIGN = 'https://tiles.example.com/tiles/1/2/3.png';
const ARGS = ['--scheme', 'streetmaps', '--key', 'k-123'];
const credential = { scheme: 'streetmaps', key: 'k-123', secret: GOOGLE_SECRET } as const;

/** A URL signed by the library to expire `agoMs` milliseconds ago. */
const expiredUrl = (agoMs: number): string => signUrl(URL_TO_SIGN, credential, { expiresAt: new Date(Date.now() - agoMs) });

describe('mapsign sign --expires', () => {
  it('adds expires= ten minutes from now inside the signed part, as Python signs it', async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await runCli(['sign', ...ARGS, '--expires', '10m', URL_TO_SIGN], { secret: GOOGLE_SECRET });
    const after = Math.floor(Date.now() / 1000);
    assert.equal(result.status, 0, result.stderr);
    const match = /^https:\/\/tiles\.example\.com(\/tiles\/1\/2\/3\.png\?key=k-123&expires=(\d+))&signature=(\S+)\n$/.exec(result.stdout);
    assert.ok(match, result.stdout);
    const expires = Number(match[2]);
    assert.ok(expires >= before + 600 && expires <= after + 600, `${expires} is not 10 minutes after ${before}..${after}`);
    const [python] = pythonHmacs([{ algorithm: 'SHA-1', keyHex: Buffer.from(GOOGLE_SECRET, 'base64url').toString('hex'), message: match[1]! }]);
    assert.equal(match[3], python);

    const verified = await runCli(['verify', ...ARGS, result.stdout.trim()], { secret: GOOGLE_SECRET });
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`^valid\\t\\S+\\texpires ${new Date(expires * 1000).toISOString().replace(/\./g, '\\.')} \\(in (?:9 min \\d+ s|10 min)\\)\\n$`));
    const json = await runCli(['verify', ...ARGS, '--json', result.stdout.trim()], { secret: GOOGLE_SECRET });
    assert.equal((JSON.parse(json.stdout) as { expiresAt: string }).expiresAt, new Date(expires * 1000).toISOString());
  });

  const usage: ReadonlyArray<readonly [string, RegExp]> = [
    ['0', /--expires 0 would sign URLs that have already expired/],
    ['10', /--expires "10" is not a duration; write a number and a unit/],
    ['400d', /--expires "400d" is too long; give 0 to 366d/],
  ];
  for (const [value, message] of usage) {
    it(`--expires ${value} is a usage error`, async () => {
      const result = await runCli(['sign', ...ARGS, '--expires', value, URL_TO_SIGN], { secret: GOOGLE_SECRET });
      assert.equal(result.status, 2);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    });
  }

  it('refuses a URL that already has expires=, naming the fix', async () => {
    const result = await runCli(['sign', ...ARGS, '--expires', '10m', `${URL_TO_SIGN}?expires=4102444800`], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /EXPIRES_ALREADY_SET: The URL already has an expires= parameter; remove it/);
  });
});

describe('mapsign verify and explain on expiring URLs', () => {
  it('verify refuses a passed expiry with EXPIRED, the time and how long ago', async () => {
    const url = expiredUrl(120_000);
    const result = await runCli(['verify', ...ARGS, url], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^EXPIRED\t\S+\tThe URL expired at \d{4}-\d\d-\d\dT[\d:.]+Z, 2 min(?: \d+ s)? ago \(the clock-skew allowance is 30 s\); ask for a freshly signed URL\.\n$/);
  });

  it('verify --clock-skew 5m still accepts it and says so; --clock-skew 2h is a usage error', async () => {
    const url = expiredUrl(120_000);
    const wide = await runCli(['verify', ...ARGS, '--clock-skew', '5m', url], { secret: GOOGLE_SECRET });
    assert.equal(wide.status, 0, wide.stdout);
    assert.match(wide.stdout, /^valid\t\S+\texpires \S+ \(2 min(?: \d+ s)? ago, inside the clock-skew allowance\)\n$/);
    const tooWide = await runCli(['verify', ...ARGS, '--clock-skew', '2h', url], { secret: GOOGLE_SECRET });
    assert.equal(tooWide.status, 2);
    assert.match(tooWide.stderr, /--clock-skew "2h" is too long; give 0 to 1h/);
  });

  it('explain shows the expiry section and the EXPIRED verdict, in text and JSON', async () => {
    const url = expiredUrl(3_600_000);
    const text = await runCli(['explain', ...ARGS, url], { secret: GOOGLE_SECRET });
    assert.equal(text.status, 1);
    assert.match(text.stdout, /Verdict {2}INVALID {2}EXPIRED {2}The signature is valid, but: The URL expired at /);
    assert.match(text.stdout, /\nExpiry\n {2}expired {2}The URL expired at \S+, 1 h ago/);
    const json = await runCli(['explain', ...ARGS, '--json', url], { secret: GOOGLE_SECRET });
    const report = JSON.parse(json.stdout) as { reason: string; expiry: { state: string; raw: string; expiresAt: string } };
    assert.deepEqual([report.reason, report.expiry.state, new Date(report.expiry.expiresAt).getTime() / 1000], ['EXPIRED', 'expired', Number(report.expiry.raw)]);
  });

  it('explain without the secret still shows when the URL expires', async () => {
    const url = signUrl(URL_TO_SIGN, credential, { expiresAt: new Date(Date.now() + 7_200_000) });
    const result = await runCli(['explain', '--scheme', 'streetmaps', url]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /\nExpiry\n {2}current {2}Expires at \S+, in (?:1 h 59 min|2 h)\.\n/);
  });
});
