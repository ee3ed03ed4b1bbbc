/**
 * The built debugger page as the gateway serves it (src/debugger/page.ts): one self-contained HTML
 * file whose Content-Security-Policy pins exactly the inline script and style it carries.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { DEBUGGER_PAGE_HEADERS, debuggerPage, debuggerResponse, debuggerRoute } from '../../src/debugger/page.js';

const hashOf = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

before(() => {
  execFileSync(process.execPath, [new URL('../../scripts/build-debugger.mjs', import.meta.url).pathname], { stdio: 'pipe', timeout: 60_000 });
});

describe('the built page', () => {
  it('is one file: no external script, style, image or link', () => {
    const html = debuggerPage();
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script[^>]+src=/i);
    assert.doesNotMatch(html, /<link[^>]+rel="stylesheet"/i);
    assert.doesNotMatch(html, /\b(?:src|href)="(?:https?:)?\/\//i);
    assert.doesNotMatch(html, /__(?:CSP|STYLE|SCRIPT)__/, 'every template slot is filled');
    assert.doesNotMatch(html, /from\s*["']node:|require\(["']node:/, 'no Node module reached the bundle');
  });

  it('has a CSP that allows no request and exactly its own inline script and style', () => {
    const html = debuggerPage();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp !== undefined);
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    assert.ok(script.length > 1000 && style.length > 1000);
    assert.deepEqual(csp.split('; '), [`default-src 'none'`, `script-src ${hashOf(script)}`, `style-src ${hashOf(style)}`, 'img-src data:', `base-uri 'none'`, `form-action 'none'`]);
  });

  it('states that nothing typed is sent over the network', () => {
    assert.match(debuggerPage(), /Nothing you type here is sent over the network\./);
  });

  it('is served as a fetch-style Response with its headers', async () => {
    const response = debuggerResponse();
    assert.equal(response.status, 200);
    for (const [name, value] of Object.entries(DEBUGGER_PAGE_HEADERS)) assert.equal(response.headers.get(name), value);
    assert.equal(await response.text(), debuggerPage());
  });
});

describe('debuggerRoute, for the gateway', () => {
  const cases: ReadonlyArray<readonly [method: string, path: string, status: number, body: RegExp]> = [
    ['GET', '/debugger', 200, /^<!doctype html>/],
    ['GET', '/debugger/', 200, /^<!doctype html>/],
    ['HEAD', '/debugger', 200, /^$/],
    ['POST', '/debugger', 405, /Use GET/],
    ['GET', '/debugger/app.js', 404, /the debugger is at \/debugger/],
  ];
  for (const [method, path, status, body] of cases) {
    it(`${method} ${path} → ${status}`, async () => {
      const response = await debuggerRoute(new Request(`http://127.0.0.1:8787${path}`, { method }));
      assert.equal(response.status, status);
      assert.match(await response.text(), body);
      if (status === 200) assert.equal(response.headers.get('content-security-policy'), DEBUGGER_PAGE_HEADERS['content-security-policy']);
      if (status === 405) assert.equal(response.headers.get('allow'), 'GET, HEAD');
    });
  }
});
