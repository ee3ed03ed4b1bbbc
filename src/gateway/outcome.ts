/**
 * How one request through the gateway ended — the word usage counts it under and the log line
 * carries: `ok`; the refusal's reason (a shape rule or a verification failure); or, for a
 * verified request, why it did not get the upstream's answer. The store keeps it as text, so
 * rows written by other versions stay readable.
 */
import type { RefusalReason } from '../http/refusal.js';
import type { VerifiedOutcome } from '../store/outcomes.js';

/** The outcome of one request: a forwarded one's (`ok`, `UPSTREAM_5XX`, a proxy failure) or a refusal's. */
export type Outcome = VerifiedOutcome | RefusalReason;
