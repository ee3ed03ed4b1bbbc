/**
 * Which identity parameter a URL is signed with, and the refusals when the URL and the
 * credential disagree.
 *
 * Google has two identities (a client ID in `client=`, an API key in `key=`); the other schemes
 * have `key=` only. The credential chooses when it names its id; otherwise the URL does. Every
 * refusal says what the URL actually carries and which option fixes it, naming both the library
 * field and the CLI option (`client`/`--client`, `key`/`--key`, `--scheme`).
 */
import type { Credential, IdentityParam } from './credential.js';
import { MapsignError } from './errors.js';
import type { Scheme } from './schemes/scheme.js';
import { hasParam } from './query-params.js';

/** What each identity parameter holds, for messages. */
const HOLDS: Readonly<Record<IdentityParam, string>> = { client: 'a Google client ID', key: 'an API key' };

/** How to pass each identity, in the library and on the command line. */
const PASS: Readonly<Record<IdentityParam, string>> = { client: 'the client ID (client, --client)', key: 'the API key (key, --key)' };

function wrongParam(scheme: Scheme, credential: Credential, found: IdentityParam): MapsignError {
  if (scheme.identityParams.includes(found)) {
    // Google, with a credential of the other identity.
    const want = credential.param ?? scheme.identityParams[0]!;
    const streetmaps = found === 'key' ? ' (--scheme streetmaps for a Streetmaps key)' : '';
    return new MapsignError(
      'IDENTITY_MISMATCH',
      `The URL carries ${found}= (${HOLDS[found]}), but the credential is ${PASS[want]}; remove ${found}= from the URL to sign with it, or sign with ${PASS[found]} and its own secret${streetmaps}.`,
    );
  }
  // `client=` for a scheme that signs with `key=` only.
  return new MapsignError(
    'IDENTITY_MISMATCH',
    `The URL carries client= (a Google client ID), but ${scheme.title} signs with key=; remove client=, or sign it as Google with --scheme google --client.`,
  );
}

/**
 * The identity parameter to sign `query` with, for `credential` under `scheme`.
 * Throws `CLIENT_AND_KEY`, `IDENTITY_MISMATCH` or `MISSING_CREDENTIAL_ID`.
 *
 * @example chooseIdentity(google, { scheme: 'google', id: undefined, secret }, 'center=0,0&key=AIza') // 'key'
 */
export function chooseIdentity(scheme: Scheme, credential: Credential, query: string | undefined): IdentityParam {
  // Runs on every signature: two scans of the query, no allocation.
  const client = query !== undefined && hasParam(query, 'client');
  const key = query !== undefined && hasParam(query, 'key');
  if (client && key) {
    const keep = scheme.identityParams.length === 2 ? `keep client= to sign with ${PASS.client} or key= to sign with ${PASS.key}` : `remove client=; ${scheme.title} signs with key=`;
    throw new MapsignError('CLIENT_AND_KEY', `The URL carries both client= and key=, and servers reject that: ${keep}.`);
  }
  const found: IdentityParam | undefined = client ? 'client' : key ? 'key' : undefined;
  const wanted = credential.param ?? (credential.id !== undefined || scheme.identityParams.length === 1 ? scheme.identityParams[0] : undefined);
  if (found !== undefined && wanted !== undefined && found !== wanted) {
    throw wrongParam(scheme, credential, found);
  }
  const param = wanted ?? found;
  if (param === undefined) {
    throw new MapsignError('MISSING_CREDENTIAL_ID', `The URL carries neither client= nor key=, and the credential names neither: pass ${PASS.client} or ${PASS.key}.`);
  }
  if (found === undefined && credential.id === undefined) {
    throw new MapsignError('MISSING_CREDENTIAL_ID', `The URL carries no ${param}= and the credential names no ${param === 'client' ? 'client ID' : 'key'}: pass ${PASS[param]}.`);
  }
  return param;
}
