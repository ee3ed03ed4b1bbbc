/**
 * Makes the characters a reader cannot see in a signed string visible: spaces, tabs, line
 * breaks, zero-width and other format characters, non-breaking spaces, and anything outside
 * ASCII. Two strings that look the same but sign differently are the debugger's whole subject,
 * so every such character gets a badge with its code point.
 */
import { h } from './dom.js';

/** A run of plain printable ASCII, or one character that needs a badge. */
export type RevealedPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'char'; readonly char: string; readonly codePoint: string; readonly invisible: boolean; readonly name: string };

const NAMES: Readonly<Record<number, string>> = {
  0x09: 'tab',
  0x0a: 'line feed',
  0x0d: 'carriage return',
  0x20: 'space',
  0xa0: 'no-break space',
  0xad: 'soft hyphen',
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x2060: 'word joiner',
  0xfeff: 'byte order mark',
};

// Control, format, separator and unassigned code points render as nothing (or as a space).
const INVISIBLE = /^[\p{C}\p{Z}]$/u;

const codePointOf = (char: string): string => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Splits `text` into plain ASCII runs and badged characters.
 *
 * @example revealParts('a b') // [{ kind: 'text', text: 'a' }, { kind: 'char', char: ' ', codePoint: 'U+0020', … }, { kind: 'text', text: 'b' }]
 */
export function revealParts(text: string): RevealedPart[] {
  const parts: RevealedPart[] = [];
  let plain = '';
  for (const char of text) {
    if (/^[\x21-\x7e]$/.test(char)) {
      plain += char;
      continue;
    }
    if (plain !== '') parts.push({ kind: 'text', text: plain });
    plain = '';
    const codePoint = codePointOf(char);
    const invisible = INVISIBLE.test(char);
    parts.push({ kind: 'char', char, codePoint, invisible, name: NAMES[char.codePointAt(0)!] ?? (invisible ? 'invisible character' : 'non-ASCII character') });
  }
  if (plain !== '') parts.push({ kind: 'text', text: plain });
  return parts;
}

/** True when `text` has a character {@link revealParts} badges. */
export function hasHiddenCharacters(text: string): boolean {
  return revealParts(text).some((part) => part.kind === 'char');
}

/**
 * Renders `text` with badges: an invisible character shows its code point (a space shows ␣),
 * a visible non-ASCII one shows itself followed by its code point.
 */
export function renderRevealed(text: string): HTMLElement {
  const out = h('code', { class: 'revealed' });
  for (const part of revealParts(text)) {
    if (part.kind === 'text') {
      out.append(part.text);
      continue;
    }
    const label = `${part.name} ${part.codePoint}`;
    const shown = part.char === ' ' ? '␣' : part.invisible ? part.codePoint : `${part.char}\u2009${part.codePoint}`;
    out.append(h('span', { class: part.invisible ? 'badge badge-invisible' : 'badge', title: label, 'aria-label': label, role: 'img' }, shown));
  }
  return out;
}
