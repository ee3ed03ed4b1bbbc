/**
 * Credential operations shared by `mapsign credentials` and the admin HTTP API, so both
 * validate, generate, rotate, revoke and audit the same way: secrets come from the core's
 * CSPRNG generator in each provider's format and are returned once, to be shown to the
 * operator and never again; every operation writes one audit entry (`audit-trail.ts`) for the
 * context it is given (a library caller that gives none is audited as `library`).
 */
import { credentialInput, credentialText, generateCredential, parseCredential, type SchemeName } from '../core/credential.js';
import { isMapsignError } from '../core/errors.js';
import { isSchemeName, SCHEME_NAMES } from '../core/schemes/index.js';
import type { CredentialText } from '../core/schemes/scheme.js';
import type { CredentialInfo, MapsignStore } from './contract.js';
import { audited, libraryContext, type AuditContext } from './audit-trail.js';
import { MAX_OVERLAP_MS } from './duration.js';
import { credentialErrors, StoreError } from './errors.js';

/** The default rotation overlap, as Google keeps a previous key valid for 24 hours. */
export const DEFAULT_OVERLAP_MS = 24 * 3_600_000;

/** What creating or rotating returns: the record and, once, the secret text. */
export interface IssuedSecret {
  readonly credential: CredentialInfo;
  /** id, secret and (MapTiler) token: show once, never log. */
  readonly text: CredentialText;
}

/** Options for {@link createCredential}. */
export interface CreateOptions {
  readonly scheme: string;
  /** Defaults to a generated id in the provider's format. */
  readonly id?: string | undefined;
  readonly label?: string | undefined;
  readonly now?: number;
  /** Who is acting, for the audit trail; default a `library` actor. */
  readonly audit?: AuditContext | undefined;
}

/** Options for {@link rotateCredential}. */
export interface RotateOptions {
  readonly overlapMs?: number | undefined;
  readonly now?: number | undefined;
  readonly audit?: AuditContext | undefined;
}

/** Options for {@link revokeCredential}. */
export interface RevokeOptions {
  readonly now?: number | undefined;
  readonly audit?: AuditContext | undefined;
}

function checkScheme(scheme: string): SchemeName {
  if (isSchemeName(scheme)) return scheme;
  throw new StoreError('INVALID_INPUT', `Unknown scheme ${JSON.stringify(scheme.slice(0, 20))}; use one of ${SCHEME_NAMES.join(', ')}.`);
}

/** Checks a chosen id the way the core checks identities, reporting an input error. */
function checkId(scheme: SchemeName, id: string, secret: string): void {
  try {
    parseCredential(credentialInput(scheme, id, secret));
  } catch (error) {
    if (isMapsignError(error)) throw new StoreError('INVALID_INPUT', error.message);
    throw error;
  }
  // MapTiler splits the token at the first underscore, so its key cannot contain one.
  if (scheme === 'maptiler' && id.includes('_')) throw new StoreError('INVALID_INPUT', 'A MapTiler key cannot contain an underscore (the token is KEY_SECRET).');
}

/** The store keeps an id and `secret` as issued; the core turns them into credential text. */
export { credentialInput } from '../core/credential.js';

/**
 * Creates a credential with a fresh secret.
 *
 * @example const { text } = await createCredential(store, { scheme: 'google' }) // text.secret shown once
 */
export async function createCredential(store: MapsignStore, options: CreateOptions): Promise<IssuedSecret> {
  const details = { scheme: options.scheme.slice(0, 20), fields: ['id', 'label'].filter((field) => options[field as 'id' | 'label'] !== undefined) };
  return audited(store, options.audit ?? libraryContext(), { action: 'create', credentialId: options.id ?? null, details, idOf: (issued) => issued.credential.id }, async () => {
    const scheme = checkScheme(options.scheme);
    const generated = generateCredential(scheme).reveal();
    const id = options.id ?? generated.id;
    if (options.id !== undefined) checkId(scheme, id, generated.secret);
    const text = credentialText(scheme, id, generated.secret);
    await store.insertCredential({ id, scheme, label: options.label ?? null, secretText: generated.secret, createdAt: options.now ?? Date.now() });
    return { credential: (await store.getCredential(id))!, text };
  });
}

/**
 * Issues a new secret; the previous ones stay valid for `overlapMs` (default 24 h).
 *
 * @example await rotateCredential(store, 'gme-acme', { overlapMs: 3_600_000 })
 */
export async function rotateCredential(store: MapsignStore, id: string, options: RotateOptions = {}): Promise<IssuedSecret> {
  const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  return audited(store, options.audit ?? libraryContext(), { action: 'rotate', credentialId: id, details: { overlapMs } }, async () => {
    if (!Number.isInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_OVERLAP_MS) {
      throw new StoreError('INVALID_INPUT', `The rotation overlap must be a whole number of milliseconds from 0 to ${MAX_OVERLAP_MS} (366 days), not ${String(overlapMs).slice(0, 20)}.`);
    }
    const existing = await store.getCredential(id);
    if (existing === undefined) throw credentialErrors.notFound(id);
    const generated = generateCredential(existing.scheme).reveal();
    const now = options.now ?? Date.now();
    await store.rotateSecret(id, generated.secret, now, now + overlapMs);
    const text = credentialText(existing.scheme, id, generated.secret);
    return { credential: (await store.getCredential(id))!, text };
  });
}

/**
 * Revokes a credential (a second revocation keeps the first time) and returns it.
 *
 * @example const info = await revokeCredential(store, 'gme-acme', { audit: { actor: 'cli', source: osUser() } })
 */
export async function revokeCredential(store: MapsignStore, id: string, options: RevokeOptions = {}): Promise<CredentialInfo> {
  return audited(store, options.audit ?? libraryContext(), { action: 'revoke', credentialId: id }, async () => {
    await store.revokeCredential(id, options.now ?? Date.now());
    return (await store.getCredential(id))!;
  });
}
