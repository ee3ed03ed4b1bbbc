/**
 * The layers point one way: core ← crypto ← (store, HTTP verification) ← gateway ← CLI. The
 * runtime APIs (src/api: the core's operations over each runtime's HMAC) sit over core, crypto
 * and HTTP verification; the entry points (`mapsign`, `mapsign/web`) only re-export them; the
 * debugger page runs on the web API; the signing service (src/signer) runs on the API and the
 * HTTP helpers, and the CLI serves it. Nothing imports upward, siblings do not import each other,
 * and no layer imports an entry point. The check is proved able to fail on planted imports.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveFromSrc, sourceFiles, type SourceFile } from '../support/source-imports.js';

/** The layer of a file under src/: its first folder, or `entry` for the entry points. */
function layerOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? (path === 'index.ts' || path === 'web.ts' ? 'entry' : path) : path.slice(0, slash);
}

/** What each layer may import besides itself. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  crypto: ['core'],
  http: ['core'],
  store: ['core'],
  api: ['core', 'crypto', 'http'],
  entry: ['core', 'api', 'http', 'signer'],
  gateway: ['core', 'crypto', 'http', 'store', 'api'],
  debugger: ['core', 'api'],
  signer: ['core', 'api', 'http'],
  cli: ['core', 'crypto', 'http', 'store', 'api', 'gateway', 'debugger', 'signer'],
};

/** Every import that breaks the layering, as `from → to`. */
function violations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    const allowed = ALLOWED[from];
    if (allowed === undefined) {
      found.push(`${file.path}: in no known layer`);
      continue;
    }
    for (const specifier of file.imports) {
      const target = resolveFromSrc(file.path, specifier);
      if (target === undefined) continue;
      const to = layerOf(target);
      if (to !== from && !allowed.includes(to)) found.push(`${file.path} → ${target}`);
    }
  }
  return found;
}

test('no source file imports upward, sideways or through an entry point', () => {
  const files = sourceFiles();
  assert.ok(files.length > 60, 'the sources were found');
  assert.deepEqual(violations(files), []);
});

test('the check fails on planted upward imports', () => {
  const planted: SourceFile[] = [
    { path: 'core/sign.ts', imports: ['../gateway/handler.js'] },
    { path: 'store/sqlite.ts', imports: ['../index.js'] },
    { path: 'http/refusal.ts', imports: ['../store/contract.js'] },
    { path: 'gateway/handler.ts', imports: ['../cli/main.js', './proxy.js', '../http/refusal.js'] },
    { path: 'cli/main.ts', imports: ['../index.js', '../api/node.js'] },
  ];
  assert.deepEqual(violations(planted), ['core/sign.ts → gateway/handler.ts', 'store/sqlite.ts → index.ts', 'http/refusal.ts → store/contract.ts', 'gateway/handler.ts → cli/main.ts', 'cli/main.ts → index.ts']);
});
