/**
 * The signing service runs in a Worker through `mapsign/web`: a five-line worker (the README's)
 * bundled with esbuild for a neutral platform and run in Cloudflare's workerd through miniflare,
 * its secret and policy as bindings. It signs for the allowed origin (the provider-side check:
 * the library verifies the URL) and refuses another origin and a forbidden value, leaking no secret.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { APP_ORIGIN, GOOGLE_SECRET, MAPTILER_TOKEN, POLICY_JSON, verifiedBy } from './helpers.js';

const WEB = fileURLToPath(new URL('../../src/web.ts', import.meta.url));
const WORKER = `import { createSigningService, parsePolicy } from ${JSON.stringify(WEB)};
let service;
export default {
  fetch(request, env) {
    service ??= createSigningService({ policy: parsePolicy(JSON.parse(env.POLICY)), secrets: env });
    return service(request, request.headers.get('cf-connecting-ip') ?? undefined);
  },
};
`;

describe('the signing service in workerd', { timeout: 120_000 }, () => {
  let dir: string;
  let mf: Miniflare | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mapsign-signer-worker-'));
    await writeFile(join(dir, 'entry.js'), WORKER);
    await build({ entryPoints: [join(dir, 'entry.js')], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile: join(dir, 'worker.js'), logLevel: 'warning' });
    mf = new Miniflare({
      modules: true,
      scriptPath: join(dir, 'worker.js'),
      modulesRoot: dir,
      compatibilityDate: '2024-09-23',
      bindings: { POLICY: JSON.stringify(POLICY_JSON), MAPSIGN_SECRET: GOOGLE_SECRET, MAPTILER_TOKEN },
    });
  });

  after(async () => {
    await mf?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs for the allowed origin and refuses the rest', async () => {
    const get = (target: string, headers: Record<string, string>) => mf!.dispatchFetch(`http://signer.test${target}`, { headers, redirect: 'manual' });
    const signed = await get('/staticmap?center=48.85,2.35&size=600x300', { origin: APP_ORIGIN });
    assert.equal(signed.status, 302);
    assert.equal(verifiedBy(signed.headers.get('location')!).valid, true);
    assert.equal(signed.headers.get('access-control-allow-origin'), APP_ORIGIN);
    await signed.text();
    const tile = await get('/tiles?z=3', { origin: APP_ORIGIN, accept: 'application/json' });
    assert.equal(verifiedBy(((await tile.json()) as { url: string }).url).valid, true, 'a MapTiler token from its own binding');
    for (const [target, headers, reason] of [
      ['/staticmap?center=48.85,2.35&size=600x300', { origin: 'https://evil.example' }, 'ORIGIN_NOT_ALLOWED'],
      ['/staticmap?center=48.85,2.35&size=600x300&maptype=hybrid', { origin: APP_ORIGIN }, 'PARAMETER_NOT_ALLOWED'],
    ] as const) {
      const refused = await get(target, headers);
      const text = await refused.text();
      assert.equal((JSON.parse(text) as { error: { reason: string } }).error.reason, reason);
      assert.ok(!text.includes(GOOGLE_SECRET) && !text.includes('signature='));
    }
  });
});
