/**
 * The standards-only part stays runtime-agnostic: no file the core's tsconfig compiles (the
 * core, the WebCrypto seam and API, `mapsign/web`, its HTTP rules and the debugger page) imports
 * a Node module or uses a Node global. The tsconfig (`"types": []`) enforces the same at
 * type-check time; this test names the offending file and line, and proves it can fail by
 * planting each kind of import in a copy of a core file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CORE = fileURLToPath(new URL('../../src/core/', import.meta.url));

/** Every way a module names another: static and type imports, re-exports, `import()`, `require()`. */
const SPECIFIERS = [
  /\b(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Node globals a runtime-agnostic module must not touch. */
const NODE_GLOBALS = /\b(?:Buffer|process|require|__dirname|__filename)\s*[.(]/;

/** What in `text` ties it to Node: each builtin module it imports (`node:fs`, bare `fs` alike) and each Node global. */
function nodeDependencies(text: string): string[] {
  const found: string[] = [];
  for (const pattern of SPECIFIERS) {
    for (const match of text.matchAll(pattern)) if (isBuiltin(match[1]!)) found.push(match[1]!);
  }
  const global = NODE_GLOBALS.exec(text);
  if (global !== null) found.push(global[0]);
  return found;
}

function sources(path: string): string[] {
  if (!statSync(path).isDirectory()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path).flatMap((name) => sources(join(path, name)));
}

/** The files the core's fence tsconfig compiles, from its own `include` list. */
function fencedFiles(): string[] {
  const config = JSON.parse(readFileSync(join(CORE, 'tsconfig.json'), 'utf8')) as { include: string[] };
  return config.include.flatMap((entry) => sources(join(CORE, entry)));
}

describe('the runtime-agnostic fence', () => {
  it('no fenced file imports a Node module or uses a Node global', () => {
    const files = fencedFiles();
    assert.ok(files.length > 20, `only ${files.length} files found`);
    assert.ok(files.some((file) => file.endsWith(join('core', 'sign.ts'))));
    for (const file of files) assert.deepEqual(nodeDependencies(readFileSync(file, 'utf8')), [], file);
  });

  it('catches each kind of Node import planted in a copy of a core file', () => {
    const original = readFileSync(join(CORE, 'limits.ts'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'mapsign-fence-'));
    try {
      const plants: ReadonlyArray<readonly [string, string]> = [
        ["import { readFileSync } from 'node:fs';", 'node:fs'],
        ["import fs from 'fs';", 'fs'],
        ['import type { Hash } from "node:crypto";', 'node:crypto'],
        ["import {\n  join,\n} from 'path';", 'path'],
        ["import 'fs/promises';", 'fs/promises'],
        ["export { inspect } from 'node:util';", 'node:util'],
        ["const os = await import('os');", 'os'],
        ["const http = require('node:http');", 'node:http'],
        ["const bytes = Buffer.from('x');", 'Buffer.'],
        ['const home = process.env.HOME;', 'process.'],
      ];
      assert.deepEqual(nodeDependencies(original), []);
      for (const [line, expected] of plants) {
        const file = join(dir, 'limits.ts');
        writeFileSync(file, `${line}\n${original}`);
        assert.ok(nodeDependencies(readFileSync(file, 'utf8')).includes(expected), `${JSON.stringify(line)} was not caught`);
      }
      // A relative import or a package that is not a Node builtin is not a Node dependency.
      assert.deepEqual(nodeDependencies(`import { x } from './fs.js';\nimport { y } from 'undici';\n${original}`), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
