/**
 * Runs a per-URL handler over the URLs of one invocation — the arguments, or else one URL per
 * line from `--input FILE` or stdin, streamed in constant memory (`line-stream.ts`) — writing
 * to stdout or `--output FILE`. Shared by `sign` and `verify`.
 *
 * A failed URL is reported by the handler (stderr, with its line number) and the run goes on,
 * unless `--strict` stops it at the first; the exit status is 1 when any URL failed.
 * {@link openCredentialBatch} prepares such a run with a credential, in the order that matters.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Credential } from '../core/index.js';
import type { CliIo, OptionValues } from './command.js';
import { credentialFrom, type CREDENTIAL_OPTIONS } from './credential-options.js';
import { maxLengthOption, type LENGTH_OPTIONS } from './length-option.js';
import { schemeOption } from './scheme-option.js';
import { streamLines } from './line-stream.js';
import { createProgress, type Progress } from './progress.js';
import { UsageError } from './usage-error.js';

/** Where the URLs come from and go to, and how failures and output lines are handled. */
export const URL_BATCH_OPTIONS = {
  input: {
    type: 'string',
    short: 'i',
    value: 'FILE',
    help: 'read URLs from FILE, one per line (default: stdin when no URL is given);\nwhitespace around a line is ignored, blank lines are skipped',
  },
  output: { type: 'string', short: 'o', value: 'FILE', help: 'write to FILE instead of stdout' },
  strict: { type: 'boolean', help: 'stop at the first URL that fails' },
  'keep-order': {
    type: 'boolean',
    help: 'one output line per input line: a failed, blank or over-long line leaves\nan empty line, so line N of the output belongs to line N of the input',
  },
  json: { type: 'boolean', help: 'one JSON object per URL, with its line number' },
} as const;

/** Bytes per read from --input (and a quarter of the --output buffer). */
const IO_CHUNK = 64 * 1024;

/** The longest input line read; longer lines are skipped as errors without being buffered. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Handles one URL: appends its output to `out` and returns true, or returns false when it
 * failed (after calling `report` for a failure that belongs on stderr).
 */
export type UrlHandler = (url: string, lineNumber: number, out: string[]) => boolean;

/** What a run needs besides the handler. */
export interface UrlBatch {
  /** The command name, for messages. */
  readonly command: string;
  readonly values: OptionValues<typeof URL_BATCH_OPTIONS>;
  readonly urls: readonly string[];
}

/** Where the URLs come from, checked before any secret is asked for. */
export interface UrlSource {
  readonly batch: UrlBatch;
  readonly input: FileHandle | undefined;
}

async function openFile(path: string, flags: 'r' | 'w', option: string): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'failed');
    throw new UsageError(`Cannot ${flags === 'r' ? 'read' : 'write'} ${option} ${JSON.stringify(path)} (${why}).`);
  }
}

/**
 * Checks where the URLs come from and opens `--input`; a {@link UsageError} when there are
 * none (stdin is a terminal and no URL was given) or two sources.
 */
export async function openUrlSource(batch: UrlBatch, io: Pick<CliIo, 'stdin'>): Promise<UrlSource> {
  const inputPath = batch.values.input;
  if (inputPath !== undefined && batch.urls.length > 0) throw new UsageError('Give URLs as arguments or with --input FILE, not both.');
  if (inputPath === undefined && batch.urls.length === 0 && io.stdin.isTTY === true) {
    throw new UsageError('No URL given: pass URLs as arguments, --input FILE, or pipe them on stdin, one per line.');
  }
  const input = inputPath === undefined ? undefined : await openFile(inputPath, 'r', '--input');
  const outputPath = batch.values.output;
  if (input !== undefined && outputPath !== undefined && (await isSameFile(input, outputPath))) {
    await input.close();
    throw new UsageError('--output is the --input file, which writing would empty before it is read; write to another file.');
  }
  return { batch, input };
}

/** What `sign` and `verify` need before the first URL. */
export interface CredentialBatch {
  readonly source: UrlSource;
  readonly credential: Credential;
  /** `--max-length`, for the core; `undefined` for its default. */
  readonly maxLength: number | undefined;
}

