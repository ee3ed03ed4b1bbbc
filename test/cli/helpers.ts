/**
 * Runs the real built `mapsign` binary (`dist/cli/main.js`) as a child process, with a clean
 * environment, bounded time, and a check that no secret given to it ever comes back out.
 * `runInTerminal` runs it under a pseudo-terminal (util-linux `script`) for the prompt and
 * colour tests; `modulesLoaded` lists what a run loaded. Also the credentials and temporary
 * directory the CLI tests share. Not a test file itself (no `.test.ts`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The built binary. */
export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

if (!existsSync(BIN)) {
  throw new Error(`${BIN} is missing: run 'npm run build' first (npm test does it), then run the CLI tests.`);
}

/** Google's published URL signing example: its test secret, URL and signed URL; valid nowhere. */
export const GOOGLE_SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
export const GOOGLE_URL = 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID';
export const GOOGLE_SIGNED = `${GOOGLE_URL}&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=`;

/** A MapTiler token `KEY_SECRET` made up for the tests. */
export const MAPTILER_TOKEN = '0123456789abcdef01234567_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
/** MapTiler's style URL signed with {@link MAPTILER_TOKEN}: HMAC-SHA256 over the whole URL, computed with python3's hmac. */
export const MAPTILER_SIGNED = 'https://api.maptiler.com/maps/streets/style.json?key=0123456789abcdef01234567&signature=8wFGGKyEEeUHptMLlmRJfBIvvjXr7UhNtwVdyq0WG-M=';

/**
 * A new temporary directory, removed with everything in it when the test file ends.
 *
 * @example const dir = tempDir('mapsign-cli-sign-')
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What a run printed and how it ended. */
export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for a run. */
export interface RunOptions {
  /** Put into MAPSIGN_SECRET, and asserted never to appear in stdout or stderr. */
  readonly secret?: string;
  /** More text that must never appear in stdout or stderr (secret files, prompt answers). */
  readonly forbidden?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Node options before the script, e.g. `--import` a probe. */
  readonly nodeArgs?: readonly string[];
}

/** A Node option that prints `peak-rss-kb=N` on stderr as the process exits. */
export const PEAK_RSS_PROBE = `--import=data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kb='+process.resourceUsage().maxRSS+'\\n'))`;

/** The peak RSS in MB reported by {@link PEAK_RSS_PROBE}. */
export function peakRssMb(stderr: string): number {
  const match = /peak-rss-kb=(\d+)/.exec(stderr);
  assert.ok(match, `no peak RSS in ${JSON.stringify(stderr.slice(-200))}`);
  return Number(match[1]) / 1024;
}

function baseEnv(options: RunOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ...(options.secret === undefined ? {} : { MAPSIGN_SECRET: options.secret }),
    ...options.env,
  };
}

/** Fails when any secret of `options` appears in what the run printed. */
export function assertNoSecret(result: RunResult, options: RunOptions): void {
  for (const secret of [options.secret, ...(options.forbidden ?? [])]) {
    if (secret === undefined || secret === '') continue;
    assert.ok(!result.stdout.includes(secret), `a secret appeared on stdout: ${JSON.stringify(result.stdout.slice(0, 300))}`);
    assert.ok(!result.stderr.includes(secret), `a secret appeared on stderr: ${JSON.stringify(result.stderr.slice(0, 300))}`);
  }
}

function collect(args: readonly string[], command: string, options: RunOptions, onStdout?: (text: string, write: (s: string) => void) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: baseEnv(options), stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, (text) => child.stdin.write(text));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => {}); // the child may exit before reading all its input
    child.on('error', reject);
    child.on('close', (status) => {
      const result = { status, stdout, stderr };
      try {
        assertNoSecret(result, options);
        resolve(result);
      } catch (error) {
        reject(error);
      }
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else if (onStdout === undefined) child.stdin.end();
  });
}

/**
 * Runs `mapsign ARGS` with stdin from `options.input` (empty otherwise).
 *
 * @example const { status, stdout } = await runCli(['sign', '--scheme', 'google', GOOGLE_URL], { secret: GOOGLE_SECRET })
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return collect([...(options.nodeArgs ?? []), BIN, ...args], process.execPath, options);
}

/** Options for {@link runInTerminal}. */
export interface TerminalOptions extends RunOptions {
  /** Typed, followed by Enter, once the secret prompt has appeared. */
  readonly answer?: string;
  /** Called with everything the terminal showed so far, after each new piece of output. */
  readonly onOutput?: (text: string) => void;
}

const shellQuote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `mapsign ARGS` on a pseudo-terminal (stdin, stdout and stderr are all the terminal, so
 * their output arrives together on stdout with CRLF line ends).
 */
export function runInTerminal(args: readonly string[], options: TerminalOptions = {}): Promise<RunResult> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  let answered = false;
  const answer = options.answer;
  return collect(['-qec', command, '/dev/null'], 'script', { ...options, env: { TERM: 'xterm', ...options.env } }, (text, write) => {
    options.onOutput?.(text);
    if (answer !== undefined && !answered && text.includes('(input hidden): ')) {
      answered = true;
      write(`${answer}\r`);
    }
  });
}

const LOAD_RECORDER = new URL('./load-recorder.mjs', import.meta.url).href;

/**
 * Runs `mapsign ARGS` under `load-recorder.mjs` and returns what it loaded: the URL of every
 * ES module resolved (`node:` built-ins included) and the path of every CommonJS module
 * required, each once.
 *
 * @example assert.ok((await modulesLoaded(['sign', '--help'])).some((url) => url.endsWith('/dist/cli/commands/sign.js')))
 */
export async function modulesLoaded(args: readonly string[]): Promise<string[]> {
  const log = join(tempDir('mapsign-cli-loads-'), 'loaded.txt');
  const result = await runCli(args, { env: { MAPSIGN_LOAD_LOG: log }, nodeArgs: [`--import=${LOAD_RECORDER}`] });
  assert.equal(result.status, 0, result.stderr);
  return [...new Set(readFileSync(log, 'utf8').split('\n').filter((line) => line !== ''))];
}
