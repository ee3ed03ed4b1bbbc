/**
 * Streaming `sign` and `verify` over stdin and files through the real binary: order, bad lines
 * reported with their numbers, `--strict`, `--json`, CRLF and blank lines, over-long lines,
 * and a million URLs in bounded memory.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GOOGLE_SECRET, GOOGLE_SIGNED, GOOGLE_URL, PEAK_RSS_PROBE, peakRssMb, runCli, tempDir } from './helpers.js';

const dir = tempDir('mapsign-cli-stream-');

const SIGN = ['sign', '--scheme', 'google'];
const FRAGMENT = 'https://maps.googleapis.com/maps/api/geocode/json?address=x&client=clientID#top';
const urlNumber = (i: number): string => `https://maps.googleapis.com/maps/api/geocode/json?address=${i}+Main+St&client=clientID`;

describe('streaming', () => {
  it('signs stdin line by line, reports bad lines with their numbers, goes on, and exits 1', async () => {
    const input = [GOOGLE_URL, FRAGMENT, '', urlNumber(4), 'not a url', urlNumber(6)].join('\n');
    const result = await runCli(SIGN, { secret: GOOGLE_SECRET, input });
    assert.equal(result.status, 1);
    const signed = result.stdout.trimEnd().split('\n');
    assert.deepEqual(signed.map((l) => l.split('&signature=')[0]), [GOOGLE_URL, urlNumber(4), urlNumber(6)]);
    assert.equal(signed[0], GOOGLE_SIGNED);
    assert.deepEqual(result.stderr.trimEnd().split('\n').map((l) => l.split(': ').slice(0, 3).join(': ')), [
      'mapsign sign: line 2: FRAGMENT_NOT_ALLOWED',
      'mapsign sign: line 5: INVALID_URL',
    ]);
  });

  it('exits 0 when every line signs; CRLF, blank lines, whitespace around a URL and a missing final newline are fine', async () => {
    const result = await runCli(SIGN, { secret: GOOGLE_SECRET, input: `\r\n${GOOGLE_URL}\r\n\n  \n\t${GOOGLE_URL} \r\n${GOOGLE_URL}` });
    assert.deepEqual(result, { status: 0, stdout: `${GOOGLE_SIGNED}\n${GOOGLE_SIGNED}\n${GOOGLE_SIGNED}\n`, stderr: '' });
  });

  it('refuses --output naming the --input file, leaving it intact', async () => {
    const file = join(dir, 'same.txt');
    writeFileSync(file, `${GOOGLE_URL}\n`);
    const result = await runCli([...SIGN, '-i', file, '-o', join(dir, '.', 'same.txt')], { secret: GOOGLE_SECRET });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^mapsign sign: --output is the --input file/);
    assert.equal(readFileSync(file, 'utf8'), `${GOOGLE_URL}\n`);
  });

  it('--strict stops at the first bad line', async () => {
    const result = await runCli([...SIGN, '--strict'], { secret: GOOGLE_SECRET, input: [GOOGLE_URL, FRAGMENT, GOOGLE_URL].join('\n') });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, `${GOOGLE_SIGNED}\n`);
    assert.match(result.stderr, /^mapsign sign: line 2: FRAGMENT_NOT_ALLOWED: [^\n]+\n$/);
  });

  it('--json prints one object per line, failures included with their code', async () => {
    const result = await runCli([...SIGN, '--json'], { secret: GOOGLE_SECRET, input: `${GOOGLE_URL}\n${FRAGMENT}\n` });
    assert.equal(result.status, 1);
    const objects = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(objects[0], { line: 1, url: GOOGLE_SIGNED });
    assert.deepEqual(Object.keys(objects[1]!), ['line', 'error']);
    assert.equal(objects[1]!.line, 2);
    assert.equal((objects[1]!.error as { code: string }).code, 'FRAGMENT_NOT_ALLOWED');
  });

  it('skips an over-long line without buffering it and reports its number', async () => {
    const long = `https://maps.googleapis.com/x?client=clientID&q=${'a'.repeat(200_000)}`;
    const result = await runCli(SIGN, { secret: GOOGLE_SECRET, input: `${GOOGLE_URL}\n${long}\n${GOOGLE_URL}\n${long}` });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, `${GOOGLE_SIGNED}\n${GOOGLE_SIGNED}\n`);
    assert.equal(
      result.stderr,
      'mapsign sign: line 2: longer than 65536 characters, skipped; put one URL per line.\nmapsign sign: line 4: longer than 65536 characters, skipped; put one URL per line.\n',
    );
  });

  it('keeps multi-byte characters split across read chunks intact', async () => {
    // 'é' is two bytes; 70,000 of them cross several 64 KiB chunk boundaries. The line is too
    // long for the limit, so the next line (also non-ASCII) shows whether decoding stayed aligned.
    const input = `${'é'.repeat(70_000)}\n${GOOGLE_URL.replace('New+York', 'Zürich')}\n`;
    const result = await runCli(SIGN, { secret: GOOGLE_SECRET, input });
    assert.equal(result.stdout.split('&signature=')[0], GOOGLE_URL.replace('New+York', 'Z%C3%BCrich'));
  });

  it('reads --input and writes --output; a missing input file is a usage error', async () => {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    writeFileSync(input, `${GOOGLE_URL}\n${GOOGLE_URL}\n`);
    const result = await runCli([...SIGN, '--input', input, '--output', output], { secret: GOOGLE_SECRET });
    assert.deepEqual(result, { status: 0, stdout: '', stderr: '' });
    assert.equal(readFileSync(output, 'utf8'), `${GOOGLE_SIGNED}\n${GOOGLE_SIGNED}\n`);
    const missing = await runCli([...SIGN, '--input', join(dir, 'nope.txt')], { secret: GOOGLE_SECRET });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^mapsign sign: Cannot read --input ".*nope\.txt" \(no such file or directory\)\.\n/);
  });

  it('signs 1,000,000 URLs file to file with peak RSS under 100 MB, then verifies them all', async () => {
    const input = join(dir, 'million.txt');
    const signed = join(dir, 'million-signed.txt');
    const file = createWriteStream(input);
    for (let i = 0; i < 1_000_000; i += 10_000) {
      const block = Array.from({ length: 10_000 }, (_, j) => urlNumber(i + j)).join('\n');
      if (!file.write(`${block}\n`)) await once(file, 'drain');
    }
    file.end();
    await once(file, 'close');
    const signing = await runCli([...SIGN, '-i', input, '-o', signed], { secret: GOOGLE_SECRET, nodeArgs: [PEAK_RSS_PROBE], timeoutMs: 120_000 });
    assert.equal(signing.status, 0, signing.stderr);
    assert.ok(peakRssMb(signing.stderr) < 100, `peak RSS ${peakRssMb(signing.stderr)} MB`);
    const verifying = await runCli(['verify', '--scheme', 'google', '-i', signed, '-o', '/dev/null'], { secret: GOOGLE_SECRET, nodeArgs: [PEAK_RSS_PROBE], timeoutMs: 120_000 });
    assert.equal(verifying.status, 0, verifying.stderr);
    assert.ok(peakRssMb(verifying.stderr) < 100, `peak RSS ${peakRssMb(verifying.stderr)} MB`);
    let lines = 0;
    let last = '';
    for await (const chunk of createReadStream(signed, 'utf8')) {
      lines += (chunk as string).split('\n').length - 1;
      last = (chunk as string).trimEnd().split('\n').at(-1) ?? last;
    }
    assert.equal(lines, 1_000_000);
    assert.match(last, new RegExp(`^${urlNumber(999_999).replace(/[?+.]/g, '\\$&')}&signature=[\\w-]{27}=$`));
  });
});
