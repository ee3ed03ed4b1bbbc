/**
 * Starts gateway processes for the multi-gateway tests and the benchmark: each is
 * `gateway-process.ts` under tsx, configured by environment, with its stderr kept for the
 * assertions on what it logged. Stopping sends SIGTERM (drain and usage flush) and, if the
 * process has not exited within 10 s, SIGKILL, so a test never hangs on a child. Not a test file.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));

/** A running gateway process. */
export interface GatewayProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly address: string;
  /** The admin API's address, when started with a token. */
  readonly admin: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts one gateway on `db` in front of `upstream`; rejects if it is not listening within 30 s.
 *
 * @example const gateway = await startGatewayProcess('postgres://…', upstream.url, token)
 */
export function startGatewayProcess(db: string, upstream: string, adminToken?: string): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', MAPSIGN_DB: db, MAPSIGN_UPSTREAM: upstream, ...(adminToken === undefined ? {} : { MAPSIGN_ADMIN_TOKEN: adminToken }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
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
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n', 2);
      if (line.length < 2) return;
      clearTimeout(timer);
      const started = JSON.parse(line[0]!) as { address: string; admin: string | null };
      resolve({ address: started.address, admin: started.admin ?? '', stderr: () => stderr, stop });
    });
  });
}
