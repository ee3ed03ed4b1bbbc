/**
 * A progress line on stderr for long streaming runs: shown only when stderr is a terminal
 * (never in pipes or logs), only once a run has lasted a second, redrawn at most five times a
 * second, and erased at the end so that the terminal keeps only real output.
 */
import type { CliIo } from './command.js';

const SHOW_AFTER_MS = 1000;
const REDRAW_EVERY_MS = 200;
const BAR_WIDTH = 24;

/** Reports progress; every method is a no-op when stderr is not a terminal. */
export interface Progress {
  /** Records bytes read and lines handled so far. */
  update(bytes: number, lines: number): void;
  /** Erases the progress line, e.g. before writing an error message or at the end. */
  clear(): void;
}

const silent: Progress = { update() {}, clear() {} };

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A progress line for `label` (`URLs`); `totalBytes` draws a bar when the input size is known.
 *
 * @example const progress = createProgress(io, 'URLs', stat.size); progress.update(bytes, lines)
 */
export function createProgress(io: Pick<CliIo, 'stderr' | 'env'>, label: string, totalBytes: number | undefined): Progress {
  if (io.stderr.isTTY !== true || io.env.TERM === 'dumb') return silent;
  const started = Date.now();
  let lastDraw = 0;
  let shown = false;
  return {
    update(bytes, lines) {
      const now = Date.now();
      if (now - started < SHOW_AFTER_MS || now - lastDraw < REDRAW_EVERY_MS) return;
      lastDraw = now;
      shown = true;
      const rate = Math.round((lines * 1000) / (now - started));
      let bar = '';
      if (totalBytes !== undefined && totalBytes > 0) {
        const ratio = Math.min(1, bytes / totalBytes);
        const filled = Math.round(ratio * BAR_WIDTH);
        bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  `;
      }
      io.stderr.write(`\r\x1b[K${bar}${count(lines)} ${label}  ${count(rate)}/s`);
    },
    clear() {
      if (!shown) return;
      io.stderr.write('\r\x1b[K');
      shown = false;
      lastDraw = 0;
    },
  };
}
