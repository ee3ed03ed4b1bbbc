/**
 * Starts real `mapsign serve` processes (the built CLI, `dist/cli/main.js`) for the
 * multi-gateway tests and the benchmark. The database URL and the admin token go in the
 * environment (`$MAPSIGN_DB`, `$MAPSIGN_ADMIN_TOKEN`), never argv, as the README advises; stderr
 * is kept for the assertions on what the gateway logged. Stopping sends SIGTERM (drain and usage
 * flush) and, if the process has not exited within 10 s, SIGKILL, so a test never hangs on a
 * child. {@link startGatewayPair} is the tests' common setup: two such gateways on one fresh
 * PostgreSQL database in front of one demo upstream. Not a test file itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDemoUpstream, type DemoUpstream } from '../../demo/upstream.js';
import type { MapsignStore } from '../../src/store/index.js';
import { openStore } from '../../src/store/open.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A running gateway process. */
export interface GatewayProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly address: string;
  /** The admin API's address, when started with a token; else `''`. */
  readonly admin: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `mapsign serve` on `db` in front of `upstream`; rejects if it is not listening within 30 s.
 *
 * @example const gateway = await startGatewayProcess('postgres://…', upstream.url, token)
 */
export function startGatewayProcess(db: string, upstream: string, adminToken?: string): Promise<GatewayProcess> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'npm run build' first (npm test does it).`);
  const args = [BIN, 'serve', '--upstream', upstream, '--port', '0', '--log', 'none', ...(adminToken === undefined ? [] : ['--admin-port', '0'])];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', MAPSIGN_DB: db, ...(adminToken === undefined ? {} : { MAPSIGN_ADMIN_TOKEN: adminToken }) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`gateway did not start within 30 s: ${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening: ${stderr}`));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const address = /listening on (http:\S+),/.exec(stderr)?.[1];
      const admin = /admin API on (http:\S+)/.exec(stderr)?.[1];
      if (address === undefined || (adminToken !== undefined && admin === undefined)) return;
      clearTimeout(timer);
      resolve({ address, admin: admin ?? '', stderr: () => stderr, stop });
    });
  });
}

/** Two gateways sharing one database, with what they run on. */
export interface GatewayPair {
  /** The throwaway PostgreSQL cluster (a test may stop and start it). */
  readonly server: TestPostgres;
  /** The database URL both gateways use. */
  readonly url: string;
  readonly a: GatewayProcess;
  readonly b: GatewayProcess;
  /** The test's own connection to the database. */
  readonly store: MapsignStore;
  /** Stops the gateways, the upstream and the cluster. */
  close(): Promise<void>;
}

/**
 * Starts a PostgreSQL cluster, a database, a demo upstream and two gateways with `adminToken`,
 * both at once (the migration race of a real rollout); on a failure, stops what had started.
 *
 * @example before(async () => ({ a, b, store } = pair = await startGatewayPair(TOKEN))); after(() => pair?.close())
 */
export async function startGatewayPair(adminToken: string): Promise<GatewayPair> {
  let server: TestPostgres | undefined;
  let upstream: DemoUpstream | undefined;
  let gateways: PromiseSettledResult<GatewayProcess>[] = [];
  let store: MapsignStore | undefined;
  const close = async (): Promise<void> => {
    await store?.close();
    await Promise.all(gateways.map((g) => (g.status === 'fulfilled' ? g.value.stop() : undefined)));
    await upstream?.close();
    await server?.cleanup();
  };
  try {
    server = await startTestPostgres();
    const url = await server.createDatabase();
    upstream = await startDemoUpstream(0);
    gateways = await Promise.allSettled([startGatewayProcess(url, upstream.url, adminToken), startGatewayProcess(url, upstream.url, adminToken)]);
    const [a, b] = gateways.map((g) => {
      if (g.status === 'rejected') throw g.reason;
      return g.value;
    }) as [GatewayProcess, GatewayProcess];
    store = await openStore(url);
    return { server, url, a, b, store, close };
  } catch (error) {
    await close();
    throw error;
  }
}
