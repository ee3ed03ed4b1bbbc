/**
 * Starts real `mapsign serve` processes (the built CLI, `dist/cli/main.js`) for the
 * multi-gateway tests and the benchmark. The database URL and the admin token go in the
 * environment (`$MAPSIGN_DB`, `$MAPSIGN_ADMIN_TOKEN`), never argv, as the README advises; stderr
 * is kept for the assertions on what the gateway logged. Stopping sends SIGTERM (drain and usage
 * flush) and, if the process has not exited within 10 s, SIGKILL, so a test never hangs on a
 * child. Not a test file itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
