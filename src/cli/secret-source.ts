/**
 * Where a command gets its secret, in order: `--secret-file PATH`, the `MAPSIGN_SECRET`
 * environment variable, then a hidden prompt when stdin is a terminal. A secret is never read
 * from the arguments (`args.ts` refuses `--secret`), and never appears in any message here:
 * file errors name the path, not the content.
 *
 * A command that needs a credential spreads {@link SECRET_OPTIONS} into its options and calls
 * {@link readSecret}.
 */
import { readFile } from 'node:fs/promises';
import type { CliIo } from './command.js';
import { canPrompt, promptHidden } from './prompt.js';
import { SECRET_SOURCES_HINT } from './args.js';
import { UsageError } from './usage-error.js';

/** The options that choose a secret source. */
export const SECRET_OPTIONS = {
  'secret-file': { type: 'string', value: 'PATH', help: 'read the secret from a file (first line); default: $MAPSIGN_SECRET' },
  'ask-secret': { type: 'boolean', help: 'ask for the secret on the terminal even when none is required' },
} as const;

/** How to look for a secret. */
export interface SecretRequest {
  /** `--secret-file` value. */
  readonly file: string | undefined;
  /** What the prompt asks for, e.g. `Google signing secret`. */
  readonly label: string;
  /** `auto`: prompt only if no other source and stdin is a terminal; `always`: `--ask-secret`; `never`. */
  readonly prompt: 'auto' | 'always' | 'never';
}

async function readSecretFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new UsageError(`Cannot read --secret-file ${JSON.stringify(path)} (${why}); give the path of a file that holds only the secret.`);
  }
  // The first line only: editors add a final newline, and nothing else belongs in the file.
  const first = text.split(/\r?\n/, 1)[0]!.trim();
  if (first === '') throw new UsageError(`--secret-file ${JSON.stringify(path)} is empty; put the secret on its first line.`);
  return first;
}

/**
 * The secret text from the first source that has one; `undefined` when there is none.
 *
 * @example
 * const text = await readSecret(io, { file: values['secret-file'], label: 'Google signing secret', prompt: 'auto' })
 * if (text === undefined) throw new UsageError(missingSecretMessage())
 */
export async function readSecret(io: Pick<CliIo, 'stdin' | 'stderr' | 'env'>, request: SecretRequest): Promise<string | undefined> {
  if (request.file !== undefined) return readSecretFile(request.file);
  if (request.prompt === 'always') {
    if (!canPrompt(io)) throw new UsageError('--ask-secret needs a terminal on stdin; use MAPSIGN_SECRET or --secret-file PATH instead.');
    return ask(io, request.label);
  }
  const fromEnv = io.env.MAPSIGN_SECRET;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  return request.prompt === 'auto' && canPrompt(io) ? ask(io, request.label) : undefined;
}

async function ask(io: Pick<CliIo, 'stdin' | 'stderr'>, label: string): Promise<string> {
  const text = await promptHidden(io, `${label} (input hidden): `);
  if (text.trim() === '') throw new UsageError('No secret was entered.');
  return text;
}

/** The usage message for a command that needs a secret and found none. */
export function missingSecretMessage(): string {
  return `No secret given: ${SECRET_SOURCES_HINT} (stdin must then be a terminal).`;
}
