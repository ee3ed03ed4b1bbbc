/**
 * Text that came from requests or operators (labels, channels, credential ids, paths, store
 * messages that quote them) made safe to print on a terminal. A label holding `ESC [ 2 J`, a
 * C1 control such as U+009B (CSI on many terminals), a right-to-left override (U+202E, the
 * "Trojan Source" trick) or a line separator could otherwise clear the screen, forge output
 * lines or reorder what an operator reads. Every such character becomes a visible escape;
 * everything else, including non-Latin letters and emoji, is printed as is.
 */

/**
 * C0 controls, DEL, C1 controls, the Unicode bidirectional controls (Unicode Standard Annex #9,
 * "Explicit Directional Formatting Characters", plus ALM, LRM and RLM) and the line and
 * paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every terminal control character shown as an escape (`\n`, `\x1b`, `\u202e`).
 *
 * @example escapeTerminal('acme\u001b[2J') // 'acme\\x1b[2J'
 */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => NAMED[char] ?? hex(char));
}

/**
 * `JSON.stringify(value)` that is also safe on a terminal: JSON.stringify escapes C0 controls
 * but leaves DEL, C1 controls, bidi overrides and U+2028/U+2029 raw, so they are written as
 * `\uXXXX` here. The result parses back to the same value (they can only occur inside strings).
 *
 * @example jsonForTerminal({ label: 'a\u202eb' }) // '{"label":"a\\u202eb"}'
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
