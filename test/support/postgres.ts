/**
 * A real PostgreSQL server for tests. With `MAPSIGN_TEST_PG_URL` set (a superuser URL), tests
 * use that server; otherwise a throwaway cluster is made in a temp dir — `initdb` as user
 * `postgres` when running as root, since PostgreSQL refuses to run as root — and started on a
 * free loopback port with its socket in the same dir. Each suite gets its own database, so
 * test files never see each other's rows. Not a test file itself.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A PostgreSQL server under test control. */
export interface TestPostgres {
  /** A fresh, empty database on the server; dropped by {@link TestPostgres.cleanup}. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut), as an outage would. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Drops the databases made here and, for a throwaway cluster, stops and deletes it. */
  cleanup(): Promise<void>;
}

/** The directory holding `initdb` and `pg_ctl`: on PATH, else Debian's versioned directory. */
function binDir(): string {
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim() !== '') return join(which.stdout.trim(), '..');
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions[0] === undefined) throw new Error('PostgreSQL is not installed: run `apt-get install -y postgresql` (.ci/run does), or set MAPSIGN_TEST_PG_URL.');
  return join(base, versions[0], 'bin');
}

/** A free loopback TCP port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a PostgreSQL binary, as `postgres` when we are root. */
async function pgRun(bin: string, args: readonly string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
  await run(command, argv, { timeout: 60_000 });
}

/** Creates and drops databases through a superuser URL. */
function databases(adminUrl: string): Pick<TestPostgres, 'createDatabase'> & { dropAll(): Promise<void> } {
  const made: string[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    async createDatabase() {
      const name = `mapsign_test_${process.pid}_${made.length}_${Math.random().toString(36).slice(2, 8)}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.href;
    },
    async dropAll() {
      await admin(async (client) => {
        for (const name of made.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

/**
 * The server for this test file: `MAPSIGN_TEST_PG_URL`, or a throwaway cluster.
 *
 * @example const server = await startTestPostgres(); after(() => server.cleanup()); const url = await server.createDatabase()
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env['MAPSIGN_TEST_PG_URL'];
  if (external !== undefined && external !== '') {
    const dbs = databases(external);
    const refuse = async (): Promise<void> => {
      throw new Error('An external MAPSIGN_TEST_PG_URL server cannot be stopped by tests.');
    };
    return { createDatabase: dbs.createDatabase, stop: refuse, start: refuse, cleanup: () => dbs.dropAll() };
  }
  const bin = binDir();
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout));
  const data = join(dir, 'data');
  const port = await freePort();
  await pgRun(join(bin, 'initdb'), ['-D', data, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync']);
  // fsync off: a test cluster need not survive a power cut, and it keeps 2-core CI fast.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=100`;
  const start = (): Promise<void> => pgRun(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  const stop = (): Promise<void> => pgRun(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  await start();
  const dbs = databases(`postgres://postgres@127.0.0.1:${port}/postgres`);
  let running = true;
  return {
    createDatabase: dbs.createDatabase,
    async stop() {
      await stop();
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async cleanup() {
      try {
        if (running) await stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
