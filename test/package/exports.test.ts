/**
 * The published entry points resolve through package.json `exports` (built `dist/`, as users
 * get them), each with `types` first, and `mapsign/web` and `mapsign/signer` pull in no Node module.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };

const ENTRIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['mapsign', ['signUrl', 'createSigner', 'verifyUrl', 'explainUrl', 'buildUrl', 'parseCredential', 'generateCredential', 'MapsignError']],
  ['mapsign/web', ['signUrl', 'createSigner', 'verifyUrl', 'explainUrl', 'buildUrl', 'parseCredential', 'createSigningService', 'parsePolicy']],
  ['mapsign/gateway', ['createGateway', 'createAuthOnly', 'startGateway', 'createExpressMiddleware', 'createFastifyPlugin', 'createWebMiddleware']],
  ['mapsign/store', ['openStore', 'openSqliteStore', 'openPostgresStore', 'resilientStore']],
  ['mapsign/signer', ['createSigningService', 'parsePolicy', 'createNodeSigningHandler', 'createFastifySigningPlugin', 'SignTally', 'SignerError']],
];

for (const [specifier, names] of ENTRIES) {
  it(`${specifier} exports ${names.length} documented names`, async () => {
    const module = (await import(specifier)) as Record<string, unknown>;
    for (const name of names) assert.ok(name in module, `${specifier} lacks ${name}`);
    const entry = manifest.exports[specifier.replace(/^mapsign/, '.')] as Record<string, string>;
    assert.deepEqual(Object.keys(entry), ['types', 'default']);
  });
}

it('the policy schema resolves through package.json exports', async () => {
  const schema = (await import('mapsign/schema/sign-policy.schema.json', { with: { type: 'json' } })) as { default: { $schema: string } };
  assert.equal(schema.default.$schema, 'https://json-schema.org/draft/2020-12/schema');
});

it('mapsign/web and mapsign/signer, and the core they load, import no node: module', () => {
  const seen = new Set<string>();
  const visit = (file: URL): void => {
    if (seen.has(file.href)) return;
    seen.add(file.href);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /from ['"]node:/, file.pathname);
    for (const [, path] of text.matchAll(/from ['"](\.[^'"]+)['"]/g)) visit(new URL(path!, file));
  };
  visit(new URL('../../dist/web.js', import.meta.url));
  visit(new URL('../../dist/signer/index.js', import.meta.url));
  assert.ok(seen.size > 10);
});
