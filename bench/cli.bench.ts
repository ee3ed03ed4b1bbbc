/**
 * CLI benchmark: `mapsign sign` over 1,000,000 URLs from a file to a file, as a child process
 * of the built binary, reported as URLs per second, as a ratio to the library's own
 * single-thread signing rate (`createSigner` from the built package, measured in this run on
 * the same URLs and credential), and with the CLI's peak RSS. Targets (issue 3): ratio ≥ 0.7,
 * peak RSS < 100 MB. Medians of a few runs, library and CLI interleaved, because machines here
 * are noisy. Run: `npm run bench` (`BENCH_CLI_URLS`, `BENCH_CLI_RUNS` to change).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigner } from '../dist/index.js';

const URLS = Number(process.env['BENCH_CLI_URLS'] ?? 1_000_000);
const RUNS = Number(process.env['BENCH_CLI_RUNS'] ?? 3);
const LIBRARY_SAMPLE = Math.min(URLS, 200_000);
const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const CLIENT = 'gme-bench';
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const PEAK_RSS_PROBE = `--import=data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kb='+process.resourceUsage().maxRSS+'\\n'))`;

const url = (i: number): string => `https://maps.googleapis.com/maps/api/geocode/json?address=${i}+Main+St,+Springfield&language=en`;

async function writeInput(path: string): Promise<void> {
  const file = createWriteStream(path);
  for (let i = 0; i < URLS; i += 10_000) {
    const block = Array.from({ length: Math.min(10_000, URLS - i) }, (_, j) => url(i + j)).join('\n');
    if (!file.write(`${block}\n`)) await once(file, 'drain');
  }
  file.end();
  await once(file, 'close');
}

/** URLs per second of the library in this process, signing `LIBRARY_SAMPLE` distinct URLs. */
function libraryRate(urls: readonly string[]): number {
  const sign = createSigner({ scheme: 'google', client: CLIENT, secret: SECRET });
  let sink = 0;
  const start = process.hrtime.bigint();
  for (const u of urls) sink += sign(u).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === 0) throw new Error('nothing signed');
  return urls.length / seconds;
}

/** URLs per second of the CLI, file to file, wall time from spawn to exit; and its peak RSS in MB. */
async function cliRun(input: string, output: string): Promise<{ rate: number; peakMb: number }> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [PEAK_RSS_PROBE, BIN, 'sign', '--scheme', 'google', '--client', CLIENT, '-i', input, '-o', output], {
    env: { PATH: process.env['PATH'] ?? '', MAPSIGN_SECRET: SECRET },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [status] = (await once(child, 'close')) as [number | null];
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peak = /peak-rss-kb=(\d+)/.exec(stderr);
  if (status !== 0 || peak === null) throw new Error(`mapsign sign failed (status ${status}): ${stderr.slice(0, 500)}`);
  return { rate: URLS / seconds, peakMb: Number(peak[1]) / 1024 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'mapsign-bench-cli-'));
try {
  const input = join(dir, 'urls.txt');
  const output = join(dir, 'signed.txt');
  await writeInput(input);
  const sample = Array.from({ length: LIBRARY_SAMPLE }, (_, i) => url(i));
  libraryRate(sample.slice(0, 20_000)); // warm-up: let the JIT compile the signing path
  const library: number[] = [];
  const cli: number[] = [];
  const peaks: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    library.push(libraryRate(sample));
    const result = await cliRun(input, output);
    cli.push(result.rate);
    peaks.push(result.peakMb);
  }
  const libraryMedian = median(library);
  const cliMedian = median(cli);
  const ratio = cliMedian / libraryMedian;
  const peak = Math.max(...peaks);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`\nmapsign CLI: sign ${fmt(URLS)} google URLs file to file (${(statSync(input).size / 1e6).toFixed(0)} MB in), median of ${RUNS} runs`);
  console.log(`  library createSigner, single thread  ${fmt(libraryMedian).padStart(10)} URLs/s`);
  console.log(`  mapsign sign -i FILE -o FILE         ${fmt(cliMedian).padStart(10)} URLs/s   ratio ${ratio.toFixed(2)} (target >= 0.70) ${ratio >= 0.7 ? 'ok' : 'MISSED'}`);
  console.log(`  peak RSS of the CLI (max of runs)    ${peak.toFixed(1).padStart(10)} MB       (target < 100 MB) ${peak < 100 ? 'ok' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