/**
 * Checks `--scheme`, opens the URL source, checks `--max-length`, then reads the secret and
 * parses the credential — in this order, so that a missing input file or a terminal without
 * URLs is reported before any secret is asked for.
 *
 * @example const { source, credential, maxLength } = await openCredentialBatch('verify', values, positionals, io)
 */
export async function openCredentialBatch(
  command: string,
  values: OptionValues<typeof CREDENTIAL_OPTIONS & typeof LENGTH_OPTIONS & typeof URL_BATCH_OPTIONS>,
  urls: readonly string[],
  io: CliIo,
): Promise<CredentialBatch> {
  const scheme = schemeOption(values.scheme, true);
  const source = await openUrlSource({ command, values, urls }, io);
  const maxLength = maxLengthOption(values['max-length']);
  const credential = await credentialFrom(values, scheme, io, { required: true });
  return { source, credential, maxLength };
}

async function isSameFile(input: FileHandle, path: string): Promise<boolean> {
  const [a, b] = await Promise.all([input.stat(), stat(path).catch(() => undefined)]);
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** Writes `line N: message` for a failed URL to stderr, erasing the progress line first. */
export type FailureReporter = (lineNumber: number, message: string) => void;

/**
 * Runs `handler` over every URL of `source`; resolves to the exit status (0, or 1 if any failed).
 * `makeHandler` receives the reporter that writes failures to stderr.
 */
export async function runUrlBatch(source: UrlSource, io: CliIo, makeHandler: (report: FailureReporter) => UrlHandler): Promise<number> {
  const { batch, input } = source;
  const outputPath = batch.values.output;
  const outputFile =
    outputPath === undefined
      ? undefined
      : await openFile(outputPath, 'w', '--output').catch(async (error: unknown) => {
          await input?.close();
          throw error;
        });
  // A buffer of a few chunks lets the next chunk be read and signed while the last is written.
  const output = outputFile === undefined ? io.stdout : outputFile.createWriteStream({ highWaterMark: IO_CHUNK * 4 });
  const fromArguments = input === undefined && batch.urls.length > 0;
  const where = fromArguments ? 'argument' : 'line';
  let progress: Progress = { update() {}, clear() {} };
  const report: FailureReporter = (lineNumber, message) => {
    progress.clear();
    io.stderr.write(`mapsign ${batch.command}: ${where} ${lineNumber}: ${message}\n`);
  };
  const handler = makeHandler(report);
  const strict = batch.values.strict === true;
  const keepOrder = batch.values['keep-order'] === true;
  let failures = 0;
  const counted: UrlHandler = (url, lineNumber, out) => {
    const before = out.length;
    if (handler(url, lineNumber, out)) return true;
    // A failure that wrote nothing (plain `sign`) still takes its line under --keep-order.
    if (keepOrder && out.length === before) out.push('\n');
    failures += 1;
    return !strict;
  };
  try {
    if (fromArguments) {
      const out: string[] = [];
      for (const [index, url] of batch.urls.entries()) if (!counted(url, index + 1, out)) break;
      output.write(out.join(''));
    } else {
      const size = input === undefined ? undefined : (await input.stat()).size;
      progress = createProgress(io, 'URLs', size);
      const stream = input === undefined ? io.stdin : input.createReadStream({ highWaterMark: IO_CHUNK, autoClose: false });
      const onOverlong = (lineNumber: number): boolean => {
        report(lineNumber, `longer than ${MAX_LINE_LENGTH} characters, skipped; put one URL per line.`);
        failures += 1;
        return !strict;
      };
      await streamLines(stream, output, counted, { maxLineLength: MAX_LINE_LENGTH, onOverlong, onProgress: (b, l) => progress.update(b, l), placeholder: keepOrder ? '\n' : undefined });
      progress.clear();
    }
  } finally {
    await input?.close();
    if (outputFile !== undefined) {
      output.end();
      await finished(output);
    }
  }
  return failures > 0 ? 1 : 0;
}
