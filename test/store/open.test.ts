/**
 * How `--db` is read: which specs select PostgreSQL, and how a spec is printed (never a password).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStore, isPostgresUrl } from '../../src/store/open.js';

test('postgres:// and postgresql:// URLs select PostgreSQL; anything else is a file', () => {
  const cases: [string, boolean][] = [
    ['postgres://db/mapsign', true],
    ['postgresql://user@db:5432/mapsign', true],
    ['POSTGRES://db/mapsign', true],
    ['./mapsign.db', false],
    ['postgres.db', false],
    ['/var/lib/postgres://x', false],
    [':memory:', false],
  ];
  for (const [spec, expected] of cases) assert.equal(isPostgresUrl(spec), expected, spec);
});

test('a spec is printed without its password or query', () => {
  const cases: [string, string][] = [
    ['postgres://app:hunter2@db:5432/mapsign', 'postgres://app@db:5432/mapsign'],
    ['postgresql://db/mapsign?password=hunter2&sslmode=require', 'postgresql://db/mapsign'],
    ['./mapsign.db', './mapsign.db'],
  ];
  for (const [spec, printed] of cases) assert.equal(describeStore(spec), printed);
});

