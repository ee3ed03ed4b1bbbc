/**
 * Shutdown of a real `mapsign serve` process: a second SIGTERM or SIGINT during the drain does
 * not kill it (the in-flight request still completes, the exit code is 0); SIGHUP flushes the
 * usage counts and exits 0; `--drain` bounds the wait even for an upstream that never answers or
 * stalls mid-body, and the requests cut off are counted (`SHUTDOWN`, `CLIENT_CLOSED`, `ok`);
 * and a frozen PostgreSQL (SIGSTOPped) cannot hold the exit past the drain.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { credentials } from '../../src/cli/commands/credentials.js';
import { usage } from '../../src/cli/commands/usage.js';
import { exchange, RawConnection, rawRequest } from '../support/raw-client.js';
import { startRawUpstream, type RawUpstream, type UpstreamReply } from '../support/raw-upstream.js';
import { spawnServe, type ServeProcess } from '../support/serve-process.js';
import { credentialFor, type TestCredential } from '../support/signing.js';
import { startTestPostgres } from '../support/postgres.js';
import { runInProcess, tempDir } from './helpers.js';

/** Answers by path: `/slow` after 1.5 s, `/never` never, `/stall` headers then nothing, else at once. */
function byPath(request: { target: string }): UpstreamReply {
  if (request.target.startsWith('/slow')) return { kind: 'fixed', body: 'slow', delayMs: 1500 };
  if (request.target.startsWith('/never')) return { kind: 'never' };
  if (request.target.startsWith('/stall')) return { kind: 'headers-then-stall' };
  return { kind: 'fixed' };
}

async function createGoogle(db: string): Promise<TestCredential> {
  const made = await runInProcess(credentials, ['create', '--scheme', 'google', '--json', '--db', db]);
  assert.equal(made.code, 0, made.err);
  const { id, issued } = JSON.parse(made.out) as { id: string; issued: { secret: string } };
  return credentialFor('google', id, issued.secret);
}

/** The usage outcomes of one credential, from `mapsign usage --json`. */
async function outcomes(db: string, id: string): Promise<Record<string, number>> {
  const report = await runInProcess(usage, ['--json', '--db', db]);
  assert.equal(report.code, 0, report.err);
  const rows = JSON.parse(report.out) as { group: { credentialId: string }; outcomes: Record<string, number> }[];
  return rows.find((row) => row.group.credentialId === id)?.outcomes ?? {};
}

async function serveOnSqlite(t: TestContext, upstream: RawUpstream, extra: readonly string[] = []): Promise<{ gateway: ServeProcess; db: string; google: TestCredential }> {
  const db = join(await tempDir(t), 'serve.db');
  const google = await createGoogle(db);
  const gateway = await spawnServe(t, ['--upstream', upstream.url, '--port', '0', '--db', db, '--log', 'none', '--refusal-delay-max', '0', ...extra]);
  return { gateway, db, google };
}

const hostOf = (gateway: ServeProcess): string => new URL(gateway.address).host;
const get = (gateway: ServeProcess, target: string): Buffer => rawRequest({ target, headers: [['Host', hostOf(gateway)]] });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const SECOND_SIGNALS: readonly (readonly [NodeJS.Signals, NodeJS.Signals])[] = [
  ['SIGTERM', 'SIGTERM'],
  ['SIGINT', 'SIGINT'],
  ['SIGTERM', 'SIGINT'],
];

for (const [first, second] of SECOND_SIGNALS) {
  test(`${first} then ${second} 100 ms later: the in-flight request completes with 200 and the process exits 0`, { timeout: 40_000 }, async (t) => {
    const upstream = await startRawUpstream(t, byPath);
    const { gateway, google } = await serveOnSqlite(t, upstream);
    const client = await RawConnection.open(gateway.address);
    t.after(() => client.destroy());
    client.write(get(gateway, google.target('/slow/tile.png')));
    assert.ok(await upstream.waitForRequests(1, 5000), 'the slow request reached the upstream');
    gateway.signal(first);
    await sleep(100);
    gateway.signal(second);
    let status: number | string;
    try {
      status = (await client.final(5000)).response.status;
    } catch (error) {
      status = (error as Error).message;
    }
    const exit = await gateway.waitExit(8000);
    assert.equal(status, 200, `the slow request completes (stderr: ${gateway.stderr()})`);
    assert.deepEqual(exit, { code: 0, signal: null }, `exits 0, not killed by ${second}`);
  });
}

