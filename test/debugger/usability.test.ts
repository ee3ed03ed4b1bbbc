/**
 * The debugger without a mouse, with a screen reader's labels, on a phone and with long URLs:
 * Tab reaches every control in document order with no trap, Enter and Space activate, every
 * field has a label, nothing scrolls sideways at 375 px, and 2000-character URLs wrap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MAX_URL_LENGTH, parseCredential, signUrl } from '../../src/index.js';
import { checkUrl, GOOGLE_EXAMPLE, problemsOf, scrollsSideways, startHarness, type Harness } from './harness.js';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => harness?.close());

/** A short description of the focused element: its id, label or text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return 'body';
    return el.id || el.getAttribute('aria-label') || `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim()}`;
  });
}

/** Presses Tab until `target` has focus (at most 60 times); fails on a trap or a miss. */
async function tabTo(page: Page, target: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await focused(page)) === target) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${target}`);
}

/** A page with both forms filled and their results shown, so every control exists. */
async function pageWithResults(): Promise<Page> {
  const page = await harness.open();
  await checkUrl(page, GOOGLE_EXAMPLE.url.replace('New+York', 'New%20York'), GOOGLE_EXAMPLE.secret);
  await page.getByLabel('Parameter 1 name', { exact: true }).fill('address');
  await page.getByLabel('Parameter 1 value', { exact: true }).fill('5th&Main St.');
  await page.getByLabel('Client ID (client=)', { exact: true }).fill('gme-acme');
  await page.getByLabel('Signing secret', { exact: true }).fill(GOOGLE_EXAMPLE.secret);
  await page.getByRole('button', { name: 'Build and sign' }).click();
  await page.getByTestId('signed-url').waitFor();
  return page;
}

describe('keyboard only', () => {
  it('Tab visits every visible control in document order and comes back round (no trap)', async () => {
    const page = await pageWithResults();
    const controls = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea')]
        .filter((el) => el.getClientRects().length > 0 && !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked))
        .map((el) => el.id || el.getAttribute('aria-label') || `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim()}`),
    );
    assert.ok(controls.length >= 15, `found ${controls.length} controls`);
    await tabTo(page, controls[0]!);
    const order = [controls[0]];
    for (let i = 1; i < controls.length; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused(page));
    }
    assert.deepEqual(order, controls);
    // Past the last control focus leaves the page; one more Tab brings it back to the first.
    for (let i = 0; i < 3 && (await focused(page)) !== controls[0]; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(page), controls[0]);
    await page.close();
  });

  it('checks a URL and builds one with Tab, typing, Enter and Space only', async () => {
    const page = await harness.open();
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'skip-link');
    await page.keyboard.press('Enter');
    await tabTo(page, 'check-url');
    await page.keyboard.type(GOOGLE_EXAMPLE.url);
    await tabTo(page, 'check-secret');
    await page.keyboard.type(GOOGLE_EXAMPLE.secret);
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'check-secret-show');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#check-secret').getAttribute('type'), 'text');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    assert.match(await page.getByTestId('verdict').innerText(), /Valid signature/);

    await tabTo(page, 'Parameter 1 name');
    await page.keyboard.type('address');
    await page.keyboard.press('Tab');
    await page.keyboard.type('5th&Main St.');
    await tabTo(page, 'build-add');
    await page.keyboard.press('Space');
    assert.equal(await focused(page), 'Parameter 2 name', 'a new row takes focus');
    await page.keyboard.type('extra');
    await tabTo(page, 'Remove parameter 2');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#build-params tr').count(), 1);
    assert.equal(await focused(page), 'Parameter 1 name', 'focus returns to the remaining row');
    await tabTo(page, 'build-id');
    await page.keyboard.type('gme-acme');
    await tabTo(page, 'build-secret');
    await page.keyboard.type(GOOGLE_EXAMPLE.secret);
    await tabTo(page, 'build-submit');
    await page.keyboard.press('Space');
    await page.getByTestId('signed-url').waitFor();
    assert.match(await page.getByTestId('signed-url').innerText(), /^https:\/\/maps\.googleapis\.com\/maps\/api\/geocode\/json\?address=5th%26Main\+St\.&client=gme-acme&signature=/);
    await tabTo(page, 'button:Copy signed URL');
    await harness.shot(page, 'keyboard-focus-copy');
    assert.deepEqual(problemsOf(page), []);
    await page.close();
  });

  it('Enter in the URL field checks it; Shift+Enter does not', async () => {
    const page = await harness.open();
    const field = page.getByLabel('Signed URL', { exact: true });
    await field.fill(GOOGLE_EXAMPLE.url);
    await field.press('Shift+Enter');
    assert.equal(await field.inputValue(), `${GOOGLE_EXAMPLE.url}\n`, 'Shift+Enter breaks the line instead');
    await field.fill(GOOGLE_EXAMPLE.url);
    await field.press('Enter');
    assert.match(await page.getByTestId('verdict').innerText(), /Signature not checked/);
    await page.close();
  });

  it('focus is visible', async () => {
    const page = await harness.open();
    await tabTo(page, 'check-submit');
    const outline = await page.locator('#check-submit').evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.close();
  });
});

describe('labels for screen readers', () => {
  it('getByLabel finds every field by its visible label', async () => {
    const page = await harness.open();
    const labels: ReadonlyArray<readonly [string, string]> = [
      ['Signed URL', 'check-url'],
      ['Secret, or MapTiler token (optional)', 'check-secret'],
      ['Show secret', 'check-secret-show'],
      ['Base URL', 'build-base'],
      ['Parameter 1 name', ''],
      ['Parameter 1 value', ''],
      ['Remove parameter 1', ''],
      ['+ (form style)', ''],
      ['%20', ''],
      ['Client ID (client=)', 'build-id'],
      ['Signing secret', 'build-secret'],
      ['Show signing secret', 'build-secret-show'],
    ];
    for (const [label, id] of labels) {
      const found = page.getByLabel(label, { exact: true });
      assert.equal(await found.count(), 1, label);
      if (id !== '') assert.equal(await found.getAttribute('id'), id, label);
    }
    for (const [form, id] of [['#check-form', 'check-scheme'], ['#build-form', 'build-scheme']] as const) {
      assert.equal(await page.locator(form).getByLabel('Scheme', { exact: true }).getAttribute('id'), id);
    }
    await page.locator('#build-form').getByLabel('Scheme', { exact: true }).selectOption('maptiler');
    assert.equal(await page.getByLabel('MapTiler token (KEY_SECRET)', { exact: true }).isVisible(), true);
    assert.equal(await page.getByLabel('Signing secret', { exact: true }).isVisible(), false);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')]
        .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.locator('#check-result').getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator('#build-result').getAttribute('aria-live'), 'polite');
    await page.close();
  });
});

/** A Google URL signed by the Node library, `length` characters long. */
function longSignedUrl(length: number): string {
  const credential = parseCredential({ scheme: 'google', client: 'gme-acme', secret: GOOGLE_EXAMPLE.secret });
  const base = 'https://maps.googleapis.com/maps/api/staticmap?path=';
  const fixed = signUrl(base, credential).length;
  return signUrl(`${base}${'52.5200,13.4050%7C'.repeat(200).slice(0, length - fixed)}`, credential);
}

describe('phone width and long URLs', () => {
  it('a 2000-character URL is checked, wraps, and nothing overflows (desktop and 375 px)', async () => {
    const url = longSignedUrl(2000);
    assert.equal(url.length, 2000);
    const page = await harness.open();
    await checkUrl(page, url, GOOGLE_EXAMPLE.secret);
    assert.match(await page.getByTestId('verdict').innerText(), /Valid signature/);
    for (const [width, name] of [[1280, 'long-url-desktop'], [375, 'long-url-phone']] as const) {
      await page.setViewportSize({ width, height: 800 });
      assert.equal(await scrollsSideways(page), false, `no sideways scroll at ${width}px`);
      const overflowing = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('pre, code, td, th, textarea, .signature-card')].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className || el.tagName));
      assert.deepEqual(overflowing, [], `nothing overflows its box at ${width}px`);
      await harness.shot(page, name);
    }
    await page.locator('table.params caption').evaluate((caption) => caption.scrollIntoView());
    await harness.shot(page, 'long-url-phone-params', false);
    await page.close();
  });

  it('at 375 px both forms and their results fit', async () => {
    const page = await pageWithResults();
    await page.setViewportSize({ width: 375, height: 800 });
    assert.equal(await scrollsSideways(page), false);
    await page.getByRole('button', { name: 'Add parameter' }).click();
    assert.equal(await scrollsSideways(page), false, 'the parameter table stacks');
    await harness.shot(page, 'phone-results');
    await page.locator('.causes').evaluate((causes) => causes.scrollIntoView());
    await harness.shot(page, 'phone-cause', false);
    await page.emulateMedia({ colorScheme: 'dark' });
    await harness.shot(page, 'phone-cause-dark', false);
    await page.close();
  });

  it(`build shows the length against ${MAX_URL_LENGTH} for a long URL`, async () => {
    const page = await harness.open();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByLabel('Parameter 1 name', { exact: true }).fill('path');
    await page.getByLabel('Parameter 1 value', { exact: true }).fill('52.5200,13.4050|'.repeat(95));
    await page.getByLabel('Client ID (client=)', { exact: true }).fill('gme-acme');
    await page.getByLabel('Signing secret', { exact: true }).fill(GOOGLE_EXAMPLE.secret);
    await page.getByRole('button', { name: 'Build and sign' }).click();
    const signed = await page.getByTestId('signed-url').innerText();
    assert.ok(signed.length > 1900 && signed.length <= MAX_URL_LENGTH, String(signed.length));
    assert.match(await page.locator('#build-result').innerText(), new RegExp(`${signed.length} of ${MAX_URL_LENGTH} characters`));
    assert.equal(await scrollsSideways(page), false);
    await harness.shot(page, 'build-long-phone');
    await page.close();
  });
});
