/**
 * Durations as operators type them (`24h`, `90m`, `7d`, `30s`, `0`), for rotation overlaps and
 * timeouts. A bare number is refused: `--overlap 24` could mean hours or seconds.
 */
import { StoreError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds in `text`; throws `INVALID_INPUT` with the accepted forms.
 *
 * @example parseDuration('24h') // 86400000
 */
export function parseDuration(text: string, label = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (text.trim() === '0') return 0;
  if (match === null) {
    throw new StoreError('INVALID_INPUT', `The ${label} ${JSON.stringify(text.slice(0, 20))} is not a duration; write a number and a unit, e.g. 24h, 90m, 30s, 7d or 500ms.`);
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}
