/**
 * The terminal escaping every command uses for text from requests and operators: each control a
 * terminal may act on becomes a visible escape, everything else is left alone, and the JSON
 * variant parses back to the same value while carrying none of them raw.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { escapeTerminal, jsonForTerminal } from '../../src/cli/terminal-text.js';

/** What a terminal may act on: C0, DEL, C1, bidi controls (UAX #9), line and paragraph separators. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('escapeTerminal shows every terminal control as an escape and keeps the rest', () => {
  const cases: [string, string][] = [
    ['plain label', 'plain label'],
    ['Zürich 東京 🗺️', 'Zürich 東京 🗺️'],
    ['a\nb\r\tc', 'a\\nb\\r\\tc'],
    ['\u0000\u0007\u001b[31m', '\\x00\\x07\\x1b[31m'],
    ['del\u007f', 'del\\x7f'],
    ['csi\u009b2J\u0085', 'csi\\x9b2J\\x85'],
    ['abc\u202edcb', 'abc\\u202edcb'],
    ['\u2066\u2067\u2068\u2069\u200e\u200f\u061c', '\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c'],
    ['line\u2028para\u2029', 'line\\u2028para\\u2029'],
  ];
  for (const [input, shown] of cases) assert.equal(escapeTerminal(input), shown, JSON.stringify(input));
});

test('escapeTerminal output never holds a control, for any string', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => !UNSAFE.test(escapeTerminal(text))));
});

test('jsonForTerminal is JSON.stringify without raw controls, and parses back to the same value', () => {
  assert.equal(jsonForTerminal({ label: 'a\u202eb\u009b\u007f' }), '{"label":"a\\u202eb\\u009b\\u007f"}');
  fc.assert(
    fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
      const data = { value, text };
      const json = jsonForTerminal(data);
      return !UNSAFE.test(json) && JSON.stringify(JSON.parse(json)) === JSON.stringify(data);
    }),
  );
});
