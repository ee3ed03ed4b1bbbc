/**
 * One scheme registry: every scheme is registered under its own name, and the lists written
 * outside TypeScript — the stores' SQL CHECK constraints, which are migrations and stay as they
 * were applied — name exactly the registry's schemes, in its order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { getScheme, isSchemeName, SCHEME_NAMES } from '../../src/core/schemes/index.js';

describe('the scheme registry', () => {
  it('registers each scheme under its own name, and nothing else', () => {
    assert.deepEqual([...SCHEME_NAMES], ['google', 'streetmaps', 'maptiler']);
    for (const name of SCHEME_NAMES) {
      assert.equal(getScheme(name).name, name);
      assert.ok(isSchemeName(name));
    }
    for (const other of ['Google', 'toString', '__proto__', '', undefined]) assert.equal(isSchemeName(other), false, String(other));
  });

  for (const file of ['sqlite-schema.ts', 'postgres-schema.ts']) {
    it(`the CHECK constraint in src/store/${file} lists the registry's schemes`, () => {
      const text = readFileSync(new URL(`../../src/store/${file}`, import.meta.url), 'utf8');
      const lists = [...text.matchAll(/CHECK \(scheme IN \(([^)]*)\)\)/g)].map((match) => match[1]!.split(',').map((name) => name.trim().replace(/^'|'$/g, '')));
      assert.ok(lists.length > 0, 'no CHECK (scheme IN (…)) found');
      for (const names of lists) assert.deepEqual(names, [...SCHEME_NAMES]);
    });
  }
});
