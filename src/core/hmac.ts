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

/**
 * HMAC hash functions the schemes use (WebCrypto names).
 *
 * @example getScheme('google').algorithm // 'SHA-1'
 */
export type HmacAlgorithm = 'SHA-1' | 'SHA-256';

/**
 * A synchronous HMAC, result as unpadded URL-safe base64.
 *
 * @example const hmac: HmacSync = nodeHmac; hmac('SHA-1', secret, '/path?client=c') // 27 base64url characters
 */
export type HmacSync = (algorithm: HmacAlgorithm, secret: Secret, message: string) => string;

/**
 * An asynchronous HMAC (WebCrypto), result as unpadded URL-safe base64.
 *
 * @example await webHmac('SHA-256', secret, 'https://api.maptiler.com/a?key=k') // 43 base64url characters
 */
export type HmacAsync = (algorithm: HmacAlgorithm, secret: Secret, message: string) => Promise<string>;

/**
 * One HMAC a core routine needs computed; see `drive.ts`.
 *
 * @example const { algorithm, secret, message } = planSignature(url, credential)
 */
export interface HmacRequest {
  readonly algorithm: HmacAlgorithm;
  readonly secret: Secret;
  readonly message: string;
}
