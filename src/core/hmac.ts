/**
 * The crypto seam: the only thing the core needs from a runtime.
 *
 * An engine turns (algorithm, secret, message) into an HMAC, returned as URL-safe base64
 * *without* padding — Node produces that natively (`digest('base64url')`), which keeps the hot
 * path free of JavaScript re-encoding. The message is a JavaScript string the engine encodes
 * as UTF-8; signed strings are ASCII by construction, so this is byte-exact.
 * Implementations: `src/crypto/node.ts` (sync) and `src/crypto/web.ts` (WebCrypto, async).
 */
import type { Secret } from './secret.js';

/** HMAC hash functions the schemes use (WebCrypto names). */
export type HmacAlgorithm = 'SHA-1' | 'SHA-256';

/** Digest length in bytes for each algorithm. */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { 'SHA-1': 20, 'SHA-256': 32 };

/** A synchronous HMAC, result as unpadded URL-safe base64. */
export type HmacSync = (algorithm: HmacAlgorithm, secret: Secret, message: string) => string;

/** An asynchronous HMAC (WebCrypto), result as unpadded URL-safe base64. */
export type HmacAsync = (algorithm: HmacAlgorithm, secret: Secret, message: string) => Promise<string>;

/** One HMAC a core routine needs computed; see `drive.ts`. */
export interface HmacRequest {
  readonly algorithm: HmacAlgorithm;
  readonly secret: Secret;
  readonly message: string;
}
