/**
 * Reads the credential a form's fields describe into the core's `CredentialInput`.
 *
 * Google takes a client ID or an API key, Streetmaps an API key, each with a base64url secret;
 * MapTiler takes one token `KEY_SECRET`. The secret is handed to the core as typed and only
 * ever lives in the page's memory.
 */
import type { CredentialInput, SchemeName } from '../../web.js';

/** The scheme names offered by the page's selects, in their order. */
export const SCHEME_OPTIONS: readonly SchemeName[] = ['google', 'streetmaps', 'maptiler'];

/** True when `value` is one of the core's scheme names. */
export function isSchemeName(value: string): value is SchemeName {
  return (SCHEME_OPTIONS as readonly string[]).includes(value);
}

/**
 * The credential for `scheme`, or `undefined` when no secret was typed.
 *
 * @param id client ID or API key; empty means "taken from the URL"
 * @param secret the secret, or for MapTiler the whole token
 * @param googleIdentity for Google, whether `id` is a client ID or an API key
 * @example credentialInput('google', 'AIzaSyTEST', 'vNIXE0xscrmjlyV-12Nj_BvUPaw=', 'key')
 */
export function credentialInput(scheme: SchemeName, id: string, secret: string, googleIdentity: 'client' | 'key' = 'client'): CredentialInput | undefined {
  const text = secret.trim();
  if (text === '') return undefined;
  const identity = id.trim();
  switch (scheme) {
    case 'maptiler':
      return { scheme, token: text };
    case 'google':
      if (identity === '') return { scheme, secret: text };
      return googleIdentity === 'key' ? { scheme, key: identity, secret: text } : { scheme, client: identity, secret: text };
    case 'streetmaps':
      return identity === '' ? { scheme, secret: text } : { scheme, key: identity, secret: text };
  }
}
