/**
 * Library benchmark: signatures per second for `google` and `maptiler` on a short, a
 * static-map and a long URL, side by side in one run with the most used npm peer
 * (`@googlemaps/url-signature`, Google only), `crypto-js`, and bare `node:crypto` `createHmac`
 * (the floor). Contenders are interleaved round by round and the median of the rounds is
 * reported, because machines here are noisy. It measures the built package (`dist/`), as users
 * run it. Run: `npm run bench` (`BENCH_ROUNDS` to change).
 */
import { createHmac } from 'node:crypto';
import peer from '@googlemaps/url-signature';
import CryptoJS from 'crypto-js';
import { createSigner, parseCredential, verifyUrl, type Credential } from '../dist/index.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const TARGET_MS_PER_ROUND = 40;

const GOOGLE_SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const MAPTILER_TOKEN = `b3a1c2d4e5f6a7b8c9d0e1f2_${'5f'.repeat(32)}`;

/** Unsigned URLs of the three sizes, each already carrying its identity parameter. */
function urls(identity: string): Record<string, string> {
  const markers = Array.from({ length: 9 }, (_, i) => `markers=color:red%7Clabel:${String.fromCharCode(65 + i)}%7C40.7${i},-74.0${i}`).join('&');
  const path = Array.from({ length: 120 }, (_, i) => `${(40 + i / 1000).toFixed(4)},${(-74 - i / 1000).toFixed(4)}`).join('%7C');
  return {
    short: `https://maps.googleapis.com/maps/api/geocode/json?address=1600+Amphitheatre+Parkway&${identity}`,
    'static-map': `https://maps.googleapis.com/maps/api/staticmap?center=Brooklyn+Bridge,New+York,NY&zoom=13&size=600x300&maptype=roadmap&${markers.slice(0, 170)}&${identity}`,
    long: `https://maps.googleapis.com/maps/api/staticmap?size=640x640&path=color:0x0000ff%7Cweight:5%7C${path}`.slice(0, 1900) + `&${identity}`,
  };
}

type Contender = { readonly name: string; readonly run: (url: string) => unknown };

/** Nanoseconds per call: median over rounds, contenders interleaved within each round. */
function measure(contenders: readonly Contender[], url: string): Map<string, number> {
  const iterations = new Map<string, number>();
  for (const c of contenders) {
    let n = 100;
    const start = performance.now();
    for (let i = 0; i < n; i++) c.run(url);
    const perCall = Math.max((performance.now() - start) / n, 1e-4);
    n = Math.max(200, Math.round(TARGET_MS_PER_ROUND / perCall));
    iterations.set(c.name, n);
  }
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of contenders) {
      const n = iterations.get(c.name)!;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) c.run(url);
      samples.get(c.name)!.push(Number(process.hrtime.bigint() - start) / n);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Verification of the URL signed once up front, so only verifying is timed. */
function verifyContender(sign: (url: string) => string, credential: Credential): Contender {
  const signed = new Map<string, string>();
  return {
    name: 'mapsign verify',
    run: (url) => {
      let signedUrl = signed.get(url);
      if (signedUrl === undefined) signed.set(url, (signedUrl = sign(url)));
      return verifyUrl(signedUrl, credential);
    },
  };
}

function googleContenders(credential: Credential): Contender[] {
  const sign = createSigner(credential);
  const key = Buffer.from(GOOGLE_SECRET, 'base64url');
  const keyWords = CryptoJS.enc.Base64.parse(GOOGLE_SECRET.replace(/-/g, '+').replace(/_/g, '/'));
  const pathOf = (url: string): string => url.slice(url.indexOf('/', 8));
  return [
    { name: 'node:crypto createHmac (floor)', run: (url) => createHmac('sha1', key).update(pathOf(url)).digest('base64') },
    { name: 'mapsign sign', run: sign },
    verifyContender(sign, credential),
    { name: '@googlemaps/url-signature', run: (url) => peer.signUrl(url, GOOGLE_SECRET).href },
    {
      name: 'crypto-js',
      run: (url) => `${url}&signature=${CryptoJS.HmacSHA1(pathOf(url), keyWords).toString(CryptoJS.enc.Base64).replace(/\+/g, '-').replace(/\//g, '_')}`,
    },
  ];
}

function maptilerContenders(credential: Credential): Contender[] {
  const sign = createSigner(credential);
  const key = Buffer.from(MAPTILER_TOKEN.slice(MAPTILER_TOKEN.indexOf('_') + 1), 'hex');
  const keyWords = CryptoJS.enc.Hex.parse(MAPTILER_TOKEN.slice(MAPTILER_TOKEN.indexOf('_') + 1));
  return [
    { name: 'node:crypto createHmac (floor)', run: (url) => createHmac('sha256', key).update(url).digest('base64') },
    { name: 'mapsign sign', run: sign },
    verifyContender(sign, credential),
    {
      name: 'crypto-js',
      run: (url) => `${url}&signature=${CryptoJS.HmacSHA256(url, keyWords).toString(CryptoJS.enc.Base64).replace(/\+/g, '-').replace(/\//g, '_')}`,
    },
  ];
}

function report(scheme: string, contenders: readonly Contender[], cases: Record<string, string>): void {
  for (const [size, url] of Object.entries(cases)) {
    const results = measure(contenders, url);
    const floor = results.get('node:crypto createHmac (floor)')!;
    const peerNs = results.get('@googlemaps/url-signature');
    const mapsign = results.get('mapsign sign')!;
    console.log(`\n${scheme} · ${size} URL (${url.length} chars) · median of ${ROUNDS} rounds`);
    console.log(`  ${'contender'.padEnd(32)} ${'µs/op'.padStart(8)} ${'ops/s'.padStart(11)} ${'× floor'.padStart(8)}${peerNs ? ' ×faster than peer'.padStart(20) : ''}`);
    for (const [name, ns] of results) {
      const vsPeer = peerNs ? `${(peerNs / ns).toFixed(1)}`.padStart(19) : '';
      console.log(`  ${name.padEnd(32)} ${(ns / 1000).toFixed(2).padStart(8)} ${Math.round(1e9 / ns).toLocaleString('en-US').padStart(11)} ${(ns / floor).toFixed(2).padStart(8)}${vsPeer}`);
    }
    const verify = results.get('mapsign verify')!;
    console.log(`  → sign ${(mapsign / floor).toFixed(2)}× floor, verify ${(verify / floor).toFixed(2)}× floor (target ≤ 1.20)${peerNs ? `, sign ${(peerNs / mapsign).toFixed(1)}× the peer's rate (target ≥ 15)` : ''}`);
  }
}

console.log(`mapsign library benchmark · node ${process.version} · ${new Date().toISOString()}`);
report('google', googleContenders(parseCredential({ scheme: 'google', secret: GOOGLE_SECRET })), urls('client=gme-bench'));
report('maptiler', maptilerContenders(parseCredential({ scheme: 'maptiler', token: MAPTILER_TOKEN })), urls('key=b3a1c2d4e5f6a7b8c9d0e1f2'));
