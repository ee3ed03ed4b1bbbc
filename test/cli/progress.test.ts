/**
 * The progress line of a streaming run: drawn on stderr when it is a terminal, once the run
 * has lasted a second, and erased at the end; never written into a pipe.
 *
 * The input is a FIFO fed by the test until the progress line shows, so the run lasts as long
 * as the test needs whatever the machine's speed (no timing assumption).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GOOGLE_SECRET, GOOGLE_SIGNED, GOOGLE_URL, runCli, runInTerminal, tempDir } from './helpers.js';

const dir = tempDir('mapsign-cli-progress-');

const BLOCK = `${GOOGLE_URL}\n`.repeat(1000);

/** Writes blocks of URLs into `fifo` every 100 ms until `done()` or `limit` blocks; returns the count. */
async function feed(fifo: string, done: () => boolean, limit: number): Promise<number> {
  const stream = createWriteStream(fifo);
  let blocks = 0;
  for (; !done() && blocks < limit; blocks += 1) {
    stream.write(BLOCK);
    await sleep(100);
  }
  stream.end();
  return blocks;
}

function makeFifo(name: string): string {
  const fifo = join(dir, name);
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

describe('progress line', () => {
  it('appears on a terminal during a long run and is erased at the end', async () => {
    const fifo = makeFifo('terminal.fifo');
    const output = join(dir, 'signed.txt');
    let shown = false;
    const run = runInTerminal(['sign', '--scheme', 'google', '--input', fifo, '--output', output], {
      secret: GOOGLE_SECRET,
      onOutput: (text) => (shown ||= /\r\x1b\[K[\d,]+ URLs {2}[\d,]+\/s/.test(text)),
    });
    // Bounded: 60 s of feeding at most, far beyond the one second the line waits for.
    const blocks = await feed(fifo, () => shown, 600);
    const result = await run;
    assert.ok(shown, 'no progress line was drawn');
    assert.equal(result.status, 0);
    assert.ok(result.stdout.endsWith('\r\x1b[K'), `the progress line should be erased last: ${JSON.stringify(result.stdout.slice(-80))}`);
    const lines = readFileSync(output, 'utf8').split('\n');
    assert.equal(lines.length - 1, blocks * 1000);
    assert.equal(lines[0], GOOGLE_SIGNED);
  });

  it('never appears when stderr is a pipe, however long the run', async () => {
    const fifo = makeFifo('pipe.fifo');
    const run = runCli(['sign', '--scheme', 'google', '--input', fifo], { secret: GOOGLE_SECRET });
    // The run cannot end before the FIFO is closed: 2.5 s, past the second the line waits for.
    await feed(fifo, () => false, 25);
    const result = await run;
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout.split('\n').length - 1, 25_000);
  });
});
