/**
 * Builds the URL Signing Debugger into ONE self-contained HTML file, dist/debugger/debugger.html:
 * the page's TypeScript (src/debugger/browser/main.ts, with the core over WebCrypto) is bundled by
 * esbuild and inlined with the CSS into the template. The Content-Security-Policy pins the
 * inline script and style by hash and allows no fetch, form post or external resource, so the
 * page cannot send anything it is given — served by the gateway or opened as a file.
 *
 * Usage: node scripts/build-debugger.mjs [output.html]
 */
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/debugger/browser');
const defaultOutput = join(root, 'dist/debugger/debugger.html');

const hashSource = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Inline text must not close its element early or open an HTML comment inside a script. */
function assertInlinable(text, element) {
  if (new RegExp(`</${element}|<!--`, 'i').test(text)) throw new Error(`The bundled ${element} contains </${element} or <!--; it cannot be inlined safely.`);
}

/** Bundles the page and writes it to `output` atomically (readers never see half a file). */
async function buildDebugger(output) {
  const bundled = await build({
    entryPoints: [join(source, 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    charset: 'ascii',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  const script = bundled.outputFiles[0].text.trim();
  const style = (await transform(readFileSync(join(source, 'debugger.css'), 'utf8'), { loader: 'css', minify: true })).code.trim();
  assertInlinable(script, 'script');
  assertInlinable(style, 'style');
  const csp = [`default-src 'none'`, `script-src ${hashSource(script)}`, `style-src ${hashSource(style)}`, `img-src data:`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  const html = readFileSync(join(source, 'debugger.html'), 'utf8')
    .replace('__CSP__', () => csp)
    .replace('__STYLE__', () => style)
    .replace('__SCRIPT__', () => script);
  mkdirSync(dirname(output), { recursive: true });
  const temporary = `${output}.${process.pid}.tmp`;
  writeFileSync(temporary, html);
  renameSync(temporary, output);
  return output;
}

const written = await buildDebugger(resolve(process.argv[2] ?? defaultOutput));
console.log(`debugger page: ${written}`);
