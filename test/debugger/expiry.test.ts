/**
 * Expiring URLs in the debugger, in real Chromium: the report shows when a URL with `expires=`
 * expires and whether that has passed (by the browser's clock), with the secret and without,
 * and a validly signed URL past its expiry is refused as `EXPIRED`; "Build and sign" signs a URL
 * to expire when asked, and the Node library verifies it with that expiry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseCredential, signUrl, verifyUrl } from '../../src/index.js';
import { checkUrl, problemsOf, startHarness, type Harness } from './harness.js';

const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const credential = { scheme: 'streetmaps', key: 'k-123', secret: SECRET } as const;
const expiring = (inMs: number): string => signUrl('https://tiles.example.com/tiles/1/2/3.png', credential, { expiresAt: new Date(Date.now() + inMs) });

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => harness?.close());

describe('the debugger shows the expiry', () => {
  it('of a URL that expired an hour ago: EXPIRED, though the signature is valid', async () => {
    const page = await harness.open();
    await checkUrl(page, expiring(-3_600_000), SECRET, 'streetmaps');
    const verdict = page.getByTestId('verdict');
    assert.match(await verdict.innerText(), /Signature valid, but the URL has expired/);
    assert.equal(await verdict.locator('.reason').innerText(), 'EXPIRED');
    const expiry = page.getByTestId('expiry');
    assert.equal(await expiry.getAttribute('data-state'), 'expired');
    assert.match(await expiry.innerText(), /^Expired The URL expired at \S+Z, 1 h ago \(the clock-skew allowance is 30 s\)/);
    assert.equal(await page.getByTestId('corrected-url').count(), 0, 'no "corrected" URL: only a new expiry helps');
    await harness.shot(page, 'check-expired');
    assert.deepEqual(problemsOf(page), []);
    await page.close();
  });

  it('of a URL still current, with the secret and without', async () => {
    const page = await harness.open();
    const url = expiring(7_200_000);
    await checkUrl(page, url, SECRET, 'streetmaps');
    assert.match(await page.getByTestId('verdict').innerText(), /Valid signature/);
    const expiry = page.getByTestId('expiry');
    assert.equal(await expiry.getAttribute('data-state'), 'current');
    assert.match(await expiry.innerText(), /^Not expired Expires at \S+Z, in (?:1 h 59 min|2 h)\.$/);
    await checkUrl(page, url, '', 'streetmaps');
    assert.match(await page.getByTestId('verdict').innerText(), /Signature not checked/);
    assert.equal(await page.getByTestId('expiry').getAttribute('data-state'), 'current');
    await harness.shot(page, 'check-expiry-current');
    assert.deepEqual(problemsOf(page), []);
    await page.close();
  });
});

describe('Build and sign with an expiry', () => {
  it('signs expires= one hour from now, which the Node library verifies and the checker shows', async () => {
    const page = await harness.open();
    const form = page.locator('#build-form');
    await page.getByLabel('Base URL', { exact: true }).fill('https://tiles.example.com/tiles/1/2/3.png');
    await form.getByLabel('Scheme', { exact: true }).selectOption('streetmaps');
    await page.getByLabel('API key (key=)', { exact: true }).fill('k-123');
    await page.getByLabel('Signing secret', { exact: true }).fill(SECRET);
    await form.getByLabel('Expires', { exact: true }).selectOption({ label: 'In 1 hour' });
    const before = Math.floor(Date.now() / 1000);
    await page.getByRole('button', { name: 'Build and sign' }).click();
    const signed = await page.getByTestId('signed-url').innerText();
    const after = Math.floor(Date.now() / 1000);
    assert.doesNotMatch(await page.getByTestId('encoded-url').innerText(), /expires=/, 'only the signed URL carries the expiry');
    const result = verifyUrl(signed, parseCredential(credential));
    assert.ok(result.valid, signed);
    const expires = result.expiresAt!.getTime() / 1000;
    assert.ok(expires >= before + 3600 && expires <= after + 3600, `${expires} is not an hour after ${before}..${after}`);
    await checkUrl(page, signed, SECRET, 'streetmaps');
    assert.equal(await page.getByTestId('expiry').getAttribute('data-state'), 'current');
    assert.deepEqual(problemsOf(page), []);
    await page.close();
  });
});
