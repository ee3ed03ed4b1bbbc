/**
 * Known-answer vectors for every scheme, on both runtimes.
 *
 * The Google vector is the official one from Google Maps Platform's "Authentication and
 * Authorization" (Digital signatures). The others were computed independently
 * with Python's standard library, e.g. for Google/Streetmaps:
 *   python3 -c "import hmac,hashlib,base64;k=base64.urlsafe_b64decode(KEY);print(base64.urlsafe_b64encode(hmac.new(k,MSG.encode(),hashlib.sha1).digest()).decode())"
 * and for MapTiler with base64.b16decode(SECRET, casefold=True) and hashlib.sha256 over the whole URL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCredential, signUrl, verifyUrl, type CredentialInput, type SignOptions } from '../../src/index.js';
import * as web from '../../src/web.js';

const GOOGLE_TEST_KEY = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const HEX_SECRET = '0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef';

interface Vector {
  readonly name: string;
  readonly url: string;
  readonly credential: CredentialInput;
  readonly options?: SignOptions;
  readonly signed: string;
}

const VECTORS: readonly Vector[] = [
  {
    name: 'Google official vector (Authentication and Authorization)',
    url: 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID',
    credential: { scheme: 'google', secret: GOOGLE_TEST_KEY },
    signed: 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=',
  },
  {
    name: 'Google: client and channel added, pipe and non-ASCII encoded',
    url: 'https://maps.googleapis.com/maps/api/staticmap?center=上海&size=640x640&markers=color:red|40.7,-74.0',
    credential: { scheme: 'google', client: 'gme-acme', secret: GOOGLE_TEST_KEY },
    options: { channel: 'web' },
    signed: 'https://maps.googleapis.com/maps/api/staticmap?center=%E4%B8%8A%E6%B5%B7&size=640x640&markers=color:red%7C40.7,-74.0&client=gme-acme&channel=web&signature=QUJ9bBqIPkEdIFcJ977ebNiFfQo=',
  },
  {
    name: 'Google: URL without a query',
    url: 'https://tiles.example.com/tiles/1/2/3.png',
    credential: { scheme: 'google', client: 'gme-acme', secret: GOOGLE_TEST_KEY },
    signed: 'https://tiles.example.com/tiles/1/2/3.png?client=gme-acme&signature=xEd7eUjYjN2GdIKdSI3rhERbwFQ=',
  },
  {
    name: 'Streetmaps: key= with a literal ampersand in a value',
    url: '/geocode?q=5th%26Main+St.',
    credential: { scheme: 'streetmaps', key: 'AIzaTEST', secret: 'AAECAwQFBgcICQoLDA0ODxAREhM' },
    signed: '/geocode?q=5th%26Main+St.&key=AIzaTEST&signature=2Ix3SdoggdBtnQSGqkgHypMBwVQ=',
  },
  {
    name: 'MapTiler: key added to a URL without a query, whole URL signed',
    url: 'https://api.maptiler.com/maps/streets/style.json',
    credential: { scheme: 'maptiler', token: `mykey123_${HEX_SECRET}` },
    signed: 'https://api.maptiler.com/maps/streets/style.json?key=mykey123&signature=-k6p39ZBQ8QR4JU8iG518UBp4nFx9XPB1pbihEekWHc=',
  },
  {
    name: 'MapTiler: existing key replaced, non-ASCII path encoded',
    url: 'https://api.maptiler.com/geocoding/Zürich.json?language=de&key=oldkey',
    credential: { scheme: 'maptiler', token: `mykey123_${HEX_SECRET}` },
    signed: 'https://api.maptiler.com/geocoding/Z%C3%BCrich.json?language=de&key=mykey123&signature=oM98uOolnpeIzKqPtqqR_qH1rAmhbxa7KRenDypag6I=',
  },
];

describe('known-answer vectors', () => {
  for (const vector of VECTORS) {
    it(`${vector.name} (node:crypto)`, () => {
      assert.equal(signUrl(vector.url, vector.credential, vector.options), vector.signed);
      assert.equal(verifyUrl(vector.signed, parseCredential(vector.credential)).valid, true);
    });
    it(`${vector.name} (WebCrypto)`, async () => {
      assert.equal(await web.signUrl(vector.url, vector.credential, vector.options), vector.signed);
      assert.equal((await web.verifyUrl(vector.signed, parseCredential(vector.credential))).valid, true);
    });
  }
});
