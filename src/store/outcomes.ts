/**
 * The outcomes of verified requests, the one list every reader of usage shares: the usage
 * report's "failed" column, the daily quota (which counts forwarded requests only) and the
 * metrics' request results. The gateway writes these words (its `Outcome` type is built from
 * them and the refusal reasons); every other outcome but `ok` is a refusal. A new way for a
 * forwarded request to fail is added here, once.
 */

/** Every way a forwarded request ends without the upstream's answer (the gateway proxy's failures). */
export const FORWARDING_FAILURES = ['UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_INVALID', 'CLIENT_CLOSED', 'CLIENT_TIMEOUT', 'SHUTDOWN'] as const;

/**
 * A verified request whose client left while it waited for its turn on the connection (behind
 * pipelined requests): never forwarded, so it uses no daily quota.
 */
export const CLIENT_CLOSED_QUEUED = 'CLIENT_CLOSED_QUEUED';

/**
 * Outcomes of requests that verified but did not get a good answer (the report's "failed"): the
 * upstream's 5xx, a forwarding failure, or a client that left before its turn.
 */
export const FAILED_OUTCOMES = ['UPSTREAM_5XX', ...FORWARDING_FAILURES, CLIENT_CLOSED_QUEUED] as const;

/** Outcomes of requests that were forwarded, what a daily quota counts: `ok`, the upstream's 5xx and the forwarding failures. */
export const FORWARDED_OUTCOMES = ['ok', 'UPSTREAM_5XX', ...FORWARDING_FAILURES] as const;

/** The outcome of a request that verified. */
export type VerifiedOutcome = 'ok' | (typeof FAILED_OUTCOMES)[number];
