/**
 * "Did you mean …?" for mistyped CLI commands and options and admin API fields: the closest
 * known name by edit distance (insertions, deletions, substitutions and swaps of neighbours
 * count one each), offered only when it is close enough to be a typo and no other name is as
 * close. Pure, in the core, so the CLI and the gateway share it.
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name `input` most likely meant, or `undefined`: within 1 edit for names up to 4
 * characters, 2 for longer ones; a unique prefix of 3 or more characters also counts.
 *
 * @example suggest('sing', ['sign', 'verify']) // 'sign'
 * @example suggest('--clinet', ['--client', '--key']) // '--client'
 */
export function suggest(input: string, known: readonly string[]): string | undefined {
  const prefixed = input.length >= 3 ? known.filter((name) => name.startsWith(input)) : [];
  if (prefixed.length === 1) return prefixed[0];
  const limit = input.replace(/^-+/, '').length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const name of known) {
    const d = distance(input, name);
    if (d < bestDistance) [best, bestDistance, tie] = [name, d, false];
    else if (d === bestDistance) tie = true;
  }
  return bestDistance <= limit && !tie ? best : undefined;
}

/** ` Did you mean X?` for a message, or nothing. */
export function didYouMean(input: string, known: readonly string[]): string {
  const match = suggest(input, known);
  return match === undefined ? '' : ` Did you mean ${match}?`;
}
