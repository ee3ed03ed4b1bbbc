/**
 * `mapsign verify` through the real binary: `valid` or the reason code with its explanation
 * per URL, exit 0 only when all are valid, the credential id taken from each URL unless pinned.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GOOGLE_SECRET, GOOGLE_SIGNED, MAPTILER_SIGNED, MAPTILER_TOKEN, runCli } from './helpers.js';

const VERIFY = ['verify', '--scheme', 'google'];

const CASES = [
  { name: 'the official Google vector', url: GOOGLE_SIGNED, reason: undefined },
  { name: 'the official vector without = padding', url: GOOGLE_SIGNED.replace(/=$/, ''), reason: undefined },
  { name: 'a changed query', url: GOOGLE_SIGNED.replace('New+York', 'New%20York'), reason: 'SIGNATURE_MISMATCH' },
  { name: 'a URL without signature', url: GOOGLE_SIGNED.split('&signature=')[0]!, reason: 'MISSING_SIGNATURE' },
  { name: 'a parameter after the signature', url: `${GOOGLE_SIGNED}&language=de`, reason: 'SIGNATURE_NOT_LAST' },
  { name: 'a truncated signature', url: GOOGLE_SIGNED.slice(0, -6), reason: 'MALFORMED_SIGNATURE' },
  { name: 'an unparseable URL', url: 'maps.googleapis.com/x?client=clientID&signature=x', reason: 'MALFORMED_URL' },
] as const;

describe('mapsign verify', () => {
  for (const { name, url, reason } of CASES) {
    it(`reports ${reason ?? 'valid'} for ${name}`, async () => {
      const result = await runCli([...VERIFY, url], { secret: GOOGLE_SECRET });
      assert.equal(result.stderr, '');
      if (reason === undefined) {
        assert.deepEqual(result, { status: 0, stdout: `valid\t${url}\n`, stderr: '' });
      } else {
        assert.equal(result.status, 1);
        const [code, echoed, message] = result.stdout.trimEnd().split('\t');
        assert.deepEqual([code, echoed], [reason, url]);
        assert.ok(message !== undefined && message.length > 20, `one-line explanation expected, got ${JSON.stringify(message)}`);
      }
    });
  }

  it('verifies a stream in order and exits 1 when any line is invalid', async () => {
    const input = CASES.map((c) => c.url).join('\n');
    const result = await runCli(VERIFY, { secret: GOOGLE_SECRET, input });
    assert.equal(result.status, 1);
    assert.deepEqual(result.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0]), CASES.map((c) => c.reason ?? 'valid'));
  });

  it('prints JSON with the reason and line number', async () => {
    const result = await runCli([...VERIFY, '--json'], { secret: GOOGLE_SECRET, input: `${GOOGLE_SIGNED}\n${CASES[2].url}\n` });
    const [first, second] = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(result.status, 1);
    assert.deepEqual({ line: first!.line, valid: first!.valid, credentialId: first!.credentialId }, { line: 1, valid: true, credentialId: 'clientID' });
    assert.deepEqual({ line: second!.line, valid: second!.valid, reason: second!.reason }, { line: 2, valid: false, reason: 'SIGNATURE_MISMATCH' });
  });

  it('with --client, refuses URLs of another client as UNKNOWN_CREDENTIAL', async () => {
    const result = await runCli([...VERIFY, '--client', 'gme-other', GOOGLE_SIGNED], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^UNKNOWN_CREDENTIAL\t/);
  });

  it('verifies MapTiler with the token as the secret', async () => {
    const result = await runCli(['verify', '--scheme', 'maptiler', MAPTILER_SIGNED], { secret: MAPTILER_TOKEN, forbidden: [MAPTILER_TOKEN.split('_')[1]!] });
    assert.deepEqual(result, { status: 0, stdout: `valid\t${MAPTILER_SIGNED}\n`, stderr: '' });
  });

  it('is a usage error (exit 2) without a secret', async () => {
    const result = await runCli([...VERIFY, GOOGLE_SIGNED]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^mapsign verify: No secret given: /);
  });
});
