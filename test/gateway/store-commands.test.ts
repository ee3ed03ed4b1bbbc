/**
 * `mapsign credentials` and `mapsign usage` against what operators and requests put in the
 * database: a mistyped `--db` path is an error naming it and creates nothing; labels, ids and
 * channels holding terminal controls print escaped, in tables and in JSON; the folded
 * `(other)` channel shows in `--by channel`; bad days and durations are usage errors that say
 * what is accepted.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentials } from '../../src/cli/commands/credentials.js';
import { usage } from '../../src/cli/commands/usage.js';
import { openSqliteStore } from '../../src/store/index.js';
import { runInProcess as run, tempDir } from './helpers.js';

/** Every character a terminal may act on: C0, DEL, C1, bidi controls, line separators. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'acme\u001b[2J\u009b31m\u202eevil\u2028next\u0007';
const SHOWN = 'acme\\x1b[2J\\x9b31m\\u202eevil\\u2028next\\x07';
// Channels with C0 or C1 controls are folded into (other) by the store; bidi controls and line
// separators are kept, and must not reach the terminal raw.
const CHANNEL = 'web\u202eevil\u2028next\u2066';
const CHANNEL_SHOWN = 'web\\u202eevil\\u2028next\\u2066';

test('read-only commands on a missing database name the path, exit 2 and create nothing; create creates it', async (t) => {
  const dir = await tempDir(t);
  const typo = join(dir, 'mapsgin.db');
  const commands: [typeof usage, string[]][] = [
    [usage, []],
    [usage, ['--by', 'channel', '--json']],
    [credentials, ['list']],
    [credentials, ['show', 'gme-a']],
    [credentials, ['rotate', 'gme-a']],
    [credentials, ['revoke', 'gme-a']],
  ];
  for (const [command, argv] of commands) {
    for (const env of [{}, { MAPSIGN_DB: typo }]) {
      const result = await run(command, [...argv, ...('MAPSIGN_DB' in env ? [] : ['--db', typo])], env);
      const label = `${command.name} ${argv.join(' ')} ${JSON.stringify(env)}`;
      assert.equal(result.code, 2, label);
      assert.equal(result.err, `mapsign ${command.name}: INVALID_INPUT: No database at ${typo}: check --db or $MAPSIGN_DB (only \`mapsign serve\` and \`mapsign credentials create\` create one).\n`, label);
      assert.equal(existsSync(typo), false, `${label} left a file behind`);
    }
  }
  const created = await run(credentials, ['create', '--scheme', 'google', '--db', typo]);
  assert.equal(created.code, 0, created.err);
  assert.equal(existsSync(typo), true);
  assert.equal((await run(usage, ['--db', typo])).out, 'No requests counted yet.\n');
});

test('labels, ids and channels with terminal controls print escaped in tables and JSON', async (t) => {
  const db = join(await tempDir(t), 'hostile.db');
  const made = await run(credentials, ['create', '--scheme', 'google', '--label', HOSTILE, '--json', '--db', db]);
  assert.equal(made.code, 0, made.err);
  const id = (JSON.parse(made.out) as { id: string }).id;
  const store = openSqliteStore(db);
  await store.recordUsage([{ day: '2026-01-10', credentialId: id, channel: CHANNEL, outcome: 'ok', count: 2 }]);
  await store.close();

  const outputs = await Promise.all([
    run(credentials, ['list', '--db', db]),
    run(credentials, ['show', id, '--db', db]),
    run(credentials, ['list', '--json', '--db', db]),
    run(credentials, ['show', id, '--json', '--db', db]),
    run(usage, ['--by', 'channel', '--db', db]),
    run(usage, ['--by', 'channel', '--json', '--db', db]),
  ]);
  for (const [i, result] of outputs.entries()) {
    assert.equal(result.code, 0, result.err);
    assert.doesNotMatch(result.out, UNSAFE, `output ${i} carries a raw control character`);
  }
  const [list, show, listJson, showJson, table, tableJson] = outputs.map((r) => r.out) as [string, string, string, string, string, string];
  assert.match(list, new RegExp(`  ${escape(SHOWN)}\\n$`));
  assert.match(show, new RegExp(`^label:    ${escape(SHOWN)}$`, 'm'));
  assert.match(table, new RegExp(`^${id}\\s+${escape(SHOWN)}\\s+${escape(CHANNEL_SHOWN)}\\s+2\\s+2\\s+0\\s+0$`, 'm'));
  // JSON stays JSON and keeps the exact text.
  assert.equal((JSON.parse(listJson) as { label: string }[])[0]!.label, HOSTILE);
  assert.equal((JSON.parse(showJson) as { label: string }).label, HOSTILE);
  assert.equal((JSON.parse(tableJson) as { group: { channel: string } }[])[0]!.group.channel, CHANNEL);
  assert.equal((JSON.parse(tableJson) as { label: string }[])[0]!.label, HOSTILE);

  // An id typed by the operator is quoted escaped in the error too.
  const missing = await run(credentials, ['show', `gme-\u009b2J\u202e`, '--db', db]);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.err, UNSAFE);
  assert.match(missing.err, /No credential with id gme-\\x9b2J\\u202e;/);
});

test('usage --by channel shows the folded (other) row of a credential past 100 channels', async (t) => {
  const db = join(await tempDir(t), 'flood.db');
  const store = openSqliteStore(db);
  await store.recordUsage(Array.from({ length: 103 }, (_, i) => ({ day: '2026-01-10', credentialId: 'gme-flood', channel: `c${String(i).padStart(3, '0')}`, outcome: 'ok', count: 1 })));
  await store.close();
  const table = (await run(usage, ['--by', 'channel', '--db', db])).out.split('\n');
  assert.equal(table.length, 1 + 101 + 1, 'header, 100 channels, (other), final newline');
  assert.match(table[1]!, /^gme-flood\s+-\s+\(other\)\s+3\s+3\s+0\s+0$/);
});

test('--since must be a real day and --overlap a bounded duration: usage errors saying what is accepted', async (t) => {
  const db = join(await tempDir(t), 'bounds.db');
  const made = await run(credentials, ['create', '--scheme', 'google', '--json', '--db', db]);
  const id = (JSON.parse(made.out) as { id: string }).id;
  const cases: [typeof usage, string[], RegExp][] = [
    [usage, ['--since', '2026-02-31'], /^mapsign usage: --since takes a real UTC day as YYYY-MM-DD, e.g. 2026-01-31, not "2026-02-31"\.\n/],
    [usage, ['--since', '2026-13-01'], /not "2026-13-01"/],
    [usage, ['--since', '0000-00-00'], /not "0000-00-00"/],
    [credentials, ['rotate', id, '--overlap', '367d'], /^mapsign credentials: INVALID_INPUT: The --overlap "367d" is too long; give 0 to 366d\.\n$/],
    [credentials, ['rotate', id, '--overlap', '1e9d'], /The --overlap "1e9d" is not a duration/],
    [credentials, ['rotate', id, '--overlap', `${'9'.repeat(400)}d`], /The --overlap "9{20}" is not a duration/],
  ];
  for (const [command, argv, message] of cases) {
    const result = await run(command, [...argv, '--db', db]);
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.err, message, argv.join(' '));
  }
  assert.equal((await run(credentials, ['rotate', id, '--overlap', '366d', '--db', db])).code, 0);
  assert.equal((await run(usage, ['--since', '2024-02-29', '--db', db])).code, 0);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
