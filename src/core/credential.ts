/**
 * What a signer holds and what a verifier looks up: credentials, independent of provider.
 *
 * A credential is a scheme, the public identifier sent in the URL (`client=` or `key=`) and a
 * {@link Secret}. A verifier may hold several secrets for one identifier so that a rotated
 * secret stays valid for an overlap.
 */
import type { Secret } from './secret.js';

/** The providers mapsign signs for. */
export type SchemeName = 'google' | 'streetmaps' | 'maptiler';

/** The query parameter that names the credential. */
export type IdentityParam = 'client' | 'key';

/** A parsed signing credential. */
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

/** A credential as a verifier stores it: every secret that is currently valid. */
export interface VerifierCredential {
  readonly scheme: SchemeName;
  readonly id: string;
  /** Current secret first, then secrets still inside their rotation overlap. */
  readonly secrets: readonly Secret[];
  readonly revoked?: boolean;
  /** The parameter `id` is sent as; default the scheme's usual one (`client=` for Google). */
  readonly param?: IdentityParam | undefined;
}

/** Credential text as people hold it, before parsing. */
export type CredentialInput =
  | { readonly scheme: 'google'; readonly client?: string; readonly key?: string; readonly secret: string }
  | { readonly scheme: 'streetmaps'; readonly key?: string; readonly secret: string }
  | { readonly scheme: 'maptiler'; readonly token: string };

/** Finds the credential a URL names; `undefined` when it is unknown. */
export type CredentialLookup = (id: string, param: IdentityParam) => VerifierCredential | undefined;
