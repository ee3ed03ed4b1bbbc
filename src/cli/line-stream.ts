/**
 * Streams a text input line by line in constant memory, for `sign` and `verify` over files of
 * millions of URLs. The input is read in chunks; each chunk's lines are handled synchronously
 * and their output is joined and written once per chunk, waiting for `drain` when the output
 * is slower than the input (backpressure), so memory holds about one chunk in and one out.
 *
 * Lines end with `\n` or `\r\n`; whitespace around a line is ignored and blank lines are
 * skipped (they keep their number). A line longer than `maxLineLength` is not buffered: it is
 * reported through `onOverlong` and skipped.
 */
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';

/** Handles one line, appending output text to `out`; returns false to stop the run. */
export type LineHandler = (line: string, lineNumber: number, out: string[]) => boolean;

/** Options for {@link streamLines}. */
export interface StreamLinesOptions {
  /** Longest line kept; longer lines are reported and skipped. */
  readonly maxLineLength: number;
  /** Called for a skipped over-long line; returns false to stop the run. */
  readonly onOverlong: (lineNumber: number) => boolean;
  /** Called after each chunk with the bytes read and lines seen so far. */
  readonly onProgress?: ((bytes: number, lines: number) => void) | undefined;
  /** Written for a blank or over-long line (`'\n'` keeps output lines aligned with input lines); nothing by default. */
  readonly placeholder?: string | undefined;
}

/** How a run ended. */
export interface StreamSummary {
  readonly lines: number;
  /** True when a handler asked to stop before the end of the input. */
  readonly stopped: boolean;
}

/**
 * Writes `text` to `output`, resolving once the stream can take more.
 *
 * @example await writeRespectingBackpressure(process.stdout, batch.join(''))
 */
export async function writeRespectingBackpressure(output: NodeJS.WritableStream, text: string): Promise<void> {
  if (text !== '' && !output.write(text)) await once(output as NodeJS.EventEmitter, 'drain');
}

/**
 * Runs `handle` on every non-blank line of `input`, writing what it returns to `output`.
 *
 * @example await streamLines(createReadStream(path), process.stdout, (line, n, out) => (out.push(sign(line), '\n'), true), options)
 */
export async function streamLines(input: AsyncIterable<Buffer | string>, output: NodeJS.WritableStream, handle: LineHandler, options: StreamLinesOptions): Promise<StreamSummary> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  // True while discarding the rest of an over-long line, up to its newline.
  let skipping = false;
  let lineNumber = 0;
  let bytes = 0;
  const out: string[] = [];

  const take = (line: string): boolean => {
    lineNumber += 1;
    // Whitespace around a URL in text is not part of it (RFC 3986, appendix C); checking the
    // end characters first keeps trim() off the hot path, as URLs rarely have any.
    const text = line !== '' && (line.charCodeAt(0) <= 32 || line.charCodeAt(line.length - 1) <= 32) ? line.trim() : line;
    if (text !== '') return handle(text, lineNumber, out);
    if (options.placeholder !== undefined) out.push(options.placeholder);
    return true;
  };
  const overlong = (): boolean => {
    lineNumber += 1;
    if (options.placeholder !== undefined) out.push(options.placeholder);
    return options.onOverlong(lineNumber);
  };
  const flush = async (): Promise<void> => {
    await writeRespectingBackpressure(output, out.join(''));
    out.length = 0;
  };

  for await (const chunk of input) {
    bytes += chunk.length;
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      let keepGoing: boolean;
      if (skipping) {
        skipping = false;
        keepGoing = overlong();
      } else {
        keepGoing = take(carry + text.slice(start, end));
      }
      carry = '';
      start = end + 1;
      if (!keepGoing) {
        await flush();
        return { lines: lineNumber, stopped: true };
      }
    }
    if (!skipping) carry += text.slice(start);
    if (carry.length > options.maxLineLength) {
      carry = '';
      skipping = true;
    }
    await flush();
    options.onProgress?.(bytes, lineNumber);
  }
  let stopped = false;
  if (skipping) {
    stopped = !overlong();
  } else {
    const rest = carry + decoder.end();
    if (rest !== '') stopped = !take(rest);
  }
  await flush();
  return { lines: lineNumber, stopped };
}
