/**
 * Google Maps Platform client-ID signing (seed 001): `client=gme-…`, optional `channel=`,
 * HMAC-SHA1 over `/path?query` with the base64url-decoded 20-byte private key, and
 * `signature=` appended last as URL-safe base64 with padding.
 */
import { encodeBase64url, encodeHex } from '../base64.js';
import type { Credential, CredentialInput } from '../credential.js';
import { parseBase64urlSecret, randomBytes } from '../secret-text.js';
import { checkIdentity } from './identity.js';
import type { Scheme } from './scheme.js';

const SECRET = { label: 'Google signing secret', minBytes: 20, maxBytes: 20 } as const;

/** The Google Maps Platform client-ID scheme. */
export const google: Scheme = {
  name: 'google',
  title: 'Google Maps Platform (client ID)',
  algorithm: 'SHA-1',
  identityParam: 'client',
  signs: 'path-and-query',
  onOtherIdentity: 'reject',
  secretEncoding: 'base64url',
  parseCredential(input: CredentialInput): Credential {
    const client = 'client' in input ? checkIdentity(input.client, 'client ID') : undefined;
    return { scheme: 'google', id: client, secret: parseBase64urlSecret('secret' in input ? input.secret : undefined, SECRET) };
  },
  generateCredential() {
    // Google issues client IDs prefixed `gme-` and 20-byte keys printed as 28 base64url characters.
    return { id: `gme-${encodeHex(randomBytes(8))}`, secret: encodeBase64url(randomBytes(20)) };
  },
};
