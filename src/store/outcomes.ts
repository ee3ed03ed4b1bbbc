/**
 * The outcomes of forwarded requests, the one list every reader of usage shares: the usage
 * report's "failed" column, the daily quota (which counts forwarded requests only) and the
 * metrics' request results. The gateway writes these words (its `Outcome` type is built from
 * them and the refusal reasons); every other outcome but `ok` is a refusal. A new way for a
 * forwarded request to fail is added here, once.
 */

/** Every way a forwarded request ends without the upstream's answer (the gateway proxy's failures). */
export const FORWARDING_FAILURES = ['UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_INVALID', 'CLIENT_CLOSED', 'CLIENT_TIMEOUT', 'SHUTDOWN'] as const;

/** Outcomes of requests that were forwarded but did not get a good answer: the upstream's 5xx, or a forwarding failure. */
export const FAILED_OUTCOMES = ['UPSTREAM_5XX', ...FORWARDING_FAILURES] as const;

/** Outcomes of requests that were forwarded: `ok` and the failed ones. */
export const FORWARDED_OUTCOMES = ['ok', ...FAILED_OUTCOMES] as const;

/** The outcome of a forwarded request. */
export type ForwardedOutcome = (typeof FORWARDED_OUTCOMES)[number];
