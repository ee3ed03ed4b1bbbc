/**
 * `mapsign explain` through the real binary: the report for people (plain when piped, coloured
 * on a terminal unless NO_COLOR), the JSON report, and the secret as an optional input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GOOGLE_SECRET, GOOGLE_SIGNED, runCli, runInTerminal } from './helpers.js';

const SENT_WITH_PERCENT20 = GOOGLE_SIGNED.replace('New+York', 'New%20York');
// HMAC-SHA1 of /maps/api/geocode/json?address=New%20York&client=clientID, computed with python3's hmac.
const EXPECTED_FOR_PERCENT20 = 'JFhRDhG2UtKBbbTZHtwS9Vsxo_A=';
const ESC = '\x1b[';

describe('mapsign explain', () => {
  it('without a secret shows the structure and the signed string, and checks nothing', async () => {
    const result = await runCli(['explain', GOOGLE_SIGNED]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^URL {6}https:\/\/maps\.googleapis\.com\//);
    assert.match(result.stdout, /\nVerdict  NOT CHECKED  The URL is well formed; give the secret to check the signature\.\n/);
    assert.match(result.stdout, /\nSigned string \(HMAC-SHA-1 over \/path\?query\)\n {2}\/maps\/api\/geocode\/json\?address=New\+York&client=clientID\n/);
    assert.match(result.stdout, /\nSignature\n {2}provided {2}chaRF2hTJKOScPr-RQCEhZbSzIE=\n/);
    assert.doesNotMatch(result.stdout, /expected/);
  });

  it('with the secret shows expected versus provided and the confirmed cause, exit 1', async () => {
    const result = await runCli(['explain', SENT_WITH_PERCENT20], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /\nScheme   Google Maps Platform \(guessed from the URL; pass --scheme to choose\)\n/);
    assert.match(result.stdout, /\nVerdict  INVALID  SIGNATURE_MISMATCH  /);
    assert.match(result.stdout, new RegExp(`\\n {2}provided {2}chaRF2hTJKOScPr-RQCEhZbSzIE=\\n {2}expected {2}${EXPECTED_FOR_PERCENT20}\\n`));
    assert.match(result.stdout, /\nMost likely cause\n {2}confirmed {2}Spaces were signed as \+ but sent as %20, or the other way round\.\n {4}signed: {4}\/maps\/api\/geocode\/json\?address=New\+York&client=clientID\n {4}should be: \/maps\/api\/geocode\/json\?address=New%20York&client=clientID\n {4}fix: /);
    assert.ok(result.stdout.endsWith(`\nSigned correctly\n  ${SENT_WITH_PERCENT20.replace(/signature=.*$/, `signature=${EXPECTED_FOR_PERCENT20}`)}\n`), result.stdout);
  });

  it('says VALID for a correct signature and exits 0', async () => {
    const result = await runCli(['explain', '--scheme', 'google', GOOGLE_SIGNED], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 0);
    assert.match(result.stdout, /\nScheme   Google Maps Platform\n/);
    assert.match(result.stdout, /\nVerdict  VALID  The signature is valid\.\n/);
  });

  it('lists warnings about bytes that get rewritten', async () => {
    const result = await runCli(['explain', "https://maps.googleapis.com/maps/api/staticmap?markers=a|b&q=it's&client=clientID"]);
    assert.match(result.stdout, /\nWarnings\n {2}QUOTE_REWRITTEN {2}[^\n]+\n {2}PIPE_REWRITTEN {2}/);
  });

  it('prints the report as JSON with --json', async () => {
    const result = await runCli(['explain', '--json', SENT_WITH_PERCENT20], { secret: GOOGLE_SECRET });
    const report = JSON.parse(result.stdout) as { verdict: string; expectedSignature: string; likelyCauses: { code: string; confirmed: boolean }[] };
    assert.equal(report.verdict, 'invalid');
    assert.equal(report.expectedSignature, EXPECTED_FOR_PERCENT20);
    assert.deepEqual(report.likelyCauses.map((c) => [c.code, c.confirmed]), [['PLUS_VS_PERCENT20', true]]);
  });

  it('is plain when piped, coloured on a terminal, and plain on a terminal with NO_COLOR', async () => {
    const piped = await runCli(['explain', SENT_WITH_PERCENT20], { secret: GOOGLE_SECRET });
    const terminal = await runInTerminal(['explain', SENT_WITH_PERCENT20], { secret: GOOGLE_SECRET });
    const noColor = await runInTerminal(['explain', SENT_WITH_PERCENT20], { secret: GOOGLE_SECRET, env: { NO_COLOR: '1' } });
    assert.ok(!piped.stdout.includes(ESC));
    assert.ok(terminal.stdout.includes(`${ESC}31m`), 'red expected on a terminal');
    assert.ok(!noColor.stdout.includes(ESC));
    assert.equal(noColor.stdout.replace(/\r\n/g, '\n'), piped.stdout);
  });

  it('asks for the secret on the terminal with --ask-secret', async () => {
    const result = await runInTerminal(['explain', '--ask-secret', GOOGLE_SIGNED], { answer: GOOGLE_SECRET, forbidden: [GOOGLE_SECRET], env: { NO_COLOR: '1' } });
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Google signing secret \(input hidden\): \r\n/);
    assert.match(result.stdout, /Verdict {2}VALID/);
  });

  for (const [name, args, message] of [
    ['no URL', [], /^mapsign explain: Give the URL to explain, in single quotes/],
    ['two URLs', [GOOGLE_SIGNED, GOOGLE_SIGNED], /^mapsign explain: explain takes one URL; quote it/],
    ['--ask-secret without a terminal', ['--ask-secret', GOOGLE_SIGNED], /^mapsign explain: --ask-secret needs a terminal on stdin/],
  ] as const) {
    it(`is a usage error (exit 2) with ${name}`, async () => {
      const result = await runCli(['explain', ...args], { secret: GOOGLE_SECRET });
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
    });
  }
});
