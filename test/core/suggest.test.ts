/**
 * "Did you mean": the nearest known name within a typo's distance, a unique prefix, and
 * nothing when the input is far from every name or two names are equally near.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suggest } from '../../src/core/suggest.js';

describe('suggest', () => {
  const commands = ['sign', 'verify', 'explain', 'keygen', 'serve', 'credentials', 'usage', 'completion'];
  const cases: ReadonlyArray<readonly [string, readonly string[], string | undefined]> = [
    ['sing', commands, 'sign'],
    ['verfiy', commands, 'verify'],
    ['credential', commands, 'credentials'],
    ['comp', commands, 'completion'],
    ['explian', commands, 'explain'],
    ['frobnicate', commands, undefined],
    ['x', commands, undefined],
    ['--clinet', ['--client', '--key', '--json'], '--client'],
    ['--jsn', ['--json', '--key'], '--json'],
    ['bsh', ['bash', 'zsh', 'fish'], undefined],
  ];
  for (const [input, known, expected] of cases) {
    it(`${input} → ${expected ?? 'nothing'}`, () => assert.equal(suggest(input, known), expected));
  }
});
