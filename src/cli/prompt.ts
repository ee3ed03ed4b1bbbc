/**
 * A hidden prompt on the terminal, for secrets: the typed characters are not echoed (raw mode)
 * and the prompt is written to stderr so that stdout stays clean for the command's output.
 * Handles Enter, Backspace, Ctrl-U (erase) and Ctrl-C / Ctrl-D (cancel).
 */
import type { CliIo } from './command.js';
import { UsageError } from './usage-error.js';

interface RawModeInput {
  setRawMode(mode: boolean): unknown;
}

function canGoRaw(stdin: unknown): stdin is RawModeInput {
  return typeof (stdin as Partial<RawModeInput>).setRawMode === 'function';
}

/** True when `io.stdin` is a terminal a hidden prompt can read from. */
export function canPrompt(io: Pick<CliIo, 'stdin'>): boolean {
  return io.stdin.isTTY === true && canGoRaw(io.stdin);
}

/**
 * Asks `question` on stderr and reads one line from the terminal without echoing it.
 * Rejects with a {@link UsageError} when the user cancels.
 *
 * @example const secret = await promptHidden(io, 'Google signing secret: ')
 */
export function promptHidden(io: Pick<CliIo, 'stdin' | 'stderr'>, question: string): Promise<string> {
  const { stdin, stderr } = io;
  if (!canGoRaw(stdin)) return Promise.reject(new UsageError('Cannot ask for the secret: stdin is not a terminal.'));
  // Raw mode first: anything typed once the question shows must already be unechoed.
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (outcome: () => void): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string | Buffer): void => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n') return finish(() => resolve(text));
        if (char === '\u0003' || char === '\u0004') return finish(() => reject(new UsageError('Cancelled: no secret was entered.')));
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else if (char === '\u0015') text = '';
        else if (char >= ' ') text += char;
      }
    };
    stdin.on('data', onData);
  });
}
