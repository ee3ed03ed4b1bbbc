/**
 * The core stays runtime-agnostic: no Node modules or globals under src/core (the core's
 * tsconfig enforces the same at type-check time; this test names the offending file).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const CORE = new URL('../../src/core/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

it('src/core imports nothing from Node and uses no Node globals', () => {
  const files = sources(CORE);
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /from ['"](?:node:|fs|path|crypto|util|buffer)['"]/, file);
    assert.doesNotMatch(text, /\b(?:Buffer|process|require)\s*[.(]/, file);
  }
});
