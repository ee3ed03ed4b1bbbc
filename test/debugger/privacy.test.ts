/**
 * Nothing typed into the debugger leaves the page: after it has loaded, typing a secret,
 * checking and signing make no request at all (browser network events and the server's own
 * count), and the page's Content-Security-Policy blocks a request even if one were attempted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page, Request } from 'playwright-core';
import { GOOGLE_EXAMPLE, startHarness, type Harness } from './harness.js';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => harness?.close());

/** Records every request the browser context or `page` makes until `stop()`. */
function recordRequests(page: Page): { readonly seen: Request[]; stop(): void } {
  const seen: Request[] = [];
  const record = (request: Request): void => {
    if (!seen.includes(request)) seen.push(request);
  };
  harness.context.on('request', record);
  page.on('request', record);
  return {
    seen,
    stop() {
      harness.context.off('request', record);
      page.off('request', record);
    },
  };
}

describe('no request leaves the page while a secret is typed', () => {
  for (const where of ['served', 'file'] as const) {
    it(`${where}: typing, checking, signing and copying make no request`, async () => {
      const page = await harness.open(where);
      const recorder = recordRequests(page);
      const hitsBefore = harness.hits();
      await page.getByLabel('Signed URL', { exact: true }).fill(GOOGLE_EXAMPLE.url);
      await page.getByLabel('Secret, or MapTiler token (optional)', { exact: true }).pressSequentially(GOOGLE_EXAMPLE.secret);
      await page.getByRole('button', { name: 'Check signature' }).click();
      await page.getByTestId('verdict').waitFor();
      assert.match(await page.getByTestId('verdict').innerText(), /Valid signature/);
      await page.getByLabel('Parameter 1 name', { exact: true }).fill('address');
      await page.getByLabel('Parameter 1 value', { exact: true }).fill('5th&Main St.');
      await page.getByLabel('Client ID (client=)', { exact: true }).fill('gme-acme');
      await page.getByLabel('Signing secret', { exact: true }).pressSequentially(GOOGLE_EXAMPLE.secret);
      await page.getByRole('button', { name: 'Build and sign' }).click();
      await page.getByTestId('signed-url').waitFor();
      await page.getByRole('button', { name: 'Copy signed URL' }).click();
      await page.locator('.copy-status').filter({ hasText: /\S/ }).waitFor();
      recorder.stop();
      assert.deepEqual(recorder.seen.map((r) => r.url()), []);
      assert.equal(harness.hits(), hitsBefore, 'the page server saw no request');
      const html = await page.content();
      assert.equal(html.includes(GOOGLE_EXAMPLE.secret), false, 'the secret is not written into the document');
      await harness.shot(page, `privacy-${where}`);
      await page.close();
    });
  }

  it('control: the recorder and the server count do see a request when there is one', async () => {
    const page = await harness.open();
    const recorder = recordRequests(page);
    const hitsBefore = harness.hits();
    await page.reload();
    recorder.stop();
    assert.deepEqual(recorder.seen.map((r) => r.url()), [harness.servedUrl]);
    assert.equal(harness.hits(), hitsBefore + 1);
    await page.close();
  });

  it('the page says so plainly', async () => {
    const page = await harness.open();
    assert.match(await page.locator('#privacy').innerText(), /Nothing you type here is sent over the network\./);
    await page.close();
  });
});

describe('the Content-Security-Policy blocks requests a script might attempt', () => {
  const attempts = [
    { name: 'fetch()', run: (url: string) => fetch(url).then(() => 'sent', () => 'blocked') },
    {
      name: 'an image',
      run: (url: string) =>
        new Promise<string>((resolve) => {
          const image = new Image();
          image.onload = () => resolve('sent');
          image.onerror = () => resolve('blocked');
          image.src = url;
        }),
    },
  ];
  for (const attempt of attempts) {
    it(attempt.name, async () => {
      const page = await harness.open();
      const hitsBefore = harness.hits();
      const outcome = await page.evaluate(attempt.run, new URL('/leak?secret=x', harness.servedUrl).href);
      assert.equal(outcome, 'blocked');
      assert.equal(harness.hits(), hitsBefore, 'the server saw nothing');
      await page.close();
    });
  }
});
