/**
 * `mapsign sign-server`: start-up refusals (exit 2, naming the policy path or the variable, never
 * the secret), the secret from `--secret-file` as for `mapsign sign`, and a real process that
 * signs, refuses, counts into the usage store `mapsign usage` reads (`route:NAME`, the origin as
 * channel) or prints its counts as a JSON line, and exits 0 on SIGTERM; its Prometheus metrics
 * on `--metrics-port`, behind the admin token, scraped after real requests.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { signServer } from '../../src/cli/commands/sign-server.js';
import { usage } from '../../src/cli/commands/usage.js';
import { eventually, rawGet, runInProcess as run, tempDir } from '../gateway/helpers.js';
import { APP_ORIGIN, GOOGLE_SECRET, MAPTILER_TOKEN, POLICY_JSON, verifiedBy } from '../signer/helpers.js';
import { parseExposition, valueOf } from '../support/prometheus.js';

const ADMIN_TOKEN = 'sign-server-metrics-token-0123456789';

async function policyFile(t: TestContext, json: unknown): Promise<string> {
  const file = join(await tempDir(t), 'policy.json');
  await writeFile(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

test('sign-server refuses to start on a bad policy or a missing secret, and says where', async (t) => {
  const env = { MAPSIGN_SECRET: GOOGLE_SECRET, MAPTILER_TOKEN };
  const bad = await policyFile(t, { ...POLICY_JSON, routes: { staticmap: { ...POLICY_JSON.routes.staticmap, params: { zoom: { integer: [21, 0] } }, required: [] } } });
  const cases: ReadonlyArray<readonly [string[], Record<string, string>, RegExp]> = [
    [[], env, /--policy FILE is required/],
    [['--policy', join(await tempDir(t), 'missing.json')], env, /Cannot read --policy/],
    [['--policy', await policyFile(t, '{"routes": ')], env, /is not JSON/],
    [['--policy', bad], env, /INVALID_POLICY: .*policy\.json: routes\.staticmap\.params\.zoom\.integer: the minimum 21 exceeds the maximum 0/],
    [['--policy', await policyFile(t, POLICY_JSON)], { MAPSIGN_SECRET: GOOGLE_SECRET }, /MISSING_SECRET: routes\.tiles: no secret in MAPTILER_TOKEN/],
    [['--policy', await policyFile(t, POLICY_JSON)], { MAPTILER_TOKEN }, /MISSING_SECRET: routes\.staticmap: no secret in MAPSIGN_SECRET/],
    [['--policy', await policyFile(t, POLICY_JSON), '--port', '99999'], env, /--port must be a port number/],
    [['--policy', await policyFile(t, POLICY_JSON), '--metrics-port', '0'], env, /The metrics listener \(--metrics-port\) needs a token of at least 16 characters in \$MAPSIGN_ADMIN_TOKEN/],
    [['--policy', await policyFile(t, POLICY_JSON), '--metrics-port', '0'], { ...env, MAPSIGN_ADMIN_TOKEN: 'short' }, /needs a token of at least 16 characters/],
    [['--policy', await policyFile(t, POLICY_JSON), '--admin-token-file', '/nonexistent'], env, /--admin-token-file is the token of --metrics-port/],
  ];
  for (const [argv, given, message] of cases) {
    const result = await run(signServer, argv, given);
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.err, message, argv.join(' '));
    assert.ok(!result.err.includes(GOOGLE_SECRET), 'the secret is never printed');
  }
  const secretFile = join(await tempDir(t), 'secret');
  await writeFile(secretFile, 'not*a*secret\n');
  const malformed = await run(signServer, ['--policy', await policyFile(t, POLICY_JSON), '--secret-file', secretFile], { MAPTILER_TOKEN });
  assert.equal(malformed.code, 2);
  assert.match(malformed.err, /INVALID_SECRET: routes\.staticmap: the secret in MAPSIGN_SECRET is not a google secret/, 'the --secret-file secret was read');
  assert.ok(!malformed.err.includes('not*a*secret'));
});

/** Starts `mapsign sign-server` from the sources; resolves with its address and a stop that returns its exit status and stdout. */
async function start(t: TestContext, args: string[], env: Record<string, string>): Promise<{ address: string; err(): string; stop(): Promise<{ code: number | null; out: string; err: string }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sign-server', '--port', '0', ...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  assert.ok(await eventually(() => /listening on (http:\S+),/.test(err) || child.exitCode !== null, 30_000), err);
  const address = /listening on (http:\S+),/.exec(err)?.[1];
  assert.ok(address !== undefined, err);
  return {
    address,
    err: () => err,
    async stop() {
      child.kill('SIGTERM');
      return { code: await exited, out, err };
    },
  };
}

