/**
 * explainUrl: each common mistake is reproduced with a bare `node:crypto` HMAC (a second
 * implementation) and must be recognised; warnings name what gets rewritten.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { explainUrl, parseCredential, signUrl, verifyUrl, type CauseCode, type WarningCode } from '../../src/index.js';
import * as web from '../../src/web.js';

const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const KEY = Buffer.from(SECRET, 'base64url');
const HEX = 'ab'.repeat(32);
const google = parseCredential({ scheme: 'google', client: 'gme-acme', secret: SECRET });
const maptiler = parseCredential({ scheme: 'maptiler', token: `k1_${HEX}` });

/** A signature computed the wrong way, padded as signers print it. */
function mistaken(message: string, algorithm = 'sha1', key: Buffer = KEY): string {
  return createHmac(algorithm, key).update(message).digest('base64url') + '=';
}

describe('explainUrl recognises the mistake behind a mismatch', () => {
  const cases: ReadonlyArray<readonly [CauseCode, string, string, typeof google?]> = [
    ['PLUS_VS_PERCENT20', '/geo?q=New%20York&client=gme-acme', mistaken('/geo?q=New+York&client=gme-acme')],
    ['TILDE_VS_PERCENT7E', '/geo?q=a~b&client=gme-acme', mistaken('/geo?q=a%7Eb&client=gme-acme')],
    ['PERCENT_HEX_CASE', '/geo?q=a%2Fb&client=gme-acme', mistaken('/geo?q=a%2fb&client=gme-acme')],
    ['DECODED_PATH', '/geo/Z%C3%BCrich?client=gme-acme', mistaken('/geo/Zürich?client=gme-acme')],
    ['DECODED_QUERY', '/geo?q=5th%26Main&client=gme-acme', mistaken('/geo?q=5th&Main&client=gme-acme')],
    ['SIGNED_BEFORE_IDENTITY', '/geo?q=a&client=gme-acme', mistaken('/geo?q=a')],
    ['SIGNED_BEFORE_CHANNEL', '/geo?q=a&client=gme-acme&channel=web', mistaken('/geo?q=a&client=gme-acme')],
    ['WRONG_SCHEME', 'https://x.example/geo?q=a&client=gme-acme', mistaken('https://x.example/geo?q=a&client=gme-acme')],
    ['SECRET_NOT_DECODED', '/geo?q=a&client=gme-acme', mistaken('/geo?q=a&client=gme-acme', 'sha1', Buffer.from(SECRET))],
    ['HTTP_VS_HTTPS', 'https://api.maptiler.com/m?key=k1', mistaken('http://api.maptiler.com/m?key=k1', 'sha256', Buffer.from(HEX, 'hex')), maptiler],
    ['WRONG_SCHEME', 'https://api.maptiler.com/m?key=k1', mistaken('/m?key=k1', 'sha256', Buffer.from(HEX, 'hex')), maptiler],
  ];
  for (const [code, url, signature, credential] of cases) {
    it(`${code}: ${url}`, async () => {
      const sent = `${url}&signature=${signature}`;
      const report = explainUrl(sent, credential ?? google);
      assert.equal(report.verdict, 'invalid');
      assert.deepEqual(report.likelyCauses.map((c) => c.code), [code]);
      assert.equal(report.likelyCauses[0]!.confirmed, true);
      assert.deepEqual(await web.explainUrl(sent, credential ?? google), report, 'WebCrypto gives the same report');
    });
  }

  it('standard base64 instead of URL-safe', () => {
    // Find a URL whose correct signature contains - or _ so the mistake is visible.
    let n = 0;
    let signed = signUrl(`/geo?n=${n}`, google);
    while (!/[-_]/.test(signed.slice(signed.lastIndexOf('=', signed.length - 2)))) signed = signUrl(`/geo?n=${++n}`, google);
    const at = signed.lastIndexOf('&signature=') + 11;
    const standard = signed.slice(0, at) + signed.slice(at).replace(/-/g, '+').replace(/_/g, '/');
    const report = explainUrl(standard, google);
    assert.equal(report.reason, 'MALFORMED_SIGNATURE');
    assert.deepEqual(report.likelyCauses.map((c) => c.code), ['STANDARD_BASE64']);
  });

  it('a correct signature that is not last', () => {
    // Signed over /geo?q=a&client=gme-acme, but the signature was inserted before client=.
    const signed = signUrl('/geo?q=a', google);
    const signatureParam = signed.slice(signed.lastIndexOf('&') + 1);
    const moved = `/geo?q=a&${signatureParam}&client=gme-acme`;
    const report = explainUrl(moved, google);
    assert.equal(report.reason, 'SIGNATURE_NOT_LAST');
    assert.deepEqual(report.likelyCauses.map((c) => c.code), ['SIGNATURE_NOT_LAST']);
  });

  it('an unrelated signature is UNEXPLAINED, not a guess', () => {
    const report = explainUrl(`/geo?q=a&client=gme-acme&signature=${mistaken('something else')}`, google);
    assert.deepEqual(report.likelyCauses.map((c) => [c.code, c.confirmed]), [['UNEXPLAINED', false]]);
  });
});

