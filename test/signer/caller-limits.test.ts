/**
 * The caller limits on an injected clock: per-client and per-origin windows that reset each
 * minute with the seconds left as Retry-After, a bounded map whose overflow callers share one
 * window, and a daily budget that resets at 00:00 UTC.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallerLimits } from '../../src/signer/caller-limits.js';

const MINUTE_START = Date.UTC(2026, 11, 1, 11, 30, 0);

function clock(start: number): { now: () => number; set(at: number): void } {
  let at = start;
  return { now: () => at, set: (next) => (at = next) };
}

describe('CallerLimits', () => {
  it('holds a client after its per-minute allowance, until the minute ends', () => {
    const time = clock(MINUTE_START + 45_500);
    const limits = new CallerLimits({ now: time.now });
    const rule = { perClientPerMinute: 2 };
    assert.equal(limits.admit('r', rule, 'a', 'o'), undefined);
    assert.equal(limits.admit('r', rule, 'a', 'o'), undefined);
    assert.deepEqual(limits.admit('r', rule, 'a', 'o'), { reason: 'RATE_LIMITED', limit: 'client', retryAfterSeconds: 15 });
    assert.equal(limits.admit('r', rule, 'b', 'o'), undefined, 'another client has its own window');
    assert.equal(limits.admit('other', rule, 'a', 'o'), undefined, 'another route has its own window');
    time.set(MINUTE_START + 60_000);
    assert.equal(limits.admit('r', rule, 'a', 'o'), undefined, 'a new minute');
  });

  it('holds an origin across clients', () => {
    const limits = new CallerLimits({ now: () => MINUTE_START });
    const rule = { perOriginPerMinute: 2 };
    assert.equal(limits.admit('r', rule, 'a', 'https://x.test'), undefined);
    assert.equal(limits.admit('r', rule, 'b', 'https://x.test'), undefined);
    assert.deepEqual(limits.admit('r', rule, 'c', 'https://x.test'), { reason: 'RATE_LIMITED', limit: 'origin', retryAfterSeconds: 60 });
    assert.equal(limits.admit('r', rule, 'c', 'https://y.test'), undefined);
  });

  it('keeps at most maxKeys windows; callers beyond share one', () => {
    const limits = new CallerLimits({ now: () => MINUTE_START, maxKeys: 2 });
    const rule = { perClientPerMinute: 2 };
    assert.equal(limits.admit('r', rule, 'a', ''), undefined);
    assert.equal(limits.admit('r', rule, 'b', ''), undefined);
    assert.equal(limits.admit('r', rule, 'c', ''), undefined, 'c opens the shared overflow window');
    assert.equal(limits.admit('r', rule, 'd', ''), undefined);
    assert.equal(limits.admit('r', rule, 'e', '')?.reason, 'RATE_LIMITED', 'c, d and e share one allowance of 2');
    assert.equal(limits.admit('r', rule, 'a', ''), undefined, 'a keeps its own window');
  });

  it('spends a daily budget per route, reset at 00:00 UTC', () => {
    const time = clock(Date.UTC(2026, 11, 1, 23, 59, 30));
    const limits = new CallerLimits({ now: time.now });
    const rule = { dailyBudget: 2 };
    assert.equal(limits.spend('r', rule), undefined);
    assert.equal(limits.spend('r', rule), undefined);
    assert.deepEqual(limits.spend('r', rule), { reason: 'BUDGET_EXHAUSTED', limit: 'budget', retryAfterSeconds: 30 });
    assert.equal(limits.spend('s', rule), undefined, 'each route has its own budget');
    assert.equal(limits.spend('r', {}), undefined, 'no budget, no limit');
    time.set(Date.UTC(2026, 11, 2, 0, 0, 0));
    assert.equal(limits.spend('r', rule), undefined);
  });
});
