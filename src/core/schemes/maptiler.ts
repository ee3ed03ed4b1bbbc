/**
 * MapTiler credentials ("How to use Credentials to securely sign requests to MapTiler Cloud
 * API"): one token `KEY_SECRET`; `key=KEY` is added to the URL, the
 * whole URL (scheme, host, path, query) is signed with HMAC-SHA256 using the hex-decoded secret,
 * and `signature=` is appended last as URL-safe base64 with padding.
 */
import { encodeHex } from '../encoding/hex.js';
import type { Credential, CredentialInput } from '../credential.js';
import { MapsignError } from '../errors.js';
import { parseHexSecret, randomBytes } from '../secret-text.js';
import { checkIdentity } from './identity.js';
import type { Scheme } from './scheme.js';

const SECRET = { label: 'MapTiler token secret (after the _)', minBytes: 16, maxBytes: 64 } as const;

/**
 * The MapTiler credentials scheme.
 *
 * @example signUrl(url, { scheme: 'maptiler', token }) // uses this scheme
 */
export const maptiler: Scheme = {
  name: 'maptiler',
  title: 'MapTiler (credentials token)',
  algorithm: 'SHA-256',
  identityParams: ['key'],
  signs: 'full-url',
  // MapTiler's guide adds key= to the URL; a key already there is replaced so the token's key wins.
  onOtherIdentity: 'replace',
  secretEncoding: 'hex',
  usualSecretBytes: SECRET,
  parseCredential(input: CredentialInput): Credential {
    const token = 'token' in input ? input.token : undefined;
    if (typeof token !== 'string') {
      throw new MapsignError('INVALID_TOKEN', 'A MapTiler token is missing: pass the token from Account > Credentials, of the form KEY_SECRET.');
    }
    const trimmed = token.trim();
    // MapTiler's guide splits at the first underscore (Python's str.partition).
    const cut = trimmed.indexOf('_');
    if (cut <= 0 || cut === trimmed.length - 1) {
      throw new MapsignError('INVALID_TOKEN', `A MapTiler token has two parts joined by an underscore, KEY_SECRET; this one (${trimmed.length} characters) lacks the key or the secret part.`);
    }
    return { scheme: 'maptiler', id: checkIdentity(trimmed.slice(0, cut), 'MapTiler key'), param: 'key', secret: parseHexSecret(trimmed.slice(cut + 1), SECRET) };
  },
  generateCredential() {
    return { id: encodeHex(randomBytes(12)), secret: encodeHex(randomBytes(32)) };
  },
};
