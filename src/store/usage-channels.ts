/**
 * The bound on distinct usage channels per credential per day, shared by every place usage is
 * held: the gateway's recorder, the resilient wrapper's outage buffer and the stores' inserts.
 *
 * `channel=` is chosen by whoever holds a credential, so without a bound one holder could make
 * every request a new row (growing the database without end) or, during an outage, fill the
 * gateway's buffer so that other credentials' counts are dropped. Past the bound, a new channel's
 * counts go to one row with the reserved channel name {@link OTHER_CHANNEL}; the total per
 * credential stays exact, only the split by channel is lost. The empty channel (no `channel=`)
 * is not counted against the bound. A channel that is not plain text — longer than
 * {@link MAX_CHANNEL_LENGTH} or holding a control character (C0, DEL, C1), NUL included, which PostgreSQL
 * cannot store in text and would make the whole batch fail at every retry — is counted under
 * {@link OTHER_CHANNEL} too.
 */
import type { UsageDelta } from './contract.js';
import { StoreError } from './errors.js';

/** The channel that collects counts of channels beyond the bound, as `mapsign usage --by channel` shows it. */
export const OTHER_CHANNEL = '(other)';

/** Longest channel counted under its own name (Google's channels are short: letters, digits, `._-`). */
const MAX_CHANNEL_LENGTH = 200;

/** Default distinct channels kept per credential per day. */
export const DEFAULT_MAX_CHANNELS = 100;

/** The first part of a usage key: the day and hour (the gateway's recorder computes it once an hour). */
export const usageSlot = (day: string, hour: number | undefined): string => `${day}\u0000${hour ?? ''}`;

/** A usage key from its {@link usageSlot} and the rest. */
export const slotKey = (slot: string, credentialId: string, channel: string, outcome: string): string => `${slot}\u0000${credentialId}\u0000${channel}\u0000${outcome}`;

/** The merge key of a usage delta: day, hour, credential, channel, outcome. */
const usageKey = (d: Pick<UsageDelta, 'day' | 'hour' | 'credentialId' | 'channel' | 'outcome'>): string => slotKey(usageSlot(d.day, d.hour), d.credentialId, d.channel, d.outcome);

/**
 * Remembers which channels each (day, credential) already uses and folds new ones beyond `max`
 * into {@link OTHER_CHANNEL}.
 *
 * @example
 * const channels = new ChannelBound(2)
 * channels.fold('2026-01-10', 'gme-a', 'x'); channels.fold('2026-01-10', 'gme-a', 'y')
 * channels.fold('2026-01-10', 'gme-a', 'z') // '(other)'
 */
export class ChannelBound {
  /** Distinct channels kept per (day, credential). */
  readonly max: number;
  readonly #seen = new Map<string, Set<string>>();

  constructor(max: number = DEFAULT_MAX_CHANNELS) {
    if (!Number.isInteger(max) || max < 1 || max > 1_000_000) throw new StoreError('INVALID_INPUT', `The channel bound must be a whole number from 1 to 1000000, not ${max}.`);
    this.max = max;
  }

  /** Records `channels` as already used by (day, credential), e.g. rows found in the database. */
  know(day: string, credentialId: string, channels: Iterable<string>): void {
    for (const channel of channels) if (channel !== '' && channel !== OTHER_CHANNEL) this.#set(day, credentialId).add(channel);
  }

  /** The channel to count under: `channel` itself while within the bound, else {@link OTHER_CHANNEL}. */
  fold(day: string, credentialId: string, channel: string): string {
    if (channel === '' || channel === OTHER_CHANNEL) return channel;
    if (channel.length > MAX_CHANNEL_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(channel)) return OTHER_CHANNEL;
    const used = this.#set(day, credentialId);
    if (used.has(channel)) return channel;
    if (used.size >= this.max) return OTHER_CHANNEL;
    used.add(channel);
    return channel;
  }

  /** Forgets everything (the counts it bounded were handed on). */
  clear(): void {
    this.#seen.clear();
  }

  #set(day: string, credentialId: string): Set<string> {
    const key = `${day}\u0000${credentialId}`;
    let used = this.#seen.get(key);
    if (used === undefined) this.#seen.set(key, (used = new Set()));
    return used;
  }
}

/**
 * `deltas` with channels beyond the bound folded, merged by key (one row per key, in first-seen
 * order), given the channels each (day, credential) already uses in `bound`.
 *
 * @example foldUsage(deltas, new ChannelBound(100))
 */
export function foldUsage(deltas: readonly UsageDelta[], bound: ChannelBound): UsageDelta[] {
  const merged = new Map<string, UsageDelta>();
  for (const d of deltas) {
    const channel = bound.fold(d.day, d.credentialId, d.channel);
    const delta = channel === d.channel ? d : { ...d, channel };
    const key = usageKey(delta);
    const found = merged.get(key);
    merged.set(key, found === undefined ? delta : { ...found, count: found.count + delta.count });
  }
  return [...merged.values()];
}
