/**
 * Durations as operators type them (`24h`, `90m`, `7d`, `30s`, `0`), for rotation overlaps and
 * timeouts. A bare number is refused: `--overlap 24` could mean hours or seconds. Every duration
 * has an upper bound: Node fires a timer longer than 2^31−1 ms (about 24.9 days) at once, with
 * only a warning, so `--drain 30d` would not wait at all; longer durations (a rotation overlap)
 * pass their own bound.
 */
import { MAX_LIFETIME_MS } from '../core/expiry.js';
import { StoreError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The longest delay `setTimeout` honours (2^31−1 ms, about 24.9 days); the default bound. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The longest rotation overlap accepted: the core's longest lifetime, 366 days. */
export const MAX_OVERLAP_MS = MAX_LIFETIME_MS;

/** Options for {@link parseDuration}. */
export interface DurationBounds {
  /** Largest accepted value in milliseconds; default {@link MAX_TIMER_MS}. */
  readonly max?: number | undefined;
}

/** `ms` in the largest unit that writes it exactly, with days for a long odd value (the timer bound). */
function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms >= UNIT_MS[unit]! && ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  return ms >= UNIT_MS['d']! ? `${ms}ms (about ${(ms / UNIT_MS['d']!).toFixed(1)} days)` : `${ms}ms`;
}

/**
 * Milliseconds in `text`, at most `bounds.max`; throws `INVALID_INPUT` naming `label`, the
 * accepted forms and the accepted range.
 *
 * @example parseDuration('24h') // 86400000
 * @example parseDuration('400d', '--overlap', { max: MAX_OVERLAP_MS }) // throws: at most 366d
 */
export function parseDuration(text: string, label = 'duration', bounds: DurationBounds = {}): number {
  const max = bounds.max ?? MAX_TIMER_MS;
  const shown = JSON.stringify(text.slice(0, 20));
  const match = /^(\d{1,15}(?:\.\d{1,6})?)(ms|s|m|h|d)$/.exec(text.trim());
  if (text.trim() === '0') return 0;
  if (match === null) {
    throw new StoreError('INVALID_INPUT', `The ${label} ${shown} is not a duration; write a number and a unit, e.g. 24h, 90m, 30s, 7d or 500ms.`);
  }
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
  if (ms > max) throw new StoreError('INVALID_INPUT', `The ${label} ${shown} is too long; give 0 to ${formatDuration(max)}.`);
  return ms;
}