describe('explainUrl report', () => {
  it('shows the signed string, both signatures, parameters raw and decoded', () => {
    const url = 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=';
    const report = explainUrl(url, { scheme: 'google', secret: SECRET });
    assert.equal(report.verdict, 'valid');
    assert.equal(report.signedString, '/maps/api/geocode/json?address=New+York&client=clientID');
    assert.equal(report.expectedSignature, 'chaRF2hTJKOScPr-RQCEhZbSzIE=');
    assert.equal(report.providedSignature, 'chaRF2hTJKOScPr-RQCEhZbSzIE=');
    assert.deepEqual(report.params[0], { name: 'address', rawValue: 'New+York', value: 'New York' });
    assert.equal(report.origin, 'https://maps.googleapis.com');
  });

  it('without a secret: structure, guessed scheme, unchecked', () => {
    const report = explainUrl('https://api.maptiler.com/maps/x.json?key=abc&signature=xyz');
    assert.equal(report.scheme, 'maptiler');
    assert.equal(report.schemeGuessed, true);
    assert.equal(report.expectedSignature, undefined);
    assert.equal(report.reason, 'MALFORMED_SIGNATURE');
    assert.equal(explainUrl('/geo?q=a&client=c&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=').verdict, 'unchecked');
  });

  it('an unsigned URL gets the signature it should carry', () => {
    const report = explainUrl('https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID', { scheme: 'google', secret: SECRET });
    assert.equal(report.reason, 'MISSING_SIGNATURE');
    assert.equal(report.expectedSignature, 'chaRF2hTJKOScPr-RQCEhZbSzIE=');
  });

  it('a URL it cannot parse', () => {
    const report = explainUrl('ftp://x/y', google);
    assert.equal(report.reason, 'MALFORMED_URL');
    assert.equal(report.signedString, undefined);
  });

  const warningCases: ReadonlyArray<readonly [WarningCode, string, number[]]> = [
    ['RAW_SPACE', '/geo?q=a b', [8]],
    ['NON_ASCII', '/geo?q=é', [7]],
    ['QUOTE_REWRITTEN', "/geo?q=O'Hare", [8]],
    ['PIPE_REWRITTEN', '/s?m=a|b', [6]],
    ['ENCODER_DEPENDENT', '/s?m=(a)', [5, 7]],
    ['UNSAFE_ASCII', '/s?m="a"', [5, 7]],
    ['BAD_PERCENT', '/s?m=100%', [8]],
    ['DOUBLE_ENCODING', '/s?m=a%2520b', [6]],
    ['LOWERCASE_HEX', '/s?m=a%2fb', [6]],
    ['FRAGMENT', '/s?m=a#b', [6]],
  ];
  for (const [code, url, positions] of warningCases) {
    it(`warns ${code}`, () => {
      const warning = explainUrl(url, google).warnings.find((w) => w.code === code);
      assert.ok(warning, `no ${code} warning in ${url}`);
      assert.deepEqual(warning.positions, positions);
    });
  }

  it('warns when the URL, once signed, would pass the limit, and says some services allow more', () => {
    // 2010 characters + '&signature=' + 28 = 2049.
    const unsigned = `/s?client=gme-acme&q=${'a'.repeat(2010 - 21)}`;
    const warning = explainUrl(unsigned, google).warnings.find((w) => w.code === 'URL_TOO_LONG');
    assert.equal(warning?.message, "Signed, the URL would be at least 2049 characters, over 2048, the limit of most map web services (some, such as Google's Maps Static API, allow more: raise maxLength, --max-length, for those).");
    assert.equal(explainUrl(unsigned.slice(0, -1), google).warnings.find((w) => w.code === 'URL_TOO_LONG'), undefined);
    const signed = `/s?q=${'a'.repeat(3000)}&client=gme-acme&signature=x`;
    assert.equal(explainUrl(signed, google, { maxLength: 2500 }).warnings.find((w) => w.code === 'URL_TOO_LONG')?.message, `The URL is ${signed.length} characters, over 2500, the limit set.`);
    assert.equal(explainUrl(signed, google, { maxLength: 4096 }).warnings.find((w) => w.code === 'URL_TOO_LONG'), undefined);
  });

  it('warns about dot segments and length, and not about the origin', () => {
    const codes = explainUrl(`https://A.example/a/../b?x=${'y'.repeat(2048)}`, google).warnings.map((w) => w.code);
    assert.deepEqual(codes, ['URL_TOO_LONG', 'DOT_SEGMENT']);
  });
});

