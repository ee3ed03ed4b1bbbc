/**
 * "Check a signed URL" in real Chromium: Google's official example verifies (served and opened
 * as a file), and the common failures are explained with the cause the core confirms.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CAUSES, generateCredential, parseCredential, signUrl } from '../../src/index.js';
import { checkUrl, GOOGLE_EXAMPLE, problemsOf, startHarness, type Harness } from './harness.js';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => harness?.close());

describe('the official Google example verifies', () => {
  for (const where of ['served', 'file'] as const) {
    it(`${where === 'served' ? 'served from 127.0.0.1' : 'opened as a file:// page'}`, async () => {
      const page = await harness.open(where);
      assert.equal(await page.evaluate(() => window.isSecureContext), true, 'WebCrypto needs a secure context');
      await checkUrl(page, GOOGLE_EXAMPLE.url, GOOGLE_EXAMPLE.secret);
      const verdict = page.getByTestId('verdict');
      assert.match(await verdict.innerText(), /Valid signature/);
      assert.match(await verdict.innerText(), /guessed from the URL/);
      assert.equal(await page.locator('.signature-card .signature').nth(0).innerText(), GOOGLE_EXAMPLE.signature);
      assert.equal(await page.locator('.signature-card .signature').nth(1).innerText(), GOOGLE_EXAMPLE.signature);
      assert.equal(await page.locator('.signature mark').count(), 0, 'equal signatures have no differences marked');
      assert.equal(await page.getByTestId('signed-string').innerText(), GOOGLE_EXAMPLE.signedString);
      const params = page.locator('table.params tbody tr');
      assert.deepEqual(await params.locator('th').allInnerTexts(), ['address', 'client', 'signature']);
      assert.equal(await params.first().innerText(), 'address\tNew+York\tNew␣York', 'raw and decoded, the space made visible');
      await harness.shot(page, `check-valid-${where}`);
      assert.deepEqual(problemsOf(page), []);
      await page.close();
    });
  }
});

describe('mismatches are explained', () => {
  const wrongSecret = generateCredential('google').reveal().secret;
  const cases = [
    {
      name: '+ signed, %20 sent',
      shot: 'check-plus-vs-percent20',
      url: GOOGLE_EXAMPLE.url.replace('New+York', 'New%20York'),
      secret: GOOGLE_EXAMPLE.secret,
      cause: 'PLUS_VS_PERCENT20' as const,
      confirmed: true,
    },
    {
      name: 'a wrong secret',
      shot: 'check-wrong-secret',
      url: GOOGLE_EXAMPLE.url,
      secret: wrongSecret,
      cause: 'UNEXPLAINED' as const,
      confirmed: false,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const page = await harness.open();
      await checkUrl(page, c.url, c.secret);
      const verdict = await page.getByTestId('verdict').innerText();
      assert.match(verdict, /Invalid signature/);
      assert.match(verdict, /SIGNATURE_MISMATCH/);
      const cause = page.locator(`[data-cause="${c.cause}"]`);
      assert.equal(await cause.count(), 1, `cause ${c.cause} shown`);
      const text = await cause.innerText();
      assert.ok(text.includes(CAUSES[c.cause].title), text);
      assert.ok(text.includes(CAUSES[c.cause].fix), text);
      assert.equal(text.includes('Confirmed: re-signing'), c.confirmed);
      assert.equal(await page.locator('.signature mark').count(), 0, 'two HMACs are never compared character by character');
      await harness.shot(page, c.shot);
      assert.deepEqual(problemsOf(page), []);
      await page.close();
    });
  }
});

describe('what is signed is made visible', () => {
  it('raw spaces, invisible and non-ASCII characters get badges, and the warnings say why', async () => {
    const page = await harness.open();
    const url = 'https://maps.googleapis.com/maps/api/geocode/json?address=New York\u200b&region=上海&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=';
    await checkUrl(page, url, '');
    // A raw space is never on the wire: no server could check this URL's signature as written.
    assert.match(await page.getByTestId('verdict').innerText(), /Invalid signature\s+MALFORMED_URL[\s\S]*raw space at position 62/);
    const badges = await page.getByTestId('signed-string').locator('.badge').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label')));
    assert.deepEqual(badges, ['space U+0020', 'zero-width space U+200B', 'non-ASCII character U+4E0A', 'non-ASCII character U+6D77']);
    const warnings = await page.locator('[data-warning]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-warning')));
    assert.deepEqual(warnings, ['RAW_SPACE', 'NON_ASCII']);
    await harness.shot(page, 'check-invisible-characters');
    await page.close();
  });

  it('a MapTiler URL is guessed from its host and checked with the token', async () => {
    const token = generateCredential('maptiler').reveal().token!;
    const signed = signUrl('https://api.maptiler.com/maps/streets/style.json?lang=fr', parseCredential({ scheme: 'maptiler', token }));
    const page = await harness.open();
    await checkUrl(page, signed, token);
    const verdict = await page.getByTestId('verdict').innerText();
    assert.match(verdict, /Valid signature/);
    assert.match(verdict, /MapTiler/);
    assert.equal(await page.getByTestId('signed-string').innerText(), signed.slice(0, signed.lastIndexOf('&signature=')));
    await page.close();
  });
});

describe('core errors are friendly messages', () => {
  const cases = [
    { name: 'a secret that is not base64url', url: GOOGLE_EXAMPLE.url, secret: 'not a secret!', code: 'INVALID_SECRET', scheme: 'guess' },
    { name: 'a MapTiler secret alone, on a URL without key=', url: 'https://api.maptiler.com/maps/x.json?signature=x', secret: 'abcdef', code: 'INVALID_TOKEN', scheme: 'maptiler' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const page = await harness.open();
      await checkUrl(page, c.url, c.secret, c.scheme);
      const alert = page.locator('#check-result [role="alert"]');
      assert.match(await alert.innerText(), new RegExp(`Could not check the signature[\\s\\S]*Error code: ${c.code}`));
      assert.equal((await page.locator('body').innerText()).includes(c.secret), false, 'the secret is never echoed');
      assert.deepEqual(problemsOf(page), []);
      await page.close();
    });
  }
});
