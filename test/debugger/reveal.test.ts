/**
 * The signed string's hidden characters, found without a browser: revealParts is pure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasHiddenCharacters, revealParts, type RevealedPart } from '../../src/debugger/browser/reveal.js';

const char = (c: string, codePoint: string, invisible: boolean, name: string): RevealedPart => ({ kind: 'char', char: c, codePoint, invisible, name });

describe('revealParts', () => {
  const cases: ReadonlyArray<readonly [string, string, RevealedPart[]]> = [
    ['plain ASCII stays one run', '/geo?q=a+b&c=%20', [{ kind: 'text', text: '/geo?q=a+b&c=%20' }]],
    ['a raw space', 'a b', [{ kind: 'text', text: 'a' }, char(' ', 'U+0020', true, 'space'), { kind: 'text', text: 'b' }]],
    ['zero-width space and BOM', '\u200bx\ufeff', [char('\u200b', 'U+200B', true, 'zero-width space'), { kind: 'text', text: 'x' }, char('\ufeff', 'U+FEFF', true, 'byte order mark')]],
    ['no-break space looks like a space', 'a\u00a0b', [{ kind: 'text', text: 'a' }, char('\u00a0', 'U+00A0', true, 'no-break space'), { kind: 'text', text: 'b' }]],
    ['tab, line feed and other controls', '\t\n\u0001', [char('\t', 'U+0009', true, 'tab'), char('\n', 'U+000A', true, 'line feed'), char('\u0001', 'U+0001', true, 'invisible character')]],
    ['visible non-ASCII is marked but not invisible', 'é上', [char('é', 'U+00E9', false, 'non-ASCII character'), char('上', 'U+4E0A', false, 'non-ASCII character')]],
    ['astral characters are one code point', '😀', [char('😀', 'U+1F600', false, 'non-ASCII character')]],
    ['a look-alike Cyrillic a', 'а', [char('а', 'U+0430', false, 'non-ASCII character')]],
    ['empty', '', []],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.deepEqual(revealParts(input), expected));
  }

  it('hasHiddenCharacters', () => {
    assert.equal(hasHiddenCharacters('/a?b=c'), false);
    assert.equal(hasHiddenCharacters('/a?b=c\u200b'), true);
  });
});