describe('explain hands back the fix', () => {
  const official = 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID';
  const officialSigned = `${official}&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=`;
  const credential = parseCredential({ scheme: 'google', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' });

  it('an unsigned URL comes back signed (the official vector)', async () => {
    assert.equal(explainUrl(official, credential).signedUrl, officialSigned);
    assert.equal((await web.explainUrl(official, credential)).signedUrl, officialSigned);
  });

  it('a wrongly signed URL comes back with the right signature, and the string the client signed', () => {
    const sent = officialSigned.replace('New+York', 'New%20York');
    const report = explainUrl(sent, credential);
    assert.equal(report.signedUrl, `${official.replace('New+York', 'New%20York')}&signature=${report.expectedSignature}`);
    assert.equal(verifyUrl(report.signedUrl!, credential).valid, true);
    assert.deepEqual(report.likelyCauses.map((c) => [c.code, c.clientSigned]), [['PLUS_VS_PERCENT20', '/maps/api/geocode/json?address=New+York&client=clientID']]);
  });

  it('a mistake in the key, not the string, carries no client string', () => {
    const wrongKey = signUrl(official, { scheme: 'google', secret: Buffer.from('vNIXE0xscrmjlyV-12Nj_BvUPaw=').toString('base64url') });
    const [first] = explainUrl(wrongKey, credential).likelyCauses;
    assert.deepEqual([first?.code, first?.confirmed, first?.clientSigned], ['SECRET_NOT_DECODED', true, undefined]);
  });

  it('a misplaced signature comes back last; a fragment is dropped; a valid URL needs no fix', () => {
    const withFragment = explainUrl(`${official}&x=1&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=#top`, credential).signedUrl!;
    assert.equal(withFragment, `${official}&x=1&signature=${explainUrl(`${official}&x=1`, credential).expectedSignature}`);
    const notLast = `${officialSigned}&language=en`;
    const fixed = explainUrl(notLast, credential).signedUrl!;
    assert.match(fixed, /^https:\/\/maps\.googleapis\.com\/maps\/api\/geocode\/json\?address=New\+York&client=clientID&language=en&signature=[\w-]{27}=$/);
    assert.equal(verifyUrl(fixed, credential).valid, true);
    assert.equal(explainUrl(officialSigned, credential).signedUrl, undefined);
    assert.equal(explainUrl(official).signedUrl, undefined, 'no secret, no signature');
  });
});
