/**
 * Expiring signed URLs (`expires=UNIX_SECONDS` inside the signed part): vectors per scheme whose
 * signatures Python's hmac derives independently, the boundaries of the clock-skew allowance,
 * the refusals of signing and verifying, and what explain reports — on node:crypto and WebCrypto.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainUrl, isMapsignError, parseCredential, signUrl, verifyUrl, type CredentialInput, type MapsignErrorCode, type SignOptions, type VerifierCredential, type VerifyOptions, type VerifyResult } from '../../src/index.js';
import * as web from '../../src/web.js';
import { pythonHmacs } from '../support/python-hmac.js';

const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const SECRET_HEX = Buffer.from(SECRET, 'base64url').toString('hex');
const MAPTILER_KEY = '0123456789abcdef01234567';
const MAPTILER_SECRET_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
/** 2100-01-01T00:00:00Z and three quarters of a second: the signed value is rounded down. */
const EXPIRES_AT = new Date('2100-01-01T00:00:00.750Z');
const EXPIRES = 4102444800;
const AT_EXPIRY = EXPIRES * 1000;

interface SchemeCase {
  readonly scheme: string;
  readonly credential: CredentialInput;
  readonly algorithm: 'SHA-1' | 'SHA-256';
  readonly keyHex: string;
  readonly url: string;
  /** The URL with `expires=` as signing emits it, before `&signature=`. */
  readonly unsigned: string;
  /** What the HMAC covers. */
  readonly signed: string;
}

const SCHEMES: readonly SchemeCase[] = [
  {
    scheme: 'google',
    credential: { scheme: 'google', client: 'gme-acme', secret: SECRET },
    algorithm: 'SHA-1',
    keyHex: SECRET_HEX,
    url: 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York',
    unsigned: `https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=gme-acme&expires=${EXPIRES}`,
    signed: `/maps/api/geocode/json?address=New+York&client=gme-acme&expires=${EXPIRES}`,
  },
  {
    scheme: 'streetmaps',
    credential: { scheme: 'streetmaps', key: 'k-123', secret: SECRET },
    algorithm: 'SHA-1',
    keyHex: SECRET_HEX,
    url: 'https://tiles.example.com/tiles/1/2/3.png',
    unsigned: `https://tiles.example.com/tiles/1/2/3.png?key=k-123&expires=${EXPIRES}`,
    signed: `/tiles/1/2/3.png?key=k-123&expires=${EXPIRES}`,
  },
  {
    scheme: 'maptiler',
    credential: { scheme: 'maptiler', token: `${MAPTILER_KEY}_${MAPTILER_SECRET_HEX}` },
    algorithm: 'SHA-256',
    keyHex: MAPTILER_SECRET_HEX,
    url: 'https://api.maptiler.com/maps/streets/style.json',
    unsigned: `https://api.maptiler.com/maps/streets/style.json?key=${MAPTILER_KEY}&expires=${EXPIRES}`,
    signed: `https://api.maptiler.com/maps/streets/style.json?key=${MAPTILER_KEY}&expires=${EXPIRES}`,
  },
];

const pythonSignatures = pythonHmacs(SCHEMES.map((c) => ({ algorithm: c.algorithm, keyHex: c.keyHex, message: c.signed })));

/** Verifies on both runtimes and checks they agree. */
async function verifyBoth(url: string, source: Parameters<typeof verifyUrl>[1], options?: VerifyOptions): Promise<VerifyResult> {
  const node = verifyUrl(url, source, options);
  assert.deepEqual(await web.verifyUrl(url, source, options), node);
  return node;
}

