/**
 * A real `mapsign serve` process (the built CLI, `dist/cli/main.js`) for the shutdown tests,
 * with any arguments: its address from the `listening on http://…,` line on stderr, what it
 * wrote on stdout (the access log), its exit code and signal, and a bounded wait for it to exit. A process still running when its test
 * ends is SIGKILLed, so no test leaves a gateway behind. Not a test file itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running `mapsign serve`. */
export interface ServeProcess {
  readonly address: string;
  readonly pid: number;
  stderr(): string;
  /** Everything written on stdout so far: one JSON line per request. */
  stdout(): string;
  signal(name: NodeJS.Signals): void;
  /** How it exited, or `'timeout'` when still running after `ms`. */
  waitExit(ms: number): Promise<Exit | 'timeout'>;
}

/**
 * Starts `mapsign serve ARGS` and resolves once it listens (rejects after 30 s or on an early exit).
 *
 * @example const gw = await spawnServe(t, ['--upstream', url, '--port', '0', '--db', db, '--drain', '1s'])
 */
export function spawnServe(t: TestContext, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ServeProcess> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'npm run build' first (npm test does it).`);
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  t.after(() => {
    if (exit === undefined) child.kill('SIGKILL');
  });
  const waitExit = async (ms: number): Promise<Exit | 'timeout'> => {
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
    clearTimeout(timer);
    return result;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mapsign serve did not start within 30 s: ${stderr}`));
    }, 30_000);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`mapsign serve exited (${how.code ?? how.signal}) before listening: ${stderr}`));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const address = /listening on (http:\S+),/.exec(stderr)?.[1];
      if (address === undefined) return;
      clearTimeout(timer);
      resolve({ address, pid: child.pid!, stderr: () => stderr, stdout: () => Buffer.concat(out).toString(), signal: (name) => void child.kill(name), waitExit });
    });
  });
}
