/**
 * Reads the credential a form's fields describe into the core's `CredentialInput`.
 *
 * Google takes a client ID or an API key, Streetmaps an API key, each with a base64url secret;
 * MapTiler takes one token `KEY_SECRET`. The secret is handed to the core as typed and only
 * ever lives in the page's memory.
 */
import { credentialInput, type CredentialInput, type SchemeName } from '../../core/credential.js';

/**
 * The credential for `scheme`, or `undefined` when no secret was typed.
 *
 * @param id client ID or API key; empty means "taken from the URL"
 * @param secret the secret, or for MapTiler the whole token
 * @param googleIdentity for Google, whether `id` is a client ID or an API key
 * @example formCredentialInput('google', 'AIzaSyTEST', 'vNIXE0xscrmjlyV-12Nj_BvUPaw=', 'key')
 */
export function formCredentialInput(scheme: SchemeName, id: string, secret: string, googleIdentity: 'client' | 'key' = 'client'): CredentialInput | undefined {
  const text = secret.trim();
  if (text === '') return undefined;
  // A MapTiler token names its key itself: the id field does not take part.
  const identity = scheme === 'maptiler' ? '' : id.trim();
  return credentialInput(scheme, identity === '' ? undefined : identity, text, googleIdentity);
}
