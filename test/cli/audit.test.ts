/**
 * `mapsign audit`: what `mapsign credentials` did, by the OS user, read back as a table and as
 * JSON, filtered with `--since`/`--until` (a day counts through its end); text from admin
 * clients printed escaped; bad times and a missing database are usage errors; and no secret
 * the commands printed ever appears in the trail.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { audit } from '../../src/cli/commands/audit.js';
import { credentials } from '../../src/cli/commands/credentials.js';
import { openSqliteStore, osUser, type AuditEntry } from '../../src/store/index.js';
import { runInProcess as run, tempDir } from '../gateway/helpers.js';

test('the credential commands are audited as the OS user, and `mapsign audit` prints them without a secret', async (t) => {
  const db = join(await tempDir(t), 'audit.db');
  const created = await run(credentials, ['create', '--scheme', 'google', '--label', 'web', '--json', '--db', db]);
  assert.equal(created.code, 0, created.err);
  const { id, issued } = JSON.parse(created.out) as { id: string; issued: { secret: string } };
  const rotated = await run(credentials, ['rotate', id, '--overlap', '1h', '--json', '--db', db]);
  assert.equal((await run(credentials, ['revoke', id, '--db', db])).code, 0);
  assert.equal((await run(credentials, ['rotate', id, '--db', db])).code, 1, 'a refused rotation is audited too');
  const secrets = [issued.secret, (JSON.parse(rotated.out) as { issued: { secret: string } }).issued.secret];

  const table = await run(audit, ['--db', db]);
  assert.equal(table.code, 0, table.err);
  const lines = table.out.trimEnd().split('\n');
  assert.match(lines[0]!, /^TIME\s+ACTOR\s+SOURCE\s+ACTION\s+CREDENTIAL\s+OUTCOME\s+COUNT\s+DETAILS$/);
  const user = osUser().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rows = [`create\\s+${id}\\s+ok\\s+1\\s+scheme=google fields=label`, `rotate\\s+${id}\\s+ok\\s+1\\s+overlapMs=3600000`, `revoke\\s+${id}\\s+ok\\s+1`, `rotate\\s+${id}\\s+CREDENTIAL_REVOKED\\s+1\\s+overlapMs=86400000`];
  assert.equal(lines.length, 1 + rows.length, table.out);
  for (const [i, row] of rows.entries()) assert.match(lines[i + 1]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+cli\\s+${user}\\s+${row}$`));

  const json = await run(audit, ['--db', db, '--json', '--since', '1h']);
  const entries = JSON.parse(json.out) as AuditEntry[];
  assert.deepEqual(entries.map((e) => [e.actor, e.source, e.action, e.outcome]), [['cli', osUser(), 'create', 'ok'], ['cli', osUser(), 'rotate', 'ok'], ['cli', osUser(), 'revoke', 'ok'], ['cli', osUser(), 'rotate', 'CREDENTIAL_REVOKED']]);
  for (const secret of secrets) assert.ok(!`${table.out}${json.out}`.includes(secret), 'no secret in the trail');
});

test('--since and --until take durations, days (through their end) and instants; text from admin clients prints escaped', async (t) => {
  const db = join(await tempDir(t), 'range.db');
  const store = openSqliteStore(db);
  const at = (iso: string, source: string, credentialId: string | null): AuditEntry => ({ time: Date.parse(iso), actor: 'admin-api', source, action: 'revoke', credentialId, outcome: 'ok', count: 1, details: {} });
  await store.appendAudit(at('2026-01-30T23:59:59Z', '10.0.0.1', 'gme-a'));
  await store.appendAudit(at('2026-01-31T12:00:00Z', '10.0.0.2', 'gme-\u001b[2Jb\u202e'));
  await store.appendAudit(at('2026-02-01T00:00:00Z', '10.0.0.3', null));
  await store.close();
  const sources = async (...argv: string[]): Promise<string[]> => (JSON.parse((await run(audit, ['--db', db, '--json', ...argv])).out) as AuditEntry[]).map((e) => e.source);
  assert.deepEqual(await sources('--since', '2026-01-31', '--until', '2026-01-31'), ['10.0.0.2']);
  assert.deepEqual(await sources('--since', '2026-01-31T12:00:00Z'), ['10.0.0.2', '10.0.0.3']);
  assert.deepEqual(await sources('--until', '2026-01-31T12:00:00Z'), ['10.0.0.1']);
  assert.deepEqual(await sources('--since', '1h'), []);
  const table = (await run(audit, ['--db', db])).out;
  assert.match(table, /10\.0\.0\.2\s+revoke\s+gme-\\x1b\[2Jb\\u202e\s+ok/);
  assert.match(table, /10\.0\.0\.3\s+revoke\s+-\s+ok/);
  assert.equal((await run(audit, ['--db', db, '--since', '2030-01-01'])).out, 'No audit entries in this range.\n');
});

test('bad times, arguments and a missing database are usage errors that say what is accepted', async (t) => {
  const dir = await tempDir(t);
  const missing = join(dir, 'missing.db');
  const cases: [string[], RegExp][] = [
    [['--since', 'yesterday'], /^mapsign audit: --since takes a duration back from now \(24h, 7d\), a UTC day \(2026-01-31\) or a UTC instant \(2026-01-31T12:00:00Z\), not "yesterday"\.\n/],
    [['--until', '2026-02-31'], /--until takes a real UTC day as YYYY-MM-DD/],
    [['--since', '400000d'], /The --since "400000d" is too long/],
    [['extra'], /audit takes no arguments, got "extra"/],
    [[], /INVALID_INPUT: No database at .*missing\.db/],
  ];
  for (const [argv, message] of cases) {
    const result = await run(audit, [...argv, '--db', missing]);
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.err, message, argv.join(' '));
  }
  assert.equal(existsSync(missing), false, 'read-only: nothing created');
});
