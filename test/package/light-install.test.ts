/**
 * A light install: the packed tarball, unpacked into a consumer project that has undici and
 * neither optional database driver, imports every entry point, signs and explains, prints
 * help, reads the published vectors — and `serve`, `credentials` and `usage` say exactly which
 * driver to install (status 2) without touching the database path. prom-client, mapsign's other
 * dependency, is left out on purpose: only a gateway with an admin listener loads it (for
 * `/metrics`), so all of this must run without it. Also the package's hygiene: a LICENSE, no
 * source maps, `main`/`types`, drivers as optional peers whose ranges the driver loader
 * repeats in its message.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DRIVERS } from '../../src/store/drivers.js';
import { pythonHmacs } from '../support/python-hmac.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { peerDependencies: Record<string, string>; dependencies: Record<string, string> };
const dir = mkdtempSync(join(tmpdir(), 'mapsign-light-'));
const consumer = join(dir, 'consumer');
const installed = join(consumer, 'node_modules', 'mapsign');
let packed: readonly string[] = [];

before(() => {
  const [report] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ filename: string; files: { path: string }[] }];
  packed = report.files.map((f) => f.path);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, report.filename), '-C', installed, '--strip-components=1']);
  // The proxy's runtime dependency, from the repository's own install; no driver, no prom-client.
  symlinkSync(join(ROOT, 'node_modules', 'undici'), join(consumer, 'node_modules', 'undici'));
  writeFileSync(join(consumer, 'package.json'), '{"type":"module","private":true}\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(installed, 'dist/cli/main.js'), ...args], { cwd: consumer, encoding: 'utf8', env: { PATH: process.env.PATH!, ...env }, timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the package installs light', () => {
  it('declares the drivers as optional peers only, and the loader names their ranges', () => {
    assert.deepEqual(Object.keys(manifest.dependencies), ['prom-client', 'undici']);
    assert.deepEqual(manifest.peerDependencies, { 'better-sqlite3': DRIVERS['better-sqlite3'].range, pg: DRIVERS.pg.range });
    assert.deepEqual(manifest['peerDependenciesMeta'], { 'better-sqlite3': { optional: true }, pg: { optional: true } });
    assert.equal(manifest['main'], './dist/index.js');
    assert.equal(manifest['types'], './dist/index.d.ts');
  });

  it('ships a LICENSE and no source map, and no file points at one', () => {
    assert.ok(packed.includes('LICENSE') && packed.includes('README.md') && packed.includes('vectors/mapsign-vectors.v1.json'));
    assert.deepEqual(packed.filter((path) => path.endsWith('.map')), []);
    const pointing = packed.filter((path) => /\.[cm]?js$/.test(path) && readFileSync(join(installed, path), 'utf8').includes('sourceMappingURL'));
    assert.deepEqual(pointing, []);
  });

  it('imports every entry point without a driver', () => {
    const script = "for (const e of ['mapsign', 'mapsign/web', 'mapsign/store', 'mapsign/gateway']) await import(e); const v = await import('mapsign/vectors.json', { with: { type: 'json' } }); process.stdout.write(String(v.default.version))";
    assert.equal(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, encoding: 'utf8' }), '1');
  });

  it('signs with a Google API key, explains and prints help without a driver', () => {
    const secret = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
    const url = 'https://maps.googleapis.com/maps/api/staticmap?center=0,0&size=1x1';
    const [signature] = pythonHmacs([{ algorithm: 'SHA-1', keyHex: Buffer.from(secret, 'base64url').toString('hex'), message: '/maps/api/staticmap?center=0,0&size=1x1&key=AIzaK' }]);
    assert.deepEqual(run(['sign', '--scheme', 'google', '--key', 'AIzaK', url], { MAPSIGN_SECRET: secret }), { status: 0, stdout: `${url}&key=AIzaK&signature=${signature}\n`, stderr: '' });
    assert.equal(run(['explain', '--json', `${url}&key=AIzaK&signature=${signature}`], { MAPSIGN_SECRET: secret }).status, 0);
    assert.equal(run(['--help']).status, 0);
    assert.equal(run(['keygen', '--scheme', 'google']).status, 0);
  });

  const missing: ReadonlyArray<readonly [string, readonly string[], 'better-sqlite3' | 'pg', string]> = [
    ['credentials on a SQLite file', ['credentials', 'list', '--db', 'gateway.db'], 'better-sqlite3', 'a SQLite file (--db PATH)'],
    ['usage on a SQLite file', ['usage', '--db', 'gateway.db'], 'better-sqlite3', 'a SQLite file (--db PATH)'],
    ['serve on a SQLite file', ['serve', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--db', 'gateway.db'], 'better-sqlite3', 'a SQLite file (--db PATH)'],
    ['usage on PostgreSQL', ['usage', '--db', 'postgres://mapsign@127.0.0.1:9/mapsign'], 'pg', 'PostgreSQL (--db postgres://…)'],
  ];
  for (const [name, args, driver, usedFor] of missing) {
    it(`${name}: says which driver to install, exit 2, no database file created`, () => {
      const range = DRIVERS[driver].range;
      assert.deepEqual(run(args), {
        status: 2,
        stdout: '',
        stderr: `mapsign ${args[0]}: DRIVER_MISSING: The store for ${usedFor} needs the optional dependency ${driver}, which is not installed: run npm install ${driver}@${range} in the project that has mapsign (npm install -g ${driver}@${range} for a global mapsign).\n`,
      });
      assert.ok(!existsSync(join(consumer, 'gateway.db')), readdirSync(consumer).join(' '));
    });
  }
});
