/**
 * Google Maps Platform URL signing ("Authentication and Authorization", Digital signatures):
 * HMAC-SHA1 over `/path?query` with the base64url-decoded signing secret, `signature=` appended
 * last as URL-safe base64 with padding.
 *
 * Google has two identities that sign the same way: a premium client ID (`client=gme-…`, with
 * an optional reporting `channel=` name) and, for the Maps Static and Street View Static APIs,
 * an API key with its URL signing secret (`key=AIza…`, where a channel is a number 0–999).
 * Google rejects a request that carries both.
 */
import { encodeBase64url } from '../encoding/base64url.js';
import { encodeHex } from '../encoding/hex.js';
import type { Credential, CredentialInput } from '../credential.js';
import { MapsignError } from '../errors.js';
import { parseBase64urlSecret, randomBytes } from '../secret-text.js';
import { checkIdentity } from './identity.js';
import type { Scheme } from './scheme.js';

const SECRET = { label: 'Google signing secret', minBytes: 20, maxBytes: 20 } as const;

/**
 * The Google Maps Platform scheme: client IDs and API keys.
 *
 * @example signUrl(url, { scheme: 'google', client: 'gme-acme', secret }) // uses this scheme
 */
export const google: Scheme = {
  name: 'google',
  title: 'Google Maps Platform',
  algorithm: 'SHA-1',
  identityParams: ['client', 'key'],
  signs: 'path-and-query',
  onOtherIdentity: 'reject',
  secretEncoding: 'base64url',
  usualSecretBytes: SECRET,
  parseCredential(input: CredentialInput): Credential {
    const client = 'client' in input ? checkIdentity(input.client, 'client ID') : undefined;
    const key = 'key' in input ? checkIdentity(input.key, 'API key') : undefined;
    if (client !== undefined && key !== undefined) {
      throw new MapsignError('INVALID_ARGUMENT', 'Give a Google client ID (client, --client) or an API key (key, --key), not both: Google rejects a URL that carries both.');
    }
    const secret = parseBase64urlSecret('secret' in input ? input.secret : undefined, SECRET);
    if (key !== undefined) return { scheme: 'google', id: key, param: 'key', secret };
    return { scheme: 'google', id: client, param: client === undefined ? undefined : 'client', secret };
  },
  generateCredential() {
    // Google issues client IDs prefixed `gme-` and 20-byte keys printed as 28 base64url characters.
    return { id: `gme-${encodeHex(randomBytes(8))}`, secret: encodeBase64url(randomBytes(20)) };
  },
};
