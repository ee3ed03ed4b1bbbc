/**
 * Credentials: the text people hold, what a signer holds once it is parsed, and what a verifier
 * looks up. A credential is a scheme, the public identifier sent in the URL (`client=` or
 * `key=`) and a {@link Secret}; a verifier may hold several secrets for one identifier, so a
 * rotated secret stays valid for an overlap.
 *
 * Text becomes a credential in one place, {@link parseCredential}, with the rules of its scheme.
 * Stores keep an id and the secret text apart; {@link credentialInput} turns that pair into the
 * provider's form — for MapTiler the token `KEY_SECRET`, joined here and nowhere else.
 * A generated credential is shown once: {@link IssuedCredential} keeps its secret text out of
 * `JSON.stringify`, `toString` and `util.inspect`; only {@link IssuedCredential.reveal} gives it.
 */
import { MapsignError } from './errors.js';
import { getScheme, type SchemeName } from './schemes/index.js';
import type { CredentialText } from './schemes/scheme.js';
import { Secret } from './secret.js';

export type { SchemeName } from './schemes/index.js';

/**
 * The query parameter that names the credential.
 *
 * @example parseCredential({ scheme: 'google', key: 'AIzaSyTEST', secret }).param // 'key'
 */
export type IdentityParam = 'client' | 'key';

/**
 * A parsed signing credential.
 *
 * @example const credential: Credential = parseCredential({ scheme: 'google', key: 'AIzaSyTEST', secret })
 */
export interface Credential {
  readonly scheme: SchemeName;
  /** `client` ID or API `key`; `undefined` when the URLs to sign already carry it. */
  readonly id: string | undefined;
  /**
   * The parameter `id` is sent as. Google has two identities (a client ID in `client=`, an API
   * key in `key=`). When `undefined`: the scheme's usual one (`client=` for Google) if `id` is
   * set, else whichever the URL carries.
   */
  readonly param?: IdentityParam | undefined;
  readonly secret: Secret;
}

/**
 * A credential as a verifier stores it: every secret that is currently valid.
 *
 * @example verifyUrl(url, { scheme: 'google', id: 'gme-acme', secrets: [current, previous] })
 */
export interface VerifierCredential {
  readonly scheme: SchemeName;
  readonly id: string;
  /** Current secret first, then secrets still inside their rotation overlap. */
  readonly secrets: readonly Secret[];
  readonly revoked?: boolean | undefined;
  /** The parameter `id` is sent as; default the scheme's usual one (`client=` for Google). */
  readonly param?: IdentityParam | undefined;
}

/**
 * Credential text as people hold it, before parsing.
 *
 * @example parseCredential({ scheme: 'streetmaps', key: 'k-123', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' })
 */
export type CredentialInput =
  | { readonly scheme: 'google'; readonly client?: string | undefined; readonly key?: string | undefined; readonly secret: string }
  | { readonly scheme: 'streetmaps'; readonly key?: string | undefined; readonly secret: string }
  | { readonly scheme: 'maptiler'; readonly token: string };

/**
 * Finds the credential a URL names; `undefined` when it is unknown.
 *
 * @example const lookup: CredentialLookup = (id) => byId.get(id); verifyUrl(url, lookup)
 */
