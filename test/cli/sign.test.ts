/**
 * `mapsign sign` through the real binary: signatures against the official Google vector and
 * vectors computed independently with Python's hmac module, every secret source (environment,
 * file, hidden terminal prompt), and the usage errors — none of which may print a secret.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pythonHmacs } from '../support/python-hmac.js';
import { GOOGLE_SECRET, GOOGLE_SIGNED, GOOGLE_URL, MAPTILER_SIGNED, MAPTILER_TOKEN, runCli, runInTerminal, tempDir } from './helpers.js';

const STREETMAPS_SECRET = 'c3RyZWV0bWFwcy10ZXN0LXNlY3JldA==';

// Expected signatures: Google's documentation for the first; the others computed with
// python3 -c "base64.urlsafe_b64encode(hmac.new(secret, message, sha).digest())".
const VECTORS = [
  { name: 'google (official vector)', args: ['--scheme', 'google', GOOGLE_URL], secret: GOOGLE_SECRET, signed: GOOGLE_SIGNED },
  {
    name: 'google, client and channel added',
    args: ['--scheme', 'google', '--client', 'clientID', '--channel', 'web', 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York'],
    secret: GOOGLE_SECRET,
    signed: 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&channel=web&signature=iyXTBfHjJcfGCxvUMntyP2Vxjcw=',
  },
  {
    name: 'streetmaps, key added',
    args: ['--scheme', 'streetmaps', '--key', 'my-api-key', 'https://api.streetmaps.example/maps/api/staticmap?center=52.5,13.4&zoom=12'],
    secret: STREETMAPS_SECRET,
    signed: 'https://api.streetmaps.example/maps/api/staticmap?center=52.5,13.4&zoom=12&key=my-api-key&signature=M5a1Jdo7WAJXeliA_lz10oz_zPc=',
  },
  {
    name: 'maptiler, key from the token',
    args: ['--scheme', 'maptiler', 'https://api.maptiler.com/maps/streets/style.json'],
    secret: MAPTILER_TOKEN,
    signed: MAPTILER_SIGNED,
  },
];

const dir = tempDir('mapsign-cli-sign-');

describe('mapsign sign', () => {
  for (const vector of VECTORS) {
    it(`signs ${vector.name}`, async () => {
      const result = await runCli(['sign', ...vector.args], { secret: vector.secret, forbidden: [vector.secret.split('_').at(-1)!] });
      assert.deepEqual(result, { status: 0, stdout: `${vector.signed}\n`, stderr: '' });
    });
  }

  it('signs a Static Maps URL with a Google API key (--key), as Python computes it', async () => {
    const url = 'https://maps.googleapis.com/maps/api/staticmap?center=Brooklyn+Bridge,New+York,NY&zoom=13&size=600x300&markers=color:blue%7Clabel:S%7C40.702147,-74.015794';
    const message = `${url.slice('https://maps.googleapis.com'.length)}&key=AIzaSyTEST-key_1`;
    const [signature] = pythonHmacs([{ algorithm: 'SHA-1', keyHex: Buffer.from(GOOGLE_SECRET, 'base64url').toString('hex'), message }]);
    const result = await runCli(['sign', '--scheme', 'google', '--key', 'AIzaSyTEST-key_1', url], { secret: GOOGLE_SECRET });
    assert.deepEqual(result, { status: 0, stdout: `${url}&key=AIzaSyTEST-key_1&signature=${signature}\n`, stderr: '' });
  });

  it('signs with a secret of an unusual length and warns on stderr', async () => {
    const secret = Buffer.from('sixteen byte key').toString('base64url');
    const [signature] = pythonHmacs([{ algorithm: 'SHA-1', keyHex: Buffer.from('sixteen byte key').toString('hex'), message: '/maps/api/geocode/json?address=New+York&client=clientID' }]);
    const result = await runCli(['sign', '--scheme', 'google', GOOGLE_URL], { secret });
    assert.deepEqual(result, {
      status: 0,
      stdout: `${GOOGLE_URL}&signature=${signature}\n`,
      stderr: 'mapsign: warning: The Google signing secret decodes to 16 bytes, not the usual 20 bytes; it signs, but check it was copied whole.\n',
    });
  });

  it('refuses a URL past 2048 characters unless --max-length raises the limit', async () => {
    const url = `https://maps.googleapis.com/maps/api/staticmap?path=${'a'.repeat(2100)}&client=clientID`;
    const refused = await runCli(['sign', '--scheme', 'google', url], { secret: GOOGLE_SECRET });
    assert.deepEqual(refused, { status: 1, stdout: '', stderr: `mapsign sign: argument 1: URL_TOO_LONG: The signed URL would be ${url.length + 39} characters, over the limit of 2048; shorten the query (fewer or shorter parameters, an encoded polyline).\n` });
    const signed = await runCli(['sign', '--scheme', 'google', '--max-length', '8192', url], { secret: GOOGLE_SECRET });
    assert.equal(signed.status, 0);
    assert.equal(signed.stdout.slice(0, url.length + 11), `${url}&signature=`);
    const bad = await runCli(['sign', '--scheme', 'google', '--max-length', 'lots', url], { secret: GOOGLE_SECRET });
    assert.deepEqual(bad, { status: 2, stdout: '', stderr: `mapsign sign: --max-length takes a whole number of characters, e.g. --max-length 8192, not "lots".\nRun 'mapsign sign --help' for usage.\n` });
  });

  it('prints one signed URL per argument, in order, and --json objects with their position', async () => {
    const other = 'https://maps.googleapis.com/maps/api/staticmap?center=Berlin&client=clientID';
    const plain = await runCli(['sign', '--scheme', 'google', GOOGLE_URL, other], { secret: GOOGLE_SECRET });
    const lines = plain.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split('&signature=')[0]), [GOOGLE_URL, other]);
    const json = await runCli(['sign', '--scheme', 'google', '--json', GOOGLE_URL, other], { secret: GOOGLE_SECRET });
    assert.deepEqual(
      json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)),
      lines.map((url, i) => ({ line: i + 1, url })),
    );
  });

  it('reads the secret from --secret-file (first line; a final newline is fine)', async () => {
    const file = join(dir, 'google-secret');
    writeFileSync(file, `${GOOGLE_SECRET}\n`, { mode: 0o600 });
    const result = await runCli(['sign', '--scheme', 'google', '--secret-file', file, GOOGLE_URL], { forbidden: [GOOGLE_SECRET] });
    assert.deepEqual(result, { status: 0, stdout: `${GOOGLE_SIGNED}\n`, stderr: '' });
  });

  it('--secret-file wins over MAPSIGN_SECRET', async () => {
    const file = join(dir, 'google-secret-2');
    writeFileSync(file, GOOGLE_SECRET);
    const result = await runCli(['sign', '--scheme', 'google', '--secret-file', file, GOOGLE_URL], { secret: 'not-a-secret-at-all' });
    assert.equal(result.stdout, `${GOOGLE_SIGNED}\n`);
  });

  it('asks for the secret on a terminal without echoing it', async () => {
    const result = await runInTerminal(['sign', '--scheme', 'google', GOOGLE_URL], { answer: GOOGLE_SECRET, forbidden: [GOOGLE_SECRET] });
    assert.equal(result.status, 0);
    assert.equal(result.stdout, `Google signing secret (input hidden): \r\n${GOOGLE_SIGNED}\r\n`);
  });

  it('reports a cancelled prompt (Ctrl-C) as a usage error', async () => {
    const result = await runInTerminal(['sign', '--scheme', 'google', GOOGLE_URL], { answer: '\u0003' });
    assert.equal(result.status, 2);
    assert.match(result.stdout, /mapsign sign: Cancelled: no secret was entered\./);
  });

  it('refuses to read URLs from a terminal', async () => {
    const result = await runInTerminal(['sign', '--scheme', 'google'], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 2);
    assert.match(result.stdout, /No URL given: pass URLs as arguments, --input FILE, or pipe them on stdin/);
  });

  for (const [flag, args] of [
    ['--secret VALUE', ['--secret', GOOGLE_SECRET]],
    ['--secret=VALUE', [`--secret=${GOOGLE_SECRET}`]],
    ['--token=VALUE', [`--token=${MAPTILER_TOKEN}`]],
  ] as const) {
    it(`refuses ${flag} with the alternatives, without echoing the value`, async () => {
      const result = await runCli(['sign', '--scheme', 'google', GOOGLE_URL, ...args], { forbidden: [GOOGLE_SECRET, MAPTILER_TOKEN] });
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^mapsign sign: --(secret|token) is refused: a secret in the command line shows in ps and shell history; set MAPSIGN_SECRET in the environment, pass --secret-file PATH, or leave both out to be asked on the terminal\.\n/);
    });
  }

  const usageErrors: ReadonlyArray<{ name: string; args: readonly string[]; options?: Parameters<typeof runCli>[1]; stderr: RegExp }> = [
    { name: 'no secret anywhere (stdin is not a terminal)', args: ['--scheme', 'google', GOOGLE_URL], stderr: /^mapsign sign: No secret given: set MAPSIGN_SECRET/ },
    { name: 'a malformed secret', args: ['--scheme', 'google', GOOGLE_URL], options: { secret: 'vNIXE0xscrmjlyV+12Nj/BvUPaw=' }, stderr: /^mapsign sign: INVALID_SECRET: The Google signing secret must be URL-safe base64/ },
    { name: 'a MapTiler token without its secret', args: ['--scheme', 'maptiler', GOOGLE_URL], options: { secret: '0123456789abcdef01234567' }, stderr: /^mapsign sign: INVALID_TOKEN: / },
    { name: 'a missing --scheme', args: [GOOGLE_URL], options: { secret: GOOGLE_SECRET }, stderr: /^mapsign sign: --scheme is required: pass --scheme google, --scheme streetmaps, --scheme maptiler\./ },
    { name: 'an unknown scheme', args: ['--scheme', 'bing', GOOGLE_URL], options: { secret: GOOGLE_SECRET }, stderr: /^mapsign sign: Unknown scheme "bing": use one of google, streetmaps, maptiler\./ },
    { name: '--key with maptiler', args: ['--scheme', 'maptiler', '--key', 'k', GOOGLE_URL], options: { secret: MAPTILER_TOKEN }, stderr: /^mapsign sign: A maptiler token KEY_SECRET names its key: drop --key\./ },
    { name: '--client with streetmaps', args: ['--scheme', 'streetmaps', '--client', 'c', GOOGLE_URL], options: { secret: STREETMAPS_SECRET }, stderr: /^mapsign sign: --client is for Google client IDs; streetmaps uses --key \(or sign with --scheme google --client\)\.\n/ },
    { name: '--client and --key together', args: ['--scheme', 'google', '--client', 'c', '--key', 'k', GOOGLE_URL], options: { secret: GOOGLE_SECRET }, stderr: /^mapsign sign: Give --client \(a Google client ID\) or --key \(an API key\), not both: Google rejects a URL that carries both\.\n/ },
    { name: 'an unreadable --secret-file', args: ['--scheme', 'google', '--secret-file', '/nonexistent/secret', GOOGLE_URL], stderr: /^mapsign sign: Cannot read --secret-file "\/nonexistent\/secret" \(no such file\)/ },
    { name: 'an unwritable --output', args: ['--scheme', 'google', '--output', '/nonexistent/signed.txt', GOOGLE_URL], options: { secret: GOOGLE_SECRET }, stderr: /^mapsign sign: Cannot write --output "\/nonexistent\/signed\.txt" \(no such file or directory\)\./ },
    { name: 'URLs and --input together', args: ['--scheme', 'google', '--input', '/dev/null', GOOGLE_URL], options: { secret: GOOGLE_SECRET }, stderr: /^mapsign sign: Give URLs as arguments or with --input FILE, not both\./ },
  ];
  for (const { name, args, options, stderr } of usageErrors) {
    it(`exits 2 for ${name}`, async () => {
      const result = await runCli(['sign', ...args], { ...options, forbidden: [GOOGLE_SECRET, STREETMAPS_SECRET, MAPTILER_TOKEN, 'BvUPaw'] });
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, stderr);
    });
  }

  it('exits 1 and names the argument when a URL cannot be signed, still signing the others', async () => {
    const result = await runCli(['sign', '--scheme', 'google', 'https://maps.googleapis.com/x?client=clientID#top', GOOGLE_URL], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, `${GOOGLE_SIGNED}\n`);
    assert.match(result.stderr, /^mapsign sign: argument 1: FRAGMENT_NOT_ALLOWED: /);
  });
});
