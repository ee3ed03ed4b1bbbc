/**
 * Which characters of two signed strings differ: the string a client signed beside the one it
 * should have signed, so a reader sees `+` against `%20` at a glance. Comparing two HMACs
 * character by character would mean nothing (one changed byte changes every digit), so only
 * signed strings are diffed. Pure, so it is tested without a browser.
 */

/** A run of characters that both strings share, or that only this one has. */
export interface DiffPart {
  readonly text: string;
  readonly changed: boolean;
}

/** Past this many cells the table of a full comparison is not worth it: compare the ends only. */
const MAX_CELLS = 4_000_000;

function runs(chars: readonly string[], kept: readonly boolean[]): DiffPart[] {
  const parts: DiffPart[] = [];
  chars.forEach((char, i) => {
    const changed = !kept[i];
    const last = parts.at(-1);
    if (last !== undefined && last.changed === changed) parts[parts.length - 1] = { text: last.text + char, changed };
    else parts.push({ text: char, changed });
  });
  return parts;
}

/**
 * Both strings split into shared and differing runs (a longest common subsequence of code
 * points; for very long pairs, the common prefix and suffix).
 *
 * @example diffStrings('q=New+York', 'q=New%20York').after // [{ text: 'q=New', changed: false }, { text: '%20', changed: true }, { text: 'York', changed: false }]
 */
export function diffStrings(before: string, after: string): { before: DiffPart[]; after: DiffPart[] } {
  const a = [...before];
  const b = [...after];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) [endA, endB] = [endA - 1, endB - 1];
  const keptA = a.map((_, i) => i < start || i >= endA);
  const keptB = b.map((_, i) => i < start || i >= endB);
  const rows = endA - start;
  const cols = endB - start;
  if (rows > 0 && cols > 0 && (rows + 1) * (cols + 1) <= MAX_CELLS) {
    // lengths[i][j]: longest common subsequence of a[start+i..endA) and b[start+j..endB).
    const width = cols + 1;
    const lengths = new Uint16Array((rows + 1) * width);
    for (let i = rows - 1; i >= 0; i--) {
      for (let j = cols - 1; j >= 0; j--) {
        lengths[i * width + j] = a[start + i] === b[start + j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
      }
    }
    for (let i = 0, j = 0; i < rows && j < cols; ) {
      if (a[start + i] === b[start + j]) {
        keptA[start + i] = true;
        keptB[start + j] = true;
        i++;
        j++;
      } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i++;
      else j++;
    }
  }
  return { before: runs(a, keptA), after: runs(b, keptB) };
}