export type CredentialLookup = (id: string, param: IdentityParam) => VerifierCredential | undefined;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Parses credential text with the rules of its scheme. Throws `INVALID_SECRET`, `INVALID_TOKEN`,
 * `INVALID_ARGUMENT` or `UNKNOWN_SCHEME`, with messages that never repeat the secret.
 *
 * @example parseCredential({ scheme: 'google', client: 'gme-acme', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' })
 * @example parseCredential({ scheme: 'maptiler', token: 'KEY_0123abcd…' })
 */
export function parseCredential(input: CredentialInput): Credential {
  if (input === null || typeof input !== 'object') {
    throw new MapsignError('INVALID_ARGUMENT', 'Pass credential text as an object, e.g. { scheme: "google", client, secret } or { scheme: "maptiler", token }.');
  }
  return getScheme(input.scheme).parseCredential(input);
}

/**
 * A parsed credential as is; credential text parsed.
 *
 * @example asCredential({ scheme: 'maptiler', token }) // parsed; a parsed credential comes back as is
 */
export function asCredential(value: Credential | CredentialInput): Credential {
  return isParsed(value) ? value : parseCredential(value);
}

function isParsed(value: Credential | CredentialInput): value is Credential {
  return value !== null && typeof value === 'object' && 'secret' in value && value.secret instanceof Secret;
}

/**
 * The text to show the owner of a credential kept as an id and a secret: both, and for MapTiler
 * the token `KEY_SECRET` it hands out ("How to use Credentials to securely sign requests to
 * MapTiler Cloud API": the token's two parts are separated with an underscore).
 *
 * @example credentialText('maptiler', 'abc', '00ff') // { id: 'abc', secret: '00ff', token: 'abc_00ff' }
 */
export function credentialText(scheme: SchemeName, id: string, secret: string): CredentialText {
  return scheme === 'maptiler' ? { id, secret, token: `${id}_${secret}` } : { id, secret };
}

/**
 * Credential text in the form {@link parseCredential} takes, from an id and a secret held apart:
 * as stores keep them, or as a command line or a form asks for them.
 *
 * `id` is the client ID or API key, `undefined` when the URLs carry it; for MapTiler, `secret`
 * is then the whole token `KEY_SECRET`. `param` says which Google identity `id` is: a client ID
 * (the default, and what stores keep) or an API key.
 *
 * @example parseCredential(credentialInput('maptiler', 'abc', '00ff…')) // the token abc_00ff…
 * @example parseCredential(credentialInput('google', 'AIzaSyTEST', secret, 'key'))
 */
export function credentialInput(scheme: SchemeName, id: string | undefined, secret: string, param?: IdentityParam | undefined): CredentialInput {
  switch (scheme) {
    case 'maptiler':
      return { scheme, token: id === undefined ? secret : credentialText(scheme, id, secret).token! };
    case 'google':
      return param === 'key' ? { scheme, key: id, secret } : { scheme, client: id, secret };
    case 'streetmaps':
      return { scheme, key: id, secret };
  }
}

/**
 * A newly generated credential whose secret text is revealed only on request.
 *
 * @example String(generateCredential('maptiler')) // 'maptiler credential 0a1b… [secret redacted]'
 */
export class IssuedCredential {
  readonly scheme: SchemeName;
  readonly id: string;
  readonly credential: Credential;
  readonly #text: CredentialText;

  constructor(scheme: SchemeName, generated: { readonly id: string; readonly secret: string }) {
    this.scheme = scheme;
    this.id = generated.id;
    this.#text = credentialText(scheme, generated.id, generated.secret);
    this.credential = parseCredential(credentialInput(scheme, generated.id, generated.secret));
  }

  /** The id, secret text and (MapTiler) token, to show the owner once. */
  reveal(): CredentialText {
    return this.#text;
  }

  toJSON(): { scheme: SchemeName; id: string; secret: string } {
    return { scheme: this.scheme, id: this.id, secret: '[redacted]' };
  }

  toString(): string {
    return `${this.scheme} credential ${this.id} [secret redacted]`;
  }

  [INSPECT](): string {
    return `IssuedCredential(${this.toString()})`;
  }
}

/**
 * Generates a new credential from the CSPRNG, in the provider's format.
 *
 * @example generateCredential('google').reveal() // { id: 'gme-…', secret: '…28 base64url chars…' }
 */
export function generateCredential(scheme: SchemeName): IssuedCredential {
  const definition = getScheme(scheme);
  return new IssuedCredential(definition.name, definition.generateCredential());
}
