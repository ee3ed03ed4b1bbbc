/**
 * The error the signing service throws while it is being set up — a policy that does not
 * validate, a route whose secret is missing or unreadable — with a stable `code`. Requests never
 * throw: they are answered with a refusal (`refusals.ts`).
 */
import { CodedError } from '../core/errors.js';

/** Stable codes for set-up failures of the signing service. */
export type SignerErrorCode = 'INVALID_POLICY' | 'MISSING_SECRET' | 'INVALID_SECRET';

/**
 * A policy or secret the signing service cannot start with. For `INVALID_POLICY` the message
 * starts with the JSON path of the offending value, e.g. `routes.staticmap.params.zoom.integer: …`.
 *
 * @example try { parsePolicy(json) } catch (e) { if (e instanceof SignerError) console.error(e.message) }
 */
export class SignerError extends CodedError<SignerErrorCode> {
  override readonly name = 'SignerError';
}
