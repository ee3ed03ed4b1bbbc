/**
 * The gateway's CLI commands: `credentials` and `usage` in process on a real SQLite file, and
 * `serve` as a real child process — signed request through, JSON log without the signature,
 * SIGTERM drains and exits 0 with the usage counts written.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentials } from '../../src/cli/commands/credentials.js';
import { usage } from '../../src/cli/commands/usage.js';
import { parseCredential, signUrl } from '../../src/index.js';
import { credentialInput } from '../../src/store/index.js';
import { eventually, rawGet, runInProcess, startUpstream, tempDir } from './helpers.js';

const run = runInProcess;

test('credentials: create shows the secret once; list, show, rotate, revoke; errors are one line', async (t) => {
  const db = join(await tempDir(t), 'cli.db');
  const created = await run(credentials, ['create', '--scheme', 'maptiler', '--label', 'web', '--json', '--db', db]);
  assert.equal(created.code, 0, created.err);
  const issued = JSON.parse(created.out) as { id: string; issued: { secret: string; token: string } };
  assert.equal(issued.issued.token, `${issued.id}_${issued.issued.secret}`);

  const env = { MAPSIGN_DB: db };
  const list = await run(credentials, ['list'], env);
  assert.match(list.out, new RegExp(`^ID\\s+SCHEME\\s+STATUS\\s+SECRETS\\s+CREATED\\s+CONTROLS\\s+LABEL\\n${issued.id}\\s+maptiler\\s+active\\s+1\\s+\\S+\\s+-\\s+web\\n$`));
  const rotated = await run(credentials, ['rotate', issued.id, '--overlap', '2h'], env);
  assert.equal(rotated.code, 0, rotated.err);
  assert.match(rotated.out, /^Rotated maptiler credential .*\nkey: .*\nsecret: [0-9a-f]{64}\ntoken:  /);
  assert.match(rotated.err, /shown only now/);
  const show = await run(credentials, ['show', issued.id], env);
  assert.match(show.out, /secret v2: created \S+, current\nsecret v1: created \S+, valid until \S+\n$/);
  for (const output of [list.out, show.out]) assert.ok(!output.includes(issued.issued.secret), 'secret never listed');
  assert.match((await run(credentials, ['revoke', issued.id], env)).out, /^Revoked .* a running gateway refuses it within a second\.\n$/);

  const failures: [string[], number, RegExp][] = [
    [['rotate', issued.id], 1, /^mapsign credentials: CREDENTIAL_REVOKED: /],
    [['show', 'missing'], 2, /No credential with id missing/],
    [['create', '--scheme', 'nope'], 2, /INVALID_INPUT: Unknown scheme "nope"/],
    [['create', '--scheme', 'google', '--id', 'has space'], 2, /INVALID_INPUT: The client ID must be/],
    [['rotate', issued.id, '--overlap', '24'], 2, /is not a duration/],
    [['frobnicate'], 2, /Unknown action "frobnicate"/],
    [['create', '--scheme', 'google', '--secret', 'x'], 2, /--secret is refused/],
  ];
  for (const [argv, code, message] of failures) {
    const result = await run(credentials, argv, env);
    assert.equal(result.code, code, argv.join(' '));
    assert.match(result.err, message, argv.join(' '));
  }
});

test('serve runs as a process: forwards signed requests, logs JSON without signatures, drains on SIGTERM', async (t) => {
  const upstream = await startUpstream(t);
  const db = join(await tempDir(t), 'serve.db');
  const made = await run(credentials, ['create', '--scheme', 'google', '--json', '--db', db]);
  const { id, issued } = JSON.parse(made.out) as { id: string; issued: { secret: string } };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--upstream', upstream.url, '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  assert.ok(await eventually(async () => /listening on (http:\S+),/.test(err), 20_000), err);
  const address = /listening on (http:\S+),/.exec(err)![1]!;
  const signed = signUrl(`http://gw/tiles/1/2/3.png?client=${id}`, parseCredential(credentialInput('google', id, issued.secret))).slice('http://gw'.length);
  assert.equal((await rawGet(address, signed)).status, 200);
  assert.equal((await rawGet(address, signed.replace('/3.png', '/4.png'))).status, 403);
  const page = await fetch(`${address}/debugger`);
  assert.equal(page.status, 200, 'the URL Signing Debugger is served without a signature');
  assert.match(await page.text(), /URL Signing Debugger/);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, err);
  const lines = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => [l['path'], l['status'], l['outcome'], l['credential']]), [
    ['/tiles/1/2/3.png', 200, 'ok', id],
    ['/tiles/1/2/4.png', 403, 'SIGNATURE_MISMATCH', id],
  ]);
  assert.ok(!out.includes('signature=') && !out.includes(issued.secret), 'logs carry no signature or secret');

  const report = await run(usage, ['--json', '--db', db]);
  assert.deepEqual(JSON.parse(report.out), [{ group: { credentialId: id }, label: null, ok: 1, refused: 1, failed: 0, total: 2, outcomes: { SIGNATURE_MISMATCH: 1, ok: 1 } }]);
  const table = await run(usage, ['--by', 'day', '--db', db]);
  assert.match(table.out, /^DAY\s+TOTAL\s+OK\s+REFUSED\s+FAILED\s+OUTCOMES\n\d{4}-\d{2}-\d{2}\s+2\s+1\s+1\s+0\s+SIGNATURE_MISMATCH=1\n$/);
  assert.equal((await run(usage, ['--by', 'week', '--db', db])).code, 2);
});
