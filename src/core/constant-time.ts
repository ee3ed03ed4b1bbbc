/**
 * Comparison of signatures in time that does not depend on where they first differ.
 */

/**
 * True when `a` and `b` are equal. The running time depends only on the lengths, which for
 * signatures are public (fixed by the hash function).
 *
 * @example timingSafeEqualText(expected, provided)
 */
export function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
