/**
 * "Build and sign" in real Chromium: literal values are encoded as the core encodes them, the
 * signed URL the page shows verifies with the Node library, the copy button copies it, and
 * over-long URLs or missing identities are friendly errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { buildUrl, generateCredential, MAX_URL_LENGTH, parseCredential, signUrl, verifyUrl, type CredentialInput, type SpaceEncoding } from '../../src/index.js';
import { problemsOf, startHarness, type Harness } from './harness.js';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => harness?.close());

interface BuildCase {
  readonly name: string;
  readonly base: string;
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly space: SpaceEncoding;
  readonly credential: CredentialInput;
}

/** Fills the build form as a user would: one table row per parameter. */
async function fillBuildForm(page: Page, c: BuildCase): Promise<void> {
  const form = page.locator('#build-form');
  await page.getByLabel('Base URL', { exact: true }).fill(c.base);
  for (const [index, [name, value]] of c.params.entries()) {
    if (index > 0) await page.getByRole('button', { name: 'Add parameter' }).click();
    await page.getByLabel(`Parameter ${index + 1} name`, { exact: true }).fill(name);
    await page.getByLabel(`Parameter ${index + 1} value`, { exact: true }).fill(value);
  }
  await form.getByLabel(c.space === 'plus' ? '+ (form style)' : '%20', { exact: true }).check();
  await form.getByLabel('Scheme', { exact: true }).selectOption(c.credential.scheme);
  if (c.credential.scheme === 'maptiler') await page.getByLabel('MapTiler token (KEY_SECRET)', { exact: true }).fill(c.credential.token);
  else {
    const googleKey = c.credential.scheme === 'google' && c.credential.key !== undefined;
    if (c.credential.scheme === 'google') await form.getByLabel('Google identity', { exact: true }).selectOption(googleKey ? 'key' : 'client');
    const id = c.credential.scheme === 'google' ? (c.credential.key ?? c.credential.client) : c.credential.key;
    await page.getByLabel(c.credential.scheme === 'google' && !googleKey ? 'Client ID (client=)' : 'API key (key=)', { exact: true }).fill(id ?? '');
    await page.getByLabel('Signing secret', { exact: true }).fill(c.credential.secret);
  }
  await page.getByRole('button', { name: 'Build and sign' }).click();
  await page.locator('#build-result :is([data-testid="encoded-url"], [role="alert"])').first().waitFor();
}

describe('build-and-sign output verifies with the Node library', () => {
  const streetmaps = generateCredential('streetmaps').reveal();
  const maptiler = generateCredential('maptiler').reveal();
  const cases: readonly BuildCase[] = [
    {
      name: 'Google, spaces as +',
      base: 'https://maps.googleapis.com/maps/api/geocode/json',
      params: [['address', '5th&Main St.'], ['language', 'en']],
      space: 'plus',
      credential: { scheme: 'google', client: 'gme-acme', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' },
    },
    {
      name: 'Google, a Static Maps URL with an API key',
      base: 'https://maps.googleapis.com/maps/api/staticmap',
      params: [['center', 'Brooklyn Bridge'], ['size', '600x300'], ['markers', 'color:red|40.70,-74.00']],
      space: 'plus',
      credential: { scheme: 'google', key: 'AIzaSyTEST-key_1', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' },
    },
    {
      name: 'Streetmaps, non-ASCII and +, spaces as %20',
      base: 'https://api.streetmaps.example/geocode/json',
      params: [['address', '上海+中國'], ['near', 'Main St. & 5th']],
      space: 'percent',
      credential: { scheme: 'streetmaps', key: streetmaps.id, secret: streetmaps.secret },
    },
    {
      name: 'MapTiler, the whole URL with the token',
      base: 'https://api.maptiler.com/maps/streets/style.json',
      params: [['lang', 'fr']],
      space: 'plus',
      credential: { scheme: 'maptiler', token: maptiler.token! },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const page = await harness.open();
      await fillBuildForm(page, c);
      const expectedEncoded = buildUrl(c.base, c.params, { space: c.space });
      assert.equal(await page.getByTestId('encoded-url').innerText(), expectedEncoded);
      const signed = await page.getByTestId('signed-url').innerText();
      const credential = parseCredential(c.credential);
      const verified = verifyUrl(signed, credential);
      assert.equal(verified.valid, true, JSON.stringify(verified));
      assert.equal(signed, signUrl(expectedEncoded, credential));
      assert.match(await page.locator('#build-result').innerText(), new RegExp(`${signed.length} of ${MAX_URL_LENGTH} characters`));
      await harness.shot(page, `build-${c.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`);
      assert.deepEqual(problemsOf(page), []);
      await page.close();
    });
  }
});

describe('copy button', () => {
  it('puts the signed URL on the clipboard', async () => {
    const page = await harness.open();
    await harness.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.servedUrl).origin });
    await fillBuildForm(page, { name: 'copy', base: 'https://maps.googleapis.com/maps/api/staticmap', params: [['center', 'Zürich']], space: 'plus', credential: { scheme: 'google', client: 'gme-acme', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' } });
    const signed = await page.getByTestId('signed-url').innerText();
    await page.getByRole('button', { name: 'Copy signed URL' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), signed);
    await page.close();
  });
});

describe('build errors are friendly messages', () => {
  const cases = [
    {
      name: 'a URL over the 2048 limit',
      params: [['q', 'x'.repeat(MAX_URL_LENGTH)]] as const,
      client: 'gme-acme',
      code: 'URL_TOO_LONG',
    },
    { name: 'a Google URL without client ID', params: [['q', 'a']] as const, client: '', code: 'MISSING_CREDENTIAL_ID' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const page = await harness.open();
      await fillBuildForm(page, { name: c.name, base: 'https://maps.googleapis.com/maps/api/geocode/json', params: c.params, space: 'plus', credential: { scheme: 'google', client: c.client, secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' } });
      const text = await page.locator('#build-result').innerText();
      assert.match(text, new RegExp(`Could not build and sign the URL[\\s\\S]*Error code: ${c.code}`));
      await harness.shot(page, `build-error-${c.code.toLowerCase()}`);
      assert.deepEqual(problemsOf(page), []);
      await page.close();
    });
  }
});
