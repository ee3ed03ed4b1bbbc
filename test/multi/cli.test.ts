/**
 * The built CLI on a PostgreSQL database named in `$MAPSIGN_DB` (so no password is ever in
 * argv): `credentials create|list|revoke` and `usage` work as on a file, an unreachable
 * database is exit status 1 with a message that names it without its password, and a gateway
 * that cannot listen exits at once rather than lingering on its database connections.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../cli/helpers.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(() => server?.cleanup());

test('credentials and usage commands on a postgres:// database', async (t) => {
  const env = { MAPSIGN_DB: await server.createDatabase() };
  const created = await runCli(['credentials', 'create', '--scheme', 'streetmaps', '--label', 'edge', '--json'], { env });
  assert.equal(created.status, 0, created.stderr);
  const issued = JSON.parse(created.stdout) as { id: string; issued: { secret: string } };
  const listed = await runCli(['credentials', 'list', '--json'], { env, forbidden: [issued.issued.secret] });
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { id: string; label: string }[]).map((c) => [c.id, c.label]), [[issued.id, 'edge']]);

  const store = await openStore(env.MAPSIGN_DB);
  t.after(() => store.close());
  await store.recordUsage([{ day: '2026-01-10', credentialId: issued.id, channel: '', outcome: 'ok', count: 3 }]);
  const usage = await runCli(['usage', '--json'], { env });
  assert.equal(usage.status, 0, usage.stderr);
  assert.deepEqual((JSON.parse(usage.stdout) as { group: unknown; ok: number }[]).map((line) => [line.group, line.ok]), [[{ credentialId: issued.id }, 3]]);

  const revoked = await runCli(['credentials', 'revoke', issued.id], { env });
  assert.equal(revoked.status, 0, revoked.stderr);
  assert.notEqual((await store.getCredential(issued.id))?.revokedAt, null);
});

test('an unreachable database: exit 1, named without its password', async () => {
  const result = await runCli(['credentials', 'list'], { env: { MAPSIGN_DB: 'postgres://mapsign:pw-hunter2@127.0.0.1:1/mapsign' }, forbidden: ['pw-hunter2'] });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^mapsign credentials: .*postgres:\/\/mapsign@127\.0\.0\.1:1\/mapsign failed: .*ECONNREFUSED.*Check that it is running/);
});

test('serve on a port already taken exits with status 1 at once, not held open by its database pool', async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => busy.close(resolve)));
  const port = String((busy.address() as { port: number }).port);
  // Idle pooled connections would hold the process for pg's 10 s idle timeout; 5 s is the bound.
  const result = await runCli(['serve', '--upstream', 'http://127.0.0.1:9', '--port', port], { env: { MAPSIGN_DB: await server.createDatabase() }, timeoutMs: 5000 });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /EADDRINUSE/);
});
