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

  it('keeps at most maxKeys windows; a crowd of new addresses locks nobody out', () => {
    const limits = new CallerLimits({ now: () => MINUTE_START, maxKeys: 2 });
    const rule = { perClientPerMinute: 2 };
    assert.equal(limits.admit('r', rule, 'a', ''), undefined);
    assert.equal(limits.admit('r', rule, 'b', ''), undefined);
    for (const client of ['c', 'd', 'e', 'f', 'c', 'c', 'c']) assert.equal(limits.admit('r', rule, client, ''), undefined, `${client}: past maxKeys, not held per client (the origin limit and the budget still are)`);
    assert.equal(limits.admit('r', rule, 'a', ''), undefined, 'a keeps its own window');
    assert.equal(limits.admit('r', rule, 'a', '')?.reason, 'RATE_LIMITED', 'and its own limit');
  });

  it('does not count against the origin what the client limit refused', () => {
    const limits = new CallerLimits({ now: () => MINUTE_START });
    const rule = { perClientPerMinute: 2, perOriginPerMinute: 5 };
    for (let i = 0; i < 50; i++) limits.admit('r', rule, '203.0.113.9', 'https://app.test');
    for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) assert.equal(limits.admit('r', rule, client, 'https://app.test'), undefined, `${client}: the flooding client spent 2 of the origin's 5, not 50`);
    assert.equal(limits.admit('r', rule, '198.51.100.4', 'https://app.test')?.limit, 'origin');
  });

  it('holds an IPv6 client by its /64, an IPv4 one by its address', () => {
    const limits = new CallerLimits({ now: () => MINUTE_START });
    const rule = { perClientPerMinute: 2 };
    assert.equal(limits.admit('r', rule, '2001:db8:1:2::1', ''), undefined);
    assert.equal(limits.admit('r', rule, '2001:db8:1:2::ffff', ''), undefined);
    assert.equal(limits.admit('r', rule, '2001:db8:1:2:abcd::9', '')?.limit, 'client', 'one /64, one allowance');
    assert.equal(limits.admit('r', rule, '2001:db8:1:3::1', ''), undefined, 'another /64');
    assert.equal(limits.admit('r', rule, '203.0.113.1', ''), undefined);
    assert.equal(limits.admit('r', rule, '203.0.113.2', ''), undefined, 'IPv4 addresses are held one by one');
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