test('SIGHUP flushes the usage counts and exits 0', { timeout: 40_000 }, async (t) => {
  const upstream = await startRawUpstream(t, byPath);
  const { gateway, db, google } = await serveOnSqlite(t, upstream);
  for (let i = 0; i < 3; i += 1) {
    const answer = await exchange(gateway.address, get(gateway, google.target(`/tiles/${i}.png`)));
    assert.equal(typeof answer === 'string' ? answer : answer.status, 200);
  }
  await exchange(gateway.address, get(gateway, google.target('/tiles/x.png').replace('x.png', 'y.png')));
  // At once, before the once-a-second flush: only the SIGHUP path can write these.
  gateway.signal('SIGHUP');
  const exit = await gateway.waitExit(8000);
  assert.deepEqual(exit, { code: 0, signal: null }, `SIGHUP exits 0 (stderr: ${gateway.stderr()})`);
  assert.deepEqual(await outcomes(db, google.id), { SIGNATURE_MISMATCH: 1, ok: 3 });
});

test('--drain 1s: an upstream that never answers or stalls mid-body cannot hold the exit; cut-off requests are counted', { timeout: 40_000 }, async (t) => {
  const upstream = await startRawUpstream(t, byPath);
  const { gateway, db, google } = await serveOnSqlite(t, upstream, ['--drain', '1s', '--upstream-timeout', '60s']);
  const never = await RawConnection.open(gateway.address);
  const stall = await RawConnection.open(gateway.address);
  const leaving = await RawConnection.open(gateway.address);
  t.after(() => [never, stall, leaving].forEach((c) => c.destroy()));
  never.write(get(gateway, google.target('/never/tile.png')));
  stall.write(get(gateway, google.target('/stall/tile.png')));
  assert.ok(await upstream.waitForRequests(2, 5000), 'both reached the upstream');
  assert.ok(await stall.waitForBytes(20, 5000), 'the stalled response began');
  assert.ok(stall.received.toString('latin1').startsWith('HTTP/1.1 200'), `the stalled response's head came: ${JSON.stringify(stall.received.toString('latin1').slice(0, 40))}`);
  leaving.write(get(gateway, google.target('/never/left.png')));
  assert.ok(await upstream.waitForRequests(3, 5000), 'the third reached the upstream');
  leaving.destroy();
  await sleep(200);
  const started = performance.now();
  gateway.signal('SIGTERM');
  const exit = await gateway.waitExit(6000);
  const took = performance.now() - started;
  assert.deepEqual(exit, { code: 0, signal: null }, `exits 0 (stderr: ${gateway.stderr()})`);
  assert.ok(took < 3500, `exits within ~3 s of SIGTERM with --drain 1s (took ${Math.round(took)} ms)`);
  assert.deepEqual(await outcomes(db, google.id), { CLIENT_CLOSED: 1, SHUTDOWN: 1, ok: 1 });
});

/** The postmaster's pid and its children's, from `postmaster.pid` in the server's data directory. */
async function serverPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  let dataDir: string;
  try {
    dataDir = ((await client.query('SHOW data_directory')).rows[0] as { data_directory: string }).data_directory;
  } finally {
    await client.end();
  }
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  return [postmaster, ...children];
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}

test('a frozen PostgreSQL cannot hold the exit: --drain 2s exits 0 within ~4 s of SIGTERM', { timeout: 120_000, skip: process.env['MAPSIGN_TEST_PG_URL'] ? 'an external MAPSIGN_TEST_PG_URL server cannot be frozen by tests' : false }, async (t) => {
  const server = await startTestPostgres();
  t.after(() => server.cleanup());
  const url = await server.createDatabase();
  const upstream = await startRawUpstream(t, byPath);
  const google = await createGoogle(url);
  const gateway = await spawnServe(t, ['--upstream', upstream.url, '--port', '0', '--log', 'none', '--drain', '2s'], { MAPSIGN_DB: url });
  for (let i = 0; i < 3; i += 1) {
    const answer = await exchange(gateway.address, get(gateway, google.target(`/tiles/pg-${i}.png`)));
    assert.equal(typeof answer === 'string' ? answer : answer.status, 200);
  }
  const pids = await serverPids(url);
  // Frozen, not stopped: connections stay open and every query waits forever.
  signalAll(pids, 'SIGSTOP');
  try {
    // Answered from memory or not, it leaves a usage count for the shutdown to write to the frozen server.
    await exchange(gateway.address, get(gateway, google.target('/tiles/pg-frozen.png')), { timeoutMs: 2000 });
    const started = performance.now();
    gateway.signal('SIGTERM');
    const exit = await gateway.waitExit(8000);
    const took = performance.now() - started;
    assert.deepEqual(exit, { code: 0, signal: null }, `exits 0 (stderr: ${gateway.stderr()})`);
    assert.ok(took < 4500, `exits within ~4 s of SIGTERM (took ${Math.round(took)} ms)`);
  } finally {
    signalAll(pids, 'SIGCONT');
  }
});
