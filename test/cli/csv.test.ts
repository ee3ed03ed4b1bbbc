/**
 * CSV output against RFC 4180 ("Common Format and MIME Type for CSV Files"): read back by a
 * second implementation (test/support/csv-reader.ts, written from the RFC's grammar) for the
 * cells a spreadsheet could run as formulas (OWASP, "CSV Injection"), and for arbitrary text
 * with fast-check.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { csvCell, formatCsv } from '../../src/cli/csv.js';
import { readCsv } from '../support/csv-reader.js';

test('cells a spreadsheet would run are written as text, with a leading apostrophe; numbers stay numbers', () => {
  const cases: [string | number, string][] = [
    ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['acme web', 'acme web'],
    ['a=b', 'a=b'],
    ['', ''],
    [42, '42'],
  ];
  for (const [cell, read] of cases) {
    assert.deepEqual(readCsv(formatCsv(['x'], [[cell]])), [['x'], [read]], JSON.stringify(cell));
  }
  assert.equal(csvCell('say "hi", then\nleave'), '"say ""hi"", then\nleave"');
  assert.equal(formatCsv(['a', 'b'], [['1', 2]]), 'a,b\r\n1,2\r\n');
});

test('any text reads back as written (or with the apostrophe a formula start gets)', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), { maxLength: 5 }), (rows) => {
      const width = Math.max(1, ...rows.map((row) => row.length));
      const rectangular = rows.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''));
      const header = Array.from({ length: width }, (_, i) => `c${i}`);
      const expected = rectangular.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
      assert.deepEqual(readCsv(formatCsv(header, rectangular)), [header, ...expected]);
    }),
  );
});
