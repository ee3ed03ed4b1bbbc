/**
 * Credentials and signed request targets for the gateway's security tests: a credential made
 * through the store of a running test gateway, a signer for it, and a second, independent
 * Google signer (HMAC-SHA1 over the raw `path?query` bytes, base64url with its `=` kept, as
 * Google's "Digital signature" guide describes) that signs targets the library's signer would
 * re-encode first, so the gateway can be given exact raw bytes that still verify. Not a test
 * file itself.
 */
import { createHmac } from 'node:crypto';
import { parseCredential, signUrl } from '../../src/index.js';
import { credentialInput } from '../../src/store/index.js';
import { createLoaded } from '../gateway/helpers.js';
import type { RunningGateway } from '../../src/gateway/index.js';

/** A credential the gateway knows, with a signer. */
export interface TestCredential {
  readonly scheme: 'google' | 'streetmaps' | 'maptiler';
  readonly id: string;
  readonly secret: string;
  /** Signs an absolute URL with the library. */
  sign(url: string): string;
  /**
   * A signed origin-form target for `path` (which may carry a query): `client=`/`key=` added as
   * the last parameter before the signature.
   */
  target(path: string): string;
}

/**
 * Creates a credential in the gateway's SQLite file and waits until the gateway has it.
 *
 * @example const google = await issue(gateway, dbFile, 'google'); rawRequest({ target: google.target('/tiles/1.png') })
 */
export async function issue(gateway: RunningGateway, dbFile: string, scheme: TestCredential['scheme']): Promise<TestCredential> {
  const issued = await createLoaded(gateway, dbFile, { scheme });
  return credentialFor(scheme, issued.text.id, issued.text.secret);
}

/** A {@link TestCredential} from its id and secret text (e.g. printed by `mapsign credentials create`). */
export function credentialFor(scheme: TestCredential['scheme'], id: string, secret: string): TestCredential {
  const credential = parseCredential(credentialInput(scheme, id, secret));
  const sign = (url: string): string => signUrl(url, credential);
  const param = scheme === 'google' ? 'client' : 'key';
  return {
    scheme,
    id,
    secret,
    sign,
    target: (path) => sign(`http://gateway.test${path}${path.includes('?') ? '&' : '?'}${param}=${id}`).slice('http://gateway.test'.length),
  };
}

/**
 * Signs a raw origin-form target with a Google credential, byte for byte, without the library:
 * appends `client=ID`, then `signature=` over `path?query&client=ID`.
 *
 * @example rawGoogleTarget(google, "/t?q=o'neil") // "/t?q=o'neil&client=gme-…&signature=…="
 */
export function rawGoogleTarget(credential: TestCredential, pathAndQuery: string): string {
  if (credential.scheme !== 'google') throw new Error('rawGoogleTarget signs Google credentials only');
  const unsigned = `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}client=${credential.id}`;
  const mac = createHmac('sha1', Buffer.from(credential.secret, 'base64url')).update(Buffer.from(unsigned, 'latin1')).digest('base64url');
  return `${unsigned}&signature=${mac}${'='.repeat((4 - (mac.length % 4)) % 4)}`;
}

/** The target without its `client=`, `key=` and `signature=` pairs — computed here, not by the gateway's code. */
export function withoutAuth(target: string): string {
  const mark = target.indexOf('?');
  if (mark < 0) return target;
  const kept = target
    .slice(mark + 1)
    .split('&')
    .filter((pair) => !/^(?:client|key|signature)(?:=|$)/.test(pair));
  return kept.length === 0 ? target.slice(0, mark) : `${target.slice(0, mark)}?${kept.join('&')}`;
}
