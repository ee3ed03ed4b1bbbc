/**
 * examples/signing-service runs as its README says: the built `mapsign sign-server` with the
 * example's policy and `site.mjs` (the page and the stand-in provider) as two processes, and
 * the page in Chromium shows the map through the 302, gets a signed URL with `fetch`, and reads
 * the refusal of a forbidden value. Free ports are substituted for the README's fixed ones.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../debugger/harness.js';
import { eventually, tempDir } from '../gateway/helpers.js';
import { GOOGLE_SECRET } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'signing-service');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node ARGS` and resolves once its output matches `ready`. */
async function run(t: TestContext, args: string[], env: Record<string, string>, ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => void child.kill('SIGTERM'));
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (seen += chunk.toString()));
  assert.ok(await eventually(() => ready.test(seen) || child.exitCode !== null, 30_000), seen);
  assert.equal(child.exitCode, null, seen);
}

test('the signing-service example runs as written', async (t) => {
  const [page, provider, signer] = [await freePort(), await freePort(), await freePort()];
  const policy = join(await tempDir(t), 'policy.json');
  writeFileSync(policy, readFileSync(join(EXAMPLE, 'policy.json'), 'utf8').replace('127.0.0.1:8000', `127.0.0.1:${page}`).replace('127.0.0.1:8790', `127.0.0.1:${provider}`));
  await run(t, ['dist/cli/main.js', 'sign-server', '--policy', policy, '--port', String(signer)], { MAPSIGN_SECRET: GOOGLE_SECRET }, /listening on/);
  await run(t, ['examples/signing-service/site.mjs'], { MAPSIGN_SECRET: GOOGLE_SECRET, PAGE_PORT: String(page), PROVIDER_PORT: String(provider), SIGNER_URL: `http://127.0.0.1:${signer}` }, /stand-in provider on/);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  t.after(() => browser.close());
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${page}/`);
  await tab.waitForFunction(() => (document.getElementById('map') as HTMLImageElement).complete);
  assert.equal(await tab.$eval('#map', (img) => (img as HTMLImageElement).naturalWidth), 300, 'the map loaded through the signing service');
  assert.ok(!(await tab.content()).includes(GOOGLE_SECRET));
  await tab.click('#sign');
  await tab.waitForFunction(() => document.getElementById('out')!.textContent !== '…');
  assert.match((await tab.textContent('#out'))!, /^200\n[\s\S]*"url": "http:\/\/127\.0\.0\.1:\d+\/maps\/api\/staticmap\?center=40\.7128%2C-74\.006&zoom=10&size=300x150&scale=2&key=AIzaSyEXAMPLE&signature=/);
  await tab.click('#refuse');
  await tab.waitForFunction(() => document.getElementById('out')!.textContent!.startsWith('400'));
  assert.match((await tab.textContent('#out'))!, /"reason": "PARAMETER_NOT_ALLOWED"[\s\S]*"parameter": "maptype"/);
});
