/**
 * The signed-string diff the debugger shows for a confirmed mistake, without a browser:
 * diffStrings is pure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffStrings, type DiffPart } from '../../src/debugger/browser/string-diff.js';

const same = (text: string): DiffPart => ({ text, changed: false });
const changed = (text: string): DiffPart => ({ text, changed: true });

describe('diffStrings', () => {
  const cases: ReadonlyArray<readonly [string, string, string, DiffPart[], DiffPart[]]> = [
    ['+ against %20, twice', '/g?q=a+b+c', '/g?q=a%20b%20c', [same('/g?q=a'), changed('+'), same('b'), changed('+'), same('c')], [same('/g?q=a'), changed('%20'), same('b'), changed('%20'), same('c')]],
    ['a parameter signed before it was added', '/g?q=a', '/g?q=a&key=k', [same('/g?q=a')], [same('/g?q=a'), changed('&key=k')]],
    ['http against https', 'http://t.example/a', 'https://t.example/a', [same('http://t.example/a')], [same('http'), changed('s'), same('://t.example/a')]],
    ['a decoded non-ASCII path', '/café', '/caf%C3%A9', [same('/caf'), changed('é')], [same('/caf'), changed('%C3%A9')]],
    ['equal strings', '/same', '/same', [same('/same')], [same('/same')]],
  ];
  for (const [name, before, after, expectedBefore, expectedAfter] of cases) {
    it(name, () => assert.deepEqual(diffStrings(before, after), { before: expectedBefore, after: expectedAfter }));
  }

  it('falls back to the differing middle for pairs too long to compare in full', () => {
    const before = `/p?${'a'.repeat(2500)}+${'b'.repeat(2500)}`;
    const after = `/p?${'a'.repeat(2500)}%20${'b'.repeat(2500)}`;
    const { after: parts } = diffStrings(before.replace(/b/g, 'x'), after);
    assert.equal(parts.filter((p) => p.changed).map((p) => p.text).join(''), `%20${'b'.repeat(2500)}`);
    assert.deepEqual(diffStrings(before, after).after.filter((p) => p.changed), [changed('%20')]);
  });
});
