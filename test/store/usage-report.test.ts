/**
 * The usage report's three columns: ok, refused before forwarding, and failed after verifying
 * (upstream failures, clients that left or stalled, shutdown).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUsageReport, isFailureOutcome } from '../../src/store/usage-report.js';

test('every outcome lands in one column', () => {
  const failed = ['UPSTREAM_5XX', 'UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_INVALID', 'CLIENT_CLOSED', 'CLIENT_TIMEOUT', 'SHUTDOWN'];
  const refused = ['SIGNATURE_MISMATCH', 'UNKNOWN_CREDENTIAL', 'URL_TOO_LONG', 'TARGET_NOT_ORIGIN_FORM', 'METHOD_NOT_ALLOWED', 'BAD_HOST', 'HTTP_VERSION_NOT_SUPPORTED'];
  for (const outcome of failed) assert.equal(isFailureOutcome(outcome), true, outcome);
  for (const outcome of [...refused, 'ok']) assert.equal(isFailureOutcome(outcome), false, outcome);
  const rows = [...failed, ...refused, 'ok'].map((outcome) => ({ credentialId: 'gme-a', outcome, count: 2 }));
  assert.deepEqual(buildUsageReport(rows, 'client'), [
    { group: { credentialId: 'gme-a' }, ok: 2, refused: 2 * refused.length, failed: 2 * failed.length, total: 2 * (failed.length + refused.length + 1), outcomes: Object.fromEntries(rows.map((row) => [row.outcome, 2])) },
  ]);
});