test('sign-server as a process: signs, refuses, counts into the usage store, exits 0 on SIGTERM', async (t) => {
  const db = join(await tempDir(t), 'usage.db');
  const server = await start(t, ['--policy', await policyFile(t, POLICY_JSON), '--db', db], { MAPSIGN_SECRET: GOOGLE_SECRET, MAPTILER_TOKEN });
  const signed = await rawGet(server.address, '/staticmap?center=48.85,2.35&size=600x300', { origin: APP_ORIGIN });
  assert.equal(signed.status, 302);
  assert.equal(verifiedBy(signed.headers.location!).valid, true);
  const refused = await rawGet(server.address, '/staticmap?center=48.85,2.35&size=600x300&zoom=99', { origin: APP_ORIGIN });
  assert.deepEqual([refused.status, JSON.parse(refused.body).error.reason], [400, 'PARAMETER_NOT_ALLOWED']);
  assert.equal((await rawGet(server.address, '/staticmap?center=1,2&size=1x1', { origin: 'https://evil.example' })).status, 403);
  const stopped = await server.stop();
  assert.equal(stopped.code, 0, stopped.err);
  assert.match(stopped.err, /SIGTERM: draining/);
  assert.ok(!stopped.err.includes(GOOGLE_SECRET) && !stopped.out.includes(GOOGLE_SECRET));

  const report = await run(usage, ['--json', '--by', 'channel', '--db', db]);
  const rows = (JSON.parse(report.out) as { group: Record<string, string>; outcomes: Record<string, number> }[]).map((row) => [row.group['credentialId'], row.group['channel'], row.outcomes]);
  assert.deepEqual(
    rows.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    [
      ['route:staticmap', '(not allowed)', { ORIGIN_NOT_ALLOWED: 1 }],
      ['route:staticmap', APP_ORIGIN, { PARAMETER_NOT_ALLOWED: 1, ok: 1 }],
    ],
  );
});

test('sign-server without --db prints its counts as a JSON line', async (t) => {
  const server = await start(t, ['--policy', await policyFile(t, POLICY_JSON), '--count-log', '1h'], { MAPSIGN_SECRET: GOOGLE_SECRET, MAPTILER_TOKEN });
  await rawGet(server.address, '/tiles?z=3', { origin: APP_ORIGIN });
  await rawGet(server.address, '/tiles?z=99', { origin: APP_ORIGIN });
  const stopped = await server.stop();
  assert.equal(stopped.code, 0, stopped.err);
  const line = JSON.parse(stopped.out.trim()) as { time: string; counts: unknown[] };
  assert.deepEqual(line.counts, [
    { route: 'tiles', origin: APP_ORIGIN, outcome: 'ok', count: 1 },
    { route: 'tiles', origin: APP_ORIGIN, outcome: 'PARAMETER_NOT_ALLOWED', count: 1 },
  ]);
});

test('sign-server --metrics-port serves Prometheus metrics of real requests behind the admin token', async (t) => {
  const tokenFile = join(await tempDir(t), 'admin-token');
  await writeFile(tokenFile, `${ADMIN_TOKEN}\n`);
  const server = await start(t, ['--policy', await policyFile(t, POLICY_JSON), '--metrics-port', '0', '--admin-token-file', tokenFile, '--count-log', '0'], { MAPSIGN_SECRET: GOOGLE_SECRET, MAPTILER_TOKEN });
  assert.ok(await eventually(() => /metrics at (http:\S+)\/metrics/.test(server.err()), 10_000), server.err());
  const metricsAddress = /metrics at (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(server.err())![1]!;
  assert.equal((await rawGet(server.address, '/staticmap?center=48.85,2.35&size=600x300', { origin: APP_ORIGIN })).status, 302);
  assert.equal((await rawGet(server.address, '/staticmap?center=48.85,2.35&size=600x300&zoom=99', { origin: APP_ORIGIN })).status, 400);
  assert.equal((await rawGet(server.address, '/tiles?z=3', { origin: 'https://evil.example' })).status, 403);
  assert.equal((await rawGet(server.address, '/metrics', { origin: APP_ORIGIN })).status, 404, 'metrics are not on the signing port');

  const unauthorized = await rawGet(metricsAddress, '/metrics', { authorization: 'Bearer wrong-token-wrong-token' });
  assert.deepEqual([unauthorized.status, unauthorized.headers['www-authenticate'], JSON.parse(unauthorized.body).error.reason], [401, 'Bearer', 'UNAUTHORIZED']);
  assert.equal((await rawGet(metricsAddress, '/metrics')).status, 401);
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  assert.equal((await rawGet(metricsAddress, '/other', auth)).status, 404);
  assert.equal((await rawGet(metricsAddress, '/metrics', auth, 'POST')).status, 405);
  const scraped = await rawGet(metricsAddress, '/metrics', auth);
  assert.equal(scraped.status, 200);
  assert.match(String(scraped.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const { samples } = parseExposition(scraped.body);
  assert.equal(valueOf(samples, 'mapsign_signatures_total', { route: 'staticmap', outcome: 'issued' }), 1);
  assert.equal(valueOf(samples, 'mapsign_signatures_total', { route: 'staticmap', outcome: 'PARAMETER_NOT_ALLOWED' }), 1);
  assert.equal(valueOf(samples, 'mapsign_signatures_total', { route: 'tiles', outcome: 'ORIGIN_NOT_ALLOWED' }), 1);
  assert.equal(valueOf(samples, 'mapsign_signatures_total', { route: 'tiles', outcome: 'issued' }), 0);
  assert.equal(valueOf(samples, 'mapsign_signatures_total', { route: '(unknown)', outcome: 'UNKNOWN_ROUTE' }), 1, 'the /metrics asked of the signing port');
  assert.equal(valueOf(samples, 'mapsign_signature_origins_total', { route: 'staticmap', origin: APP_ORIGIN }), 2);
  assert.equal(valueOf(samples, 'mapsign_signature_origins_total', { route: 'tiles', origin: '(other)' }), 1);
  assert.ok(!scraped.body.includes('evil.example') && !scraped.body.includes(GOOGLE_SECRET));

  const stopped = await server.stop();
  assert.equal(stopped.code, 0, stopped.err);
  assert.ok(!stopped.err.includes(ADMIN_TOKEN), 'the token is never printed');
  const line = JSON.parse(stopped.out.trim()) as { counts: unknown[] };
  assert.equal(line.counts.length, 4, 'the counts still go to their log line beside the metrics');
});
