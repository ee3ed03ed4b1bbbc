/**
 * The shape every provider module fills in. A scheme is data plus credential parsing; the
 * signing, verifying and explaining logic is shared (`../sign.ts`, `../verify.ts`,
 * `../explain.ts`), so a new provider is one small file and one entry in `./index.ts`.
 */
import type { Credential, CredentialInput, IdentityParam } from '../credential.js';
import type { HmacAlgorithm } from '../hmac.js';
import type { SecretLengths } from '../secret-text.js';
import type { SchemeName } from './index.js';

/**
 * Freshly generated credential text, to be shown once.
 *
 * @example generateCredential('maptiler').reveal() // { id, secret, token: `${id}_${secret}` }
 */
export interface CredentialText {
  /** `client` ID or API `key`. */
  readonly id: string;
  /** The secret as the provider prints it (base64url or hex). */
  readonly secret: string;
  /** MapTiler-style `KEY_SECRET` token, for schemes that hand out one string. */
  readonly token?: string | undefined;
}

/**
 * A provider's signed-URL scheme.
 *
 * @example const { title, algorithm, signs } = getScheme('maptiler') // 'MapTiler (credentials token)', 'SHA-256', 'full-url'
 */
export interface Scheme {
  readonly name: SchemeName;
  /** Human name, for reports. */
  readonly title: string;
  readonly algorithm: HmacAlgorithm;
  /**
   * Query parameters that may name the credential, the usual one first: Google takes a client
   * ID (`client=`) or an API key (`key=`); the others take `key=` only.
   */
  readonly identityParams: readonly IdentityParam[];
  /** What the HMAC covers: `/path?query`, or the whole URL with protocol and host. */
  readonly signs: 'path-and-query' | 'full-url';
  /** What signing does to an identity parameter already in the URL with another value. */
  readonly onOtherIdentity: 'reject' | 'replace';
  /** How the provider encodes secrets. */
  readonly secretEncoding: 'base64url' | 'hex';
  /** The decoded secret lengths the provider issues; other lengths sign, with a warning. */
  readonly usualSecretBytes: SecretLengths;
  /** Parses credential text; throws `INVALID_SECRET` / `INVALID_TOKEN` / `INVALID_ARGUMENT`. */
  parseCredential(input: CredentialInput): Credential;
  /** Generates a new id and secret from the CSPRNG in the provider's format. */
  generateCredential(): { readonly id: string; readonly secret: string };
}
