/**
 * Durations operators type: the accepted forms, and the bounds — by default the longest delay a
 * Node timer honours (2^31−1 ms; a longer one fires at once), or a caller's own — each refusal
 * naming the option and what is accepted; and the rotation overlap the library itself accepts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCredential, rotateCredential } from '../../src/store/credential-ops.js';
import { MAX_OVERLAP_MS, MAX_TIMER_MS, parseDuration } from '../../src/store/duration.js';
import { isStoreError } from '../../src/store/errors.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

test('a duration is accepted up to its bound; past it, or not a duration, is INVALID_INPUT naming the option and the range', () => {
  const accepted: [string, number | undefined, number][] = [
    ['0', undefined, 0],
    ['500ms', undefined, 500],
    ['1.5s', undefined, 1500],
    [' 7d ', undefined, 604_800_000],
    ['2147483647ms', undefined, MAX_TIMER_MS],
    ['366d', MAX_OVERLAP_MS, MAX_OVERLAP_MS],
  ];
  for (const [text, max, ms] of accepted) assert.equal(parseDuration(text, '--drain', { max }), ms, text);
  const cases: [string, number | undefined, string][] = [
    ['2147483648ms', undefined, 'The --drain "2147483648ms" is too long; give 0 to 2147483647ms (about 24.9 days).'],
    ['25d', undefined, 'The --drain "25d" is too long; give 0 to 2147483647ms (about 24.9 days).'],
    ['367d', MAX_OVERLAP_MS, 'The --drain "367d" is too long; give 0 to 366d.'],
    ['2s', 1000, 'The --drain "2s" is too long; give 0 to 1s.'],
    ['1e9d', undefined, 'The --drain "1e9d" is not a duration; write a number and a unit, e.g. 24h, 90m, 30s, 7d or 500ms.'],
    [`${'9'.repeat(400)}d`, undefined, `The --drain "${'9'.repeat(20)}" is not a duration; write a number and a unit, e.g. 24h, 90m, 30s, 7d or 500ms.`],
    ['-5s', undefined, 'The --drain "-5s" is not a duration; write a number and a unit, e.g. 24h, 90m, 30s, 7d or 500ms.'],
    ['24', undefined, 'The --drain "24" is not a duration; write a number and a unit, e.g. 24h, 90m, 30s, 7d or 500ms.'],
  ];
  for (const [text, max, message] of cases) {
    assert.throws(() => parseDuration(text, '--drain', { max }), (e) => isStoreError(e, 'INVALID_INPUT') && e.message === message, text);
  }
});

test('rotateCredential refuses an overlap that is not 0 to 366 days, before changing anything', async (t) => {
  const store = openSqliteStore(':memory:');
  t.after(() => store.close());
  const { credential } = await createCredential(store, { scheme: 'google' });
  for (const overlapMs of [-1, 1.5, Infinity, Number.NaN, MAX_OVERLAP_MS + 1]) {
    await assert.rejects(rotateCredential(store, credential.id, { overlapMs }), (e) => isStoreError(e, 'INVALID_INPUT') && /^The rotation overlap must be a whole number of milliseconds from 0 to 31622400000 \(366 days\)/.test(e.message), String(overlapMs));
  }
  assert.equal((await store.getCredential(credential.id))!.secrets.length, 1, 'no secret was added');
});
