/**
 * Every TypeScript snippet in README.md compiles under strict settings against the package's
 * own published types: each ```ts block becomes a file in a scratch project inside the
 * repository, where `mapsign`, `mapsign/web`, `mapsign/gateway` and `mapsign/store` resolve
 * through package.json `exports` to the built `dist/*.d.ts` (TypeScript's package
 * self-reference), exactly as a user's project resolves them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const snippets = [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
const dir = join(ROOT, 'test-artifacts', 'readme-snippets');
after(() => rmSync(dir, { recursive: true, force: true }));

const STRICT = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2023', 'DOM', 'DOM.Iterable'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  noImplicitOverride: true,
  noEmit: true,
  // Only the snippets are checked; the dependencies' own declarations are theirs.
  skipLibCheck: true,
};

it('README.md has TypeScript snippets for the library and the middleware', () => {
  assert.ok(snippets.length >= 2, `found ${snippets.length}`);
  assert.ok(snippets.some((s) => s.includes("from 'mapsign'")));
  assert.ok(snippets.some((s) => s.includes("from 'mapsign/gateway'")));
});

it('every README TypeScript snippet compiles under strict settings against dist/*.d.ts', () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = snippets.map((text, index) => {
    const file = `snippet-${index + 1}.ts`;
    writeFileSync(join(dir, file), text);
    return file;
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: STRICT, files }, null, 2));
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  let output = '';
  try {
    execFileSync(tsc, ['-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}` || String(error);
  }
  assert.equal(output, '', output);
});
