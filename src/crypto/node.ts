/**
 * The crypto seam on Node: synchronous HMAC through `node:crypto`.
 *
 * The key bytes go straight to `createHmac` (measured faster than a cached `KeyObject`), and
 * the digest comes out as base64url natively, so signing adds little to the bare HMAC cost.
 */
import { createHmac } from 'node:crypto';
import type { HmacAlgorithm, HmacSync } from '../core/hmac.js';
import { revealSecretBytes } from '../core/secret.js';

const NODE_ALGORITHM: Readonly<Record<HmacAlgorithm, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' };

/**
 * HMAC via `node:crypto`, as unpadded URL-safe base64.
 *
 * @example nodeHmac('SHA-1', secret, '/maps/api/geocode/json?address=New+York&client=clientID')
 */
export const nodeHmac: HmacSync = (algorithm, secret, message) =>
  createHmac(NODE_ALGORITHM[algorithm], revealSecretBytes(secret)).update(message).digest('base64url');