describe('signing with expiresAt', () => {
  for (const [index, c] of SCHEMES.entries()) {
    const signedUrl = `${c.unsigned}&signature=${pythonSignatures[index]}`;
    it(`${c.scheme}: expires= inside the signed part, rounded down, as Python's hmac signs it`, async () => {
      assert.equal(signUrl(c.url, c.credential, { expiresAt: EXPIRES_AT }), signedUrl);
      assert.equal(await web.signUrl(c.url, c.credential, { expiresAt: EXPIRES_AT }), signedUrl);
      const result = await verifyBoth(signedUrl, parseCredential(c.credential), { now: () => AT_EXPIRY - 1 });
      assert.ok(result.valid);
      assert.equal(result.signedString, c.signed);
      assert.deepEqual(result.expiresAt, new Date(AT_EXPIRY));
    });
  }

  const google = SCHEMES[0]!.credential;
  const refusals: ReadonlyArray<readonly [string, string, SignOptions, MapsignErrorCode, RegExp]> = [
    ['expires= already in the URL, with the option', '/geo?q=a&expires=4102444800', { expiresAt: EXPIRES_AT }, 'EXPIRES_ALREADY_SET', /already has an expires= parameter; remove it/],
    ['two expires= of its own', '/geo?expires=1&expires=2', {}, 'DUPLICATE_PARAMETER', /expires= more than once; keep exactly one/],
    ['an expires= that is not Unix seconds', '/geo?expires=tomorrow', {}, 'INVALID_EXPIRES', /"tomorrow", but mapsign verifiers read expires= as whole seconds/],
    ['an expires= with a leading zero', '/geo?expires=0123', {}, 'INVALID_EXPIRES', /digits only/],
    ['an invalid Date', '/geo', { expiresAt: new Date('not a date') }, 'INVALID_ARGUMENT', /expiresAt option must be a valid Date after 1970/],
    ['a Date before 1970', '/geo', { expiresAt: new Date(-1000) }, 'INVALID_ARGUMENT', /after 1970-01-01/],
    ['a number instead of a Date', '/geo', { expiresAt: 4102444800 as unknown as Date }, 'INVALID_ARGUMENT', /must be a valid Date/],
    ['a Date past the year 33658', '/geo', { expiresAt: new Date(8.64e15) }, 'INVALID_ARGUMENT', /too far in the future/],
  ];
  for (const [name, url, options, code, message] of refusals) {
    it(`refuses ${name}: ${code}`, () => {
      assert.throws(() => signUrl(url, google, options), (error: unknown) => {
        assert.ok(isMapsignError(error, code), `expected ${code}, got ${String(error)}`);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it("keeps a URL's own valid expires= as it is, inside the signed part", () => {
    const signed = signUrl('/geo?q=a&expires=4102444800', google);
    assert.match(signed, /^\/geo\?q=a&expires=4102444800&client=gme-acme&signature=/);
    assert.deepEqual((verifyUrl(signed, parseCredential(google), { now: () => 0 }) as { expiresAt?: Date }).expiresAt, new Date(AT_EXPIRY));
  });
});

describe('verifying an expiring URL', () => {
  const credential = parseCredential(SCHEMES[1]!.credential);
  const url = signUrl('/tiles/1/2/3.png', credential, { expiresAt: EXPIRES_AT });
  const boundaries: ReadonlyArray<readonly [string, number, number | undefined, boolean]> = [
    ['a millisecond before expires', AT_EXPIRY - 1, 0, true],
    ['exactly at expires, with no allowance', AT_EXPIRY, 0, false],
    ['exactly at expires, inside the default 30 s allowance', AT_EXPIRY, undefined, true],
    ['the last millisecond of the allowance', AT_EXPIRY + 29_999, undefined, true],
    ['at the end of the allowance', AT_EXPIRY + 30_000, undefined, false],
    ['inside a wider allowance', AT_EXPIRY + 119_000, 120_000, true],
  ];
  for (const [name, now, clockSkewMs, valid] of boundaries) {
    it(`${name}: ${valid ? 'valid' : 'EXPIRED'}`, async () => {
      const result = await verifyBoth(url, credential, { now: () => now, clockSkewMs });
      assert.equal(result.valid ? 'valid' : result.reason, valid ? 'valid' : 'EXPIRED');
    });
  }

  it('says when it expired, how long ago and what the allowance is, with the facts of a signed URL', async () => {
    const result = await verifyBoth(url, credential, { now: () => AT_EXPIRY + 250_000 });
    assert.deepEqual(result, {
      valid: false,
      reason: 'EXPIRED',
      message: 'The URL expired at 2100-01-01T00:00:00.000Z, 4 min 10 s ago (the clock-skew allowance is 30 s); ask for a freshly signed URL.',
      credentialId: 'k-123',
      scheme: 'streetmaps',
      signedString: `/tiles/1/2/3.png?key=k-123&expires=${EXPIRES}`,
      expiresAt: new Date(AT_EXPIRY),
    });
  });

  it('refuses an expired URL signed with a secret still inside its rotation overlap', async () => {
    const old = parseCredential({ scheme: 'streetmaps', key: 'k-123', secret: 'AAECAwQFBgcICQoLDA0ODxAREhM=' });
    const stored: VerifierCredential = { scheme: 'streetmaps', id: 'k-123', secrets: [credential.secret, old.secret] };
    const oldUrl = signUrl('/tiles/1/2/3.png', old, { expiresAt: EXPIRES_AT });
    const fresh = await verifyBoth(oldUrl, stored, { now: () => AT_EXPIRY - 1 });
    assert.deepEqual([fresh.valid, fresh.valid && fresh.secretIndex], [true, 1]);
    const late = await verifyBoth(oldUrl, stored, { now: () => AT_EXPIRY + 60_000 });
    assert.equal(!late.valid && late.reason, 'EXPIRED');
  });

  it('refuses a changed, added or forged expires= for its signature first, saying nothing about expiry', async () => {
    const plain = signUrl('/tiles/1/2/3.png', credential);
    const forged = [
      url.replace(`expires=${EXPIRES}`, `expires=${EXPIRES + 3600}`),
      url.replace(`expires=${EXPIRES}`, 'expires=1'),
      plain.replace('&signature=', `&expires=${EXPIRES}&signature=`),
      url.replace(/signature=.{4}/, 'signature=AAAA'),
    ];
    for (const target of forged) {
      const result = await verifyBoth(target, credential, { now: () => AT_EXPIRY + 3_600_000 });
      assert.equal(result.valid ? 'valid' : result.reason, 'SIGNATURE_MISMATCH', target);
      assert.ok(!result.valid && !('expiresAt' in result) && !result.message.includes('expire'), target);
    }
    const unknown = await verifyBoth(url.replace('key=k-123', 'key=k-999'), credential, { now: () => AT_EXPIRY + 3_600_000 });
    assert.equal(!unknown.valid && unknown.reason, 'UNKNOWN_CREDENTIAL');
  });

  // Signed here by Python, since signing refuses to emit them.
  const badValues = ['tomorrow', '', '0123', '-5', '1.5', '%31', '1e9', '1234567890123', '+1'];
  const odd = [...badValues.map((value) => `/tiles?expires=${value}&key=k-123`), '/tiles?expires&key=k-123', '/tiles?expires=1&expires=2&key=k-123'];
  const oddSignatures = pythonHmacs(odd.map((message) => ({ algorithm: 'SHA-1', keyHex: SECRET_HEX, message })));
  for (const [index, message] of odd.entries()) {
    const repeated = message.includes('expires=2');
    it(`a validly signed ${message.slice(7, -10)}: ${repeated ? 'DUPLICATE_PARAMETER' : 'MALFORMED_EXPIRES'}`, async () => {
      const result = await verifyBoth(`${message}&signature=${oddSignatures[index]}`, credential, { now: () => 0 });
      assert.equal(result.valid ? 'valid' : result.reason, repeated ? 'DUPLICATE_PARAMETER' : 'MALFORMED_EXPIRES');
      assert.match(result.valid ? '' : result.message, repeated ? /expires= more than once/ : /not a time in whole seconds since 1970/);
    });
  }

  it('takes 0 and the largest twelve-digit value as times', async () => {
    const cases = ['/t?expires=0&key=k-123', '/t?expires=999999999999&key=k-123'];
    const signatures = pythonHmacs(cases.map((message) => ({ algorithm: 'SHA-1', keyHex: SECRET_HEX, message })));
    const zero = await verifyBoth(`${cases[0]}&signature=${signatures[0]}`, credential, { now: () => 30_000 });
    assert.deepEqual([zero.valid, !zero.valid && zero.expiresAt], [false, new Date(0)]);
    const far = await verifyBoth(`${cases[1]}&signature=${signatures[1]}`, credential);
    assert.deepEqual(far.valid && far.expiresAt, new Date(999_999_999_999_000));
  });

  it('refuses a clock-skew allowance that is not a finite number of milliseconds, 0 or more', () => {
    for (const clockSkewMs of [-1, Number.NaN, Infinity]) {
      assert.throws(() => verifyUrl(url, credential, { clockSkewMs }), { code: 'INVALID_ARGUMENT', message: /clockSkewMs option must be a finite number of milliseconds, 0 or more/ });
    }
  });

  it('sets no expiresAt on a URL without expires=', async () => {
    const result = await verifyBoth(signUrl('/tiles/1/2/3.png', credential), credential);
    assert.ok(result.valid && !('expiresAt' in result));
  });
});

describe('explaining an expiring URL', () => {
  const credential = parseCredential(SCHEMES[0]!.credential);
  const url = signUrl('/geo?q=a', credential, { expiresAt: EXPIRES_AT });

  it('shows a current expiry and how long is left, with or without the secret', async () => {
    for (const report of [explainUrl(url, credential, { now: () => AT_EXPIRY - 600_000 }), await web.explainUrl(url, undefined, { scheme: 'google', now: () => AT_EXPIRY - 600_000 })]) {
      assert.deepEqual(report.expiry, { raw: String(EXPIRES), expiresAt: new Date(AT_EXPIRY), state: 'current', message: 'Expires at 2100-01-01T00:00:00.000Z, in 10 min.' });
    }
    assert.equal(explainUrl(url, credential, { now: () => AT_EXPIRY - 600_000 }).verdict, 'valid');
  });

  it('says when a passed expiry is still accepted inside the allowance', () => {
    const report = explainUrl(url, credential, { now: () => AT_EXPIRY + 10_000 });
    assert.equal(report.verdict, 'valid');
    assert.equal(report.expiry?.message, 'Expired at 2100-01-01T00:00:00.000Z, 10 s ago, but still accepted within the 30 s clock-skew allowance.');
  });

  it('turns a valid signature past its expiry into EXPIRED, and shows it passed without a secret too', async () => {
    const late = { now: () => AT_EXPIRY + 7_200_000 };
    const report = explainUrl(url, credential, late);
    assert.deepEqual([report.verdict, report.reason, report.expiry?.state], ['invalid', 'EXPIRED', 'expired']);
    assert.match(report.message, /^The signature is valid, but: The URL expired at 2100-01-01T00:00:00.000Z, 2 h ago/);
    assert.equal(report.signedUrl, undefined, 'only a new expiry fixes it, which explain cannot choose');
    const unchecked = await web.explainUrl(url, undefined, { scheme: 'google', ...late });
    assert.deepEqual([unchecked.verdict, unchecked.expiry?.state], ['unchecked', 'expired']);
  });

  it('confirms an expires= added after signing', () => {
    const added = signUrl('/geo?q=a', credential).replace('&signature=', `&expires=${EXPIRES}&signature=`);
    const report = explainUrl(added, credential, { now: () => 0 });
    assert.equal(report.reason, 'SIGNATURE_MISMATCH');
    assert.deepEqual(report.likelyCauses.map((c) => [c.code, c.confirmed, c.clientSigned]), [['SIGNED_BEFORE_EXPIRES', true, '/geo?q=a&client=gme-acme']]);
  });

  it('reports a malformed expires= in a validly signed URL', () => {
    const message = '/geo?q=a&client=gme-acme&expires=soon';
    const [signature] = pythonHmacs([{ algorithm: 'SHA-1', keyHex: SECRET_HEX, message }]);
    const report = explainUrl(`${message}&signature=${signature}`, credential);
    assert.deepEqual([report.verdict, report.reason, report.expiry?.state, report.expiry?.expiresAt], ['invalid', 'MALFORMED_EXPIRES', 'malformed', undefined]);
  });
});
