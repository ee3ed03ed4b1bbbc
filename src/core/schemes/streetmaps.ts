/**
 * Streetmaps API-key signing ("Dev: SM: V2 Authentication"): Google's algorithm — HMAC-SHA1 over `/path?query`,
 * base64url secret, `signature=` last — with the free API key in `key=` instead of a client ID.
 */
import { encodeBase64url } from '../encoding/base64url.js';
import { encodeHex } from '../encoding/hex.js';
import type { Credential, CredentialInput } from '../credential.js';
import { parseBase64urlSecret, randomBytes } from '../secret-text.js';
import { checkIdentity } from './identity.js';
import type { Scheme } from './scheme.js';

const SECRET = { label: 'Streetmaps signing secret', minBytes: 16, maxBytes: 64 } as const;

/**
 * The Streetmaps API-key scheme.
 *
 * @example signUrl(url, { scheme: 'streetmaps', key: 'k-123', secret }) // uses this scheme
 */
export const streetmaps: Scheme = {
  name: 'streetmaps',
  title: 'Streetmaps (API key)',
  algorithm: 'SHA-1',
  identityParams: ['key'],
  signs: 'path-and-query',
  onOtherIdentity: 'reject',
  secretEncoding: 'base64url',
  usualSecretBytes: SECRET,
  parseCredential(input: CredentialInput): Credential {
    const key = 'key' in input ? checkIdentity(input.key, 'API key') : undefined;
    return { scheme: 'streetmaps', id: key, param: 'key', secret: parseBase64urlSecret('secret' in input ? input.secret : undefined, SECRET) };
  },
  generateCredential() {
    // Hex keys: a base64url key could begin with "-" and be taken for an option in a shell.
    return { id: encodeHex(randomBytes(20)), secret: encodeBase64url(randomBytes(20)) };
  },
};
