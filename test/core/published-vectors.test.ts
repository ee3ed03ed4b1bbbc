/**
 * The published vectors (`vectors/mapsign-vectors.v1.json`, shipped as `mapsign/vectors.json`)
 * on both runtimes: every positive vector signs to its `signedUrl` and verifies with exactly its
 * `stringToSign`; every negative case is refused with its reason and explained by the mistake
 * it is tagged with. Python's hmac re-derives every expected value from the credential text
 * alone, so the file cannot drift from what an independent implementation computes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CAUSES, explainUrl, parseCredential, signUrl, verifyUrl, type CauseCode, type CredentialInput, type SignOptions, type VerifyReason } from '../../src/index.js';
import * as web from '../../src/web.js';

interface PositiveVector {
  readonly id: string;
  readonly credential: CredentialInput;
  readonly keyHex: string;
  readonly url: string;
  readonly options?: SignOptions;
  readonly stringToSign: string;
  readonly signature: string;
  readonly signedUrl: string;
}

interface NegativeVector {
  readonly id: string;
  readonly mistake: CauseCode;
  readonly credential: CredentialInput;
  readonly keyHex: string;
  readonly clientSigned: string;
  readonly clientKey: 'decoded' | 'secret-text';
  readonly clientEncoding: 'base64url' | 'base64';
  readonly sentUrl: string;
  readonly expect: { readonly valid: false; readonly reason: VerifyReason };
}

const FILE = new URL('../../vectors/mapsign-vectors.v1.json', import.meta.url);
const doc = JSON.parse(readFileSync(FILE, 'utf8')) as { format: string; version: number; vectors: PositiveVector[]; negative: NegativeVector[] };

/** The signature a URL carries: the value of its last `signature=` parameter. */
function carried(url: string): string {
  const tail = url.slice(url.lastIndexOf('&signature=') + 11);
  return tail.split('&')[0]!;
}

// Python decodes each credential itself (base64url or hex, as the providers' reference code
// does) and recomputes every value, reporting each disagreement with the file.
const PYTHON = `
import base64, hashlib, hmac, json, sys
doc = json.load(sys.stdin)
def key_of(c):
    if c["scheme"] == "maptiler":
        return base64.b16decode(c["token"].partition("_")[2], casefold=True), hashlib.sha256
    s = c["secret"].rstrip("=")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)), hashlib.sha1
def carried(url):
    return url[url.rindex("&signature=") + 11:].split("&")[0]
problems = []
for v in doc["vectors"]:
    key, digest = key_of(v["credential"])
    sig = base64.urlsafe_b64encode(hmac.new(key, v["stringToSign"].encode(), digest).digest()).decode()
    if key.hex() != v["keyHex"]: problems.append(v["id"] + ": keyHex")
    if sig != v["signature"] or carried(v["signedUrl"]) != sig: problems.append(v["id"] + ": signature")
for n in doc["negative"]:
    key, digest = key_of(n["credential"])
    if key.hex() != n["keyHex"]: problems.append(n["id"] + ": keyHex")
    if n["clientKey"] == "secret-text": key = n["credential"]["secret"].encode()
    mac = hmac.new(key, n["clientSigned"].encode(), digest).digest()
    sig = (base64.b64encode(mac) if n["clientEncoding"] == "base64" else base64.urlsafe_b64encode(mac)).decode()
    if carried(n["sentUrl"]) != sig: problems.append(n["id"] + ": sent signature")
json.dump(problems, sys.stdout)
`;

describe('published vectors (mapsign-vectors.v1.json)', () => {
  it('is version 1 of the mapsign format, with positive and negative cases for every scheme', () => {
    assert.equal(doc.format, 'mapsign-test-vectors');
    assert.equal(doc.version, 1);
    for (const scheme of ['google', 'streetmaps', 'maptiler']) assert.ok(doc.vectors.some((v) => v.credential.scheme === scheme), scheme);
    assert.ok(doc.negative.length >= 8);
    for (const n of doc.negative) assert.ok(Object.hasOwn(CAUSES, n.mistake), n.mistake);
  });

  it("Python's hmac re-derives every key, signature and sent signature from the credential text", () => {
    const problems = JSON.parse(execFileSync('python3', ['-c', PYTHON], { input: JSON.stringify(doc), encoding: 'utf8' })) as string[];
    assert.deepEqual(problems, []);
  });

  for (const v of doc.vectors) {
    it(`${v.id}: signs and verifies on node:crypto and WebCrypto`, async () => {
      const credential = parseCredential(v.credential);
      assert.equal(signUrl(v.url, v.credential, v.options), v.signedUrl);
      assert.equal(await web.signUrl(v.url, v.credential, v.options), v.signedUrl);
      assert.equal(carried(v.signedUrl), v.signature);
      const node = verifyUrl(v.signedUrl, credential);
      assert.deepEqual([node.valid, node.signedString], [true, v.stringToSign]);
      const browser = await web.verifyUrl(v.signedUrl, credential);
      assert.deepEqual([browser.valid, browser.signedString], [true, v.stringToSign]);
    });
  }

  for (const n of doc.negative) {
    it(`${n.id}: refused as ${n.expect.reason} and explained as ${n.mistake}, on both runtimes`, async () => {
      const credential = parseCredential(n.credential);
      for (const result of [verifyUrl(n.sentUrl, credential), await web.verifyUrl(n.sentUrl, credential)]) {
        assert.equal(result.valid, false);
        assert.equal(!result.valid && result.reason, n.expect.reason);
      }
      for (const report of [explainUrl(n.sentUrl, credential), await web.explainUrl(n.sentUrl, credential)]) {
        // First the tagged mistake, confirmed; an equivalent one may follow (decoding %7E also gives ~).
        assert.deepEqual([report.likelyCauses[0]?.code, report.likelyCauses[0]?.confirmed], [n.mistake, true]);
        assert.ok(report.likelyCauses.every((c) => c.confirmed));
      }
    });
  }
});
