/**
 * The crypto seam on Node: synchronous HMAC through `node:crypto`.
 *
 * Each secret becomes a `KeyObject` once (cached per Secret), and the digest is produced as
 * base64url natively, so signing adds almost nothing to the bare `createHmac` cost.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { HmacAlgorithm, HmacSync } from '../core/hmac.js';
import { revealSecretBytes, type Secret } from '../core/secret.js';

const NODE_ALGORITHM: Readonly<Record<HmacAlgorithm, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' };
const keys = new WeakMap<Secret, KeyObject>();

function keyFor(secret: Secret): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(revealSecretBytes(secret));
    keys.set(secret, key);
  }
  return key;
}

/** HMAC via `node:crypto`, as unpadded URL-safe base64. */
export const nodeHmac: HmacSync = (algorithm, secret, message) =>
  createHmac(NODE_ALGORITHM[algorithm], keyFor(secret)).update(message).digest('base64url');
