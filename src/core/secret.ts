/**
 * A signing secret that cannot leak by accident.
 *
 * The bytes live in a module-private WeakMap, not on the object, so `JSON.stringify`,
 * `toString`, template strings and Node's `util.inspect` all see only `[redacted]`.
 * Only the crypto seam reads them, through {@link revealSecretBytes}, which the package's
 * public entry points do not export.
 */

const bytesOf = new WeakMap<Secret, Uint8Array<ArrayBuffer>>();

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * An opaque HMAC key. Create one with `parseCredential` or `generateCredential`.
 *
 * @example String(parseCredential({ scheme: 'google', secret }).secret) // '[redacted]'
 */
export class Secret {
  /** Number of key bytes; safe to show. */
  readonly length: number;

  constructor(bytes: Uint8Array) {
    bytesOf.set(this, Uint8Array.from(bytes));
    this.length = bytes.length;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [INSPECT](): string {
    return `Secret(${this.length} bytes, [redacted])`;
  }
}

/**
 * The key bytes, for the crypto seam only.
 *
 * @example createHmac('sha1', revealSecretBytes(secret))
 */
export function revealSecretBytes(secret: Secret): Uint8Array<ArrayBuffer> {
  const bytes = bytesOf.get(secret);
  if (bytes === undefined) throw new TypeError('not a mapsign Secret');
  return bytes;
}
