/**
 * The worker's credentials, from a binding: `MAPSIGN_CREDENTIALS`, a JSON array of credentials
 * in each provider's own text format — exactly what `parseCredential` takes — plus an optional
 * `"revoked": true`. Entries with the same id are one credential with several secrets, current
 * first (a rotation overlap):
 *
 *   [{ "scheme": "google", "client": "gme-acme", "secret": "…" },
 *    { "scheme": "maptiler", "token": "KEY_SECRET" },
 *    { "scheme": "streetmaps", "key": "k-old", "secret": "…", "revoked": true }]
 *
 * Set it as a secret (`wrangler secret put MAPSIGN_CREDENTIALS`), never as a plain var: it holds
 * signing secrets. Errors name the entry's position and what is wrong, never the secret text.
 */
import { isMapsignError, parseCredential, type CredentialInput, type CredentialLookup, type VerifierCredential } from '../../src/web.js';

/** A lookup over the binding, or the reason the binding is unusable. */
export type LoadedCredentials = { readonly ok: true; readonly lookup: CredentialLookup } | { readonly ok: false; readonly problem: string };

/**
 * Parses the binding's text into a lookup for `verifyUrl`.
 *
 * @example const loaded = loadCredentials(env.MAPSIGN_CREDENTIALS); if (loaded.ok) await verifyUrl(url, loaded.lookup)
 */
export function loadCredentials(text: string | undefined): LoadedCredentials {
  if (text === undefined || text.trim() === '') return { ok: false, problem: 'The MAPSIGN_CREDENTIALS binding is missing: set it to a JSON array of credentials.' };
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'MAPSIGN_CREDENTIALS is not valid JSON: set it to a JSON array of credentials.' };
  }
  if (!Array.isArray(entries)) return { ok: false, problem: 'MAPSIGN_CREDENTIALS must be a JSON array of credentials.' };
  const byId = new Map<string, VerifierCredential>();
  for (const [index, entry] of entries.entries()) {
    let credential;
    try {
      credential = parseCredential(entry as CredentialInput);
    } catch (error) {
      if (!isMapsignError(error)) throw error;
      return { ok: false, problem: `MAPSIGN_CREDENTIALS entry ${index + 1}: ${error.message}` };
    }
    if (credential.id === undefined) return { ok: false, problem: `MAPSIGN_CREDENTIALS entry ${index + 1} names no client or key.` };
    const revoked = (entry as { revoked?: unknown }).revoked === true;
    const found = byId.get(credential.id);
    if (found !== undefined && found.scheme !== credential.scheme) return { ok: false, problem: `MAPSIGN_CREDENTIALS entry ${index + 1}: id ${credential.id} is listed under two schemes.` };
    byId.set(credential.id, {
      scheme: credential.scheme,
      id: credential.id,
      secrets: [...(found?.secrets ?? []), credential.secret],
      revoked: revoked || found?.revoked === true,
    });
  }
  return { ok: true, lookup: (id) => byId.get(id) };
}
