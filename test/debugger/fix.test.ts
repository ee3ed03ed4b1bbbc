/**
 * The debugger hands back the answer, in real Chromium: an unsigned or wrongly signed URL comes
 * back signed correctly, ready to copy; a confirmed mistake shows the string the client signed
 * beside the right one with the differing characters marked (never a diff of two HMACs); a
 * MapTiler secret alone checks a URL that carries key=; and every button keeps WCAG AA
 * contrast (4.5:1) in the light and the dark colour scheme, at rest and hovered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateCredential, parseCredential, signUrl } from '../../src/index.js';
import { checkUrl, GOOGLE_EXAMPLE, problemsOf, startHarness, type Harness } from './harness.js';

/** `rgb(r, g, b)` / `rgba(r, g, b, a)` as numbers. */
const channels = (css: string): number[] => (css.match(/[\d.]+/g) ?? []).map(Number);

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance(rgb: readonly number[]): number {
  const linear = rgb.slice(0, 3).map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
  return 0.2126 * linear[0]! + 0.7152 * linear[1]! + 0.0722 * linear[2]!;
}

/**
 * Contrast of a button's text against the first opaque background behind it (the button's
 * own, or an ancestor's), with the button's `brightness()` filter applied to what it paints.
 */
function contrast(styles: { color: string; filter: string; backgrounds: readonly string[] }): number {
  const factor = Number(/brightness\(([\d.]+)\)/.exec(styles.filter)?.[1] ?? 1);
  const dim = (rgb: readonly number[]): number[] => rgb.slice(0, 3).map((c) => Math.min(255, c * factor));
  const at = styles.backgrounds.findIndex((css) => {
    const c = channels(css);
    return c.length === 3 || c[3] === 1;
  });
  const background = at < 0 ? [255, 255, 255] : channels(styles.backgrounds[at]!);
  // The filter also dims the button's own background, not an ancestor's showing through it.
  const [a, b] = [luminance(dim(channels(styles.color))), luminance(at === 0 ? dim(background) : background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => harness?.close());

const UNSIGNED = GOOGLE_EXAMPLE.url.slice(0, GOOGLE_EXAMPLE.url.lastIndexOf('&signature='));

describe('the correctly signed URL, ready to copy', () => {
  it('an unsigned URL comes back signed: the official vector, copied to the clipboard', async () => {
    const page = await harness.open();
    await harness.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.servedUrl).origin });
    await checkUrl(page, UNSIGNED, GOOGLE_EXAMPLE.secret);
    assert.match(await page.getByTestId('verdict').innerText(), /MISSING_SIGNATURE/);
    assert.equal(await page.getByTestId('corrected-url').innerText(), GOOGLE_EXAMPLE.url);
    await page.getByRole('button', { name: 'Copy signed URL' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), GOOGLE_EXAMPLE.url);
    await harness.shot(page, 'fix-unsigned');
    assert.deepEqual(problemsOf(page), []);
    await page.close();
  });

  it('a + signed, %20 sent URL: the strings side by side, the difference marked, and the fix', async () => {
    const page = await harness.open();
    const sent = GOOGLE_EXAMPLE.url.replace('New+York', 'New%20York');
    await checkUrl(page, sent, GOOGLE_EXAMPLE.secret);
    const cause = page.locator('[data-cause="PLUS_VS_PERCENT20"]');
    assert.equal(await cause.getByTestId('client-signed').innerText(), GOOGLE_EXAMPLE.signedString);
    assert.equal(await cause.getByTestId('should-sign').innerText(), GOOGLE_EXAMPLE.signedString.replace('+', '%20'));
    assert.deepEqual(await cause.getByTestId('client-signed').locator('mark').allInnerTexts(), ['+']);
    assert.deepEqual(await cause.getByTestId('should-sign').locator('mark').allInnerTexts(), ['%20']);
    assert.equal(await page.locator('.signature mark').count(), 0, 'the two signatures are not diffed');
    const fixed = await page.getByTestId('corrected-url').innerText();
    assert.equal(fixed, `${sent.slice(0, sent.lastIndexOf('=', sent.length - 2) + 1)}${await page.locator('.signature-card .signature').nth(1).innerText()}`);
    await harness.shot(page, 'fix-plus-vs-percent20');
    await page.close();
  });

  it('a valid URL needs no fix', async () => {
    const page = await harness.open();
    await checkUrl(page, GOOGLE_EXAMPLE.url, GOOGLE_EXAMPLE.secret);
    assert.equal(await page.getByTestId('corrected-url').count(), 0);
    await page.close();
  });

  it('a MapTiler secret alone checks a URL that carries key=', async () => {
    const issued = generateCredential('maptiler').reveal();
    const signed = signUrl('https://api.maptiler.com/maps/streets/style.json', parseCredential({ scheme: 'maptiler', token: issued.token! }));
    const page = await harness.open();
    await checkUrl(page, signed, issued.secret);
    assert.match(await page.getByTestId('verdict').innerText(), /Valid signature/);
    await page.close();
  });
});

describe('button contrast (WCAG AA, 4.5:1)', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`${colorScheme} scheme, at rest and hovered`, async () => {
      const page = await harness.open();
      await page.emulateMedia({ colorScheme });
      await checkUrl(page, UNSIGNED, GOOGLE_EXAMPLE.secret);
      const buttons = page.locator('button:visible');
      const count = await buttons.count();
      assert.ok(count >= 4, `only ${count} buttons`);
      const failures: string[] = [];
      for (let i = 0; i < count; i++) {
        for (const state of ['rest', 'hover'] as const) {
          const button = buttons.nth(i);
          if (state === 'hover') await button.hover();
          else await page.mouse.move(0, 0);
          // The computed colours only; the arithmetic runs here (no helpers in the page).
          const styles = await button.evaluate((element) => {
            const backgrounds: string[] = [];
            for (let node: Element | null = element; node !== null; node = node.parentElement) backgrounds.push(getComputedStyle(node).backgroundColor);
            return { color: getComputedStyle(element).color, filter: getComputedStyle(element).filter, backgrounds };
          });
          const ratio = contrast(styles);
          const name = (await buttons.nth(i).innerText()).trim();
          if (ratio < 4.5) failures.push(`${name} (${state}): ${ratio.toFixed(2)}:1`);
        }
      }
      await harness.shot(page, `contrast-${colorScheme}`);
      assert.deepEqual(failures, []);
      await page.close();
    });
  }
});
