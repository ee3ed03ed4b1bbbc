/**
 * Reads the import specifiers of the TypeScript sources under `src/`, for the tests that hold
 * the architecture in place (layers point one way; the core imports nothing from Node). Static
 * `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')` all
 * count; comments are skipped so a mention in prose is not an import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** The repository's `src/` folder. */
export const SRC = new URL('../../src/', import.meta.url).pathname;

/** One source file and what it imports. */
export interface SourceFile {
  /** Path from `src/`, with `/` separators: `gateway/handler.ts`. */
  readonly path: string;
  /** Specifiers as written: `./proxy.js`, `node:http`, `undici`. */
  readonly imports: readonly string[];
}

const IMPORT = /(?:^|[^.\w$])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|(?:^|[^.\w$])import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Strips `//` and `/* … *\/` comments (not inside strings: good enough for this codebase's sources). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/**
 * The import specifiers of one source text.
 *
 * @example importsOf("import { a } from './a.js';\nexport * from '../b.js';") // ['./a.js', '../b.js']
 */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of withoutComments(text).matchAll(IMPORT)) found.push((match[1] ?? match[2])!);
  return found;
}

/** Every `.ts` file under `dir` (default `src/`), with its imports. */
export function sourceFiles(dir = SRC): SourceFile[] {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(at, entry.name)) : entry.name.endsWith('.ts') ? [join(at, entry.name)] : []));
  return walk(dir).map((file) => ({ path: relative(dir, file).split('\\').join('/'), imports: importsOf(readFileSync(file, 'utf8')) }));
}

/**
 * Where a relative specifier of `from` points, from `src/` (`gateway/proxy.ts`); `undefined`
 * for a package or `node:` import.
 *
 * @example resolveFromSrc('gateway/handler.ts', '../http/refusal.js') // 'http/refusal.ts'
 */
export function resolveFromSrc(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
}
