/**
 * Parsing and issuing credentials in each provider's format.
 *
 * A generated credential is shown once: {@link IssuedCredential} keeps its secret text out of
 * `JSON.stringify`, `toString` and `util.inspect`; only {@link IssuedCredential.reveal} gives it.
 */
import type { Credential, CredentialInput, SchemeName } from './credential.js';
import { MapsignError } from './errors.js';
import { getScheme } from './schemes/index.js';
import { Secret } from './secret.js';
import type { CredentialText } from './schemes/scheme.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Parses credential text with the rules of its scheme.
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

/** A parsed credential as is; credential text parsed. */
export function asCredential(value: Credential | CredentialInput): Credential {
  return isParsed(value) ? value : parseCredential(value);
}

function isParsed(value: Credential | CredentialInput): value is Credential {
  return value !== null && typeof value === 'object' && 'secret' in value && value.secret instanceof Secret;
}

/** A newly generated credential whose secret text is revealed only on request. */
export class IssuedCredential {
  readonly scheme: SchemeName;
  readonly id: string;
  readonly credential: Credential;
  readonly #text: CredentialText;

  constructor(scheme: SchemeName, text: CredentialText) {
    this.scheme = scheme;
    this.id = text.id;
    this.#text = text;
    const input: CredentialInput =
      scheme === 'maptiler' ? { scheme, token: text.token! } : scheme === 'google' ? { scheme, client: text.id, secret: text.secret } : { scheme, key: text.id, secret: text.secret };
    this.credential = parseCredential(input);
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
