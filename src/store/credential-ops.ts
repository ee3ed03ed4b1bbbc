/**
 * Credential operations shared by `mapsign credentials` and the admin HTTP API, so both
 * validate, generate, rotate, revoke and audit the same way: secrets come from the core's
 * CSPRNG generator in each provider's format and are returned once, to be shown to the
 * operator and never again; every operation writes one audit entry (`audit-trail.ts`) for the
 * context it is given (a library caller that gives none is audited as `library`).
 */
import { credentialInput, credentialText, generateCredential, parseCredential, type SchemeName } from '../core/credential.js';
import { parseControlChanges, parseControls, type ControlChanges, type CredentialControls } from '../core/credential-controls.js';
import { isMapsignError } from '../core/errors.js';
import { isSchemeName, SCHEME_NAMES } from '../core/schemes/index.js';
import type { CredentialText } from '../core/schemes/scheme.js';
import type { CredentialChanges, CredentialInfo, MapsignStore } from './contract.js';
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
  /** Restrictions and limits (check JSON input with {@link controlsInput}). */
  readonly controls?: CredentialControls | undefined;
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

/** Runs a core check, reporting its `MapsignError` as an input error. */
function asInputError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (isMapsignError(error)) throw new StoreError('INVALID_INPUT', error.message);
    throw error;
  }
}

/**
 * Controls given as JSON (an admin API body), checked; throws `INVALID_INPUT` naming the field.
 *
 * @example controlsInput({ allowPaths: ['/tiles/'] })
 */
export function controlsInput(value: unknown): CredentialControls {
  return asInputError(() => parseControls(value));
}

/**
 * Control changes given as JSON (`null` clears a field), checked; throws `INVALID_INPUT`.
 *
 * @example controlChangesInput({ rateLimit: null })
 */
export function controlChangesInput(value: unknown): ControlChanges {
  return asInputError(() => parseControlChanges(value));
}

/** Checks a chosen id the way the core checks identities, reporting an input error. */
function checkId(scheme: SchemeName, id: string, secret: string): void {
  asInputError(() => parseCredential(credentialInput(scheme, id, secret)));
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
  const details = { scheme: options.scheme.slice(0, 20), fields: [...(['id', 'label'] as const).filter((field) => options[field] !== undefined), ...(options.controls !== undefined && Object.keys(options.controls).length > 0 ? ['controls'] : [])] };
  return audited(store, options.audit ?? libraryContext(), { action: 'create', credentialId: options.id ?? null, details, idOf: (issued) => issued.credential.id }, async () => {
    const scheme = checkScheme(options.scheme);
    const generated = generateCredential(scheme).reveal();
    const id = options.id ?? generated.id;
    if (options.id !== undefined) checkId(scheme, id, generated.secret);
    const text = credentialText(scheme, id, generated.secret);
    await store.insertCredential({ id, scheme, label: options.label ?? null, secretText: generated.secret, createdAt: options.now ?? Date.now(), controls: options.controls });
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
      throw new StoreError('INVALID_INPUT', `The rotation overlap must be a whole number of milliseconds from 0 to ${MAX_OVERLAP_MS} (${MAX_OVERLAP_MS / 86_400_000} days), not ${String(overlapMs).slice(0, 20)}.`);
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

/** Options for {@link updateCredential}. */
export interface UpdateOptions {
  readonly now?: number | undefined;
  readonly audit?: AuditContext | undefined;
}

/**
 * Changes a credential's label or controls and returns it; every gateway enforces the change
 * within a second. Throws `CREDENTIAL_NOT_FOUND` / `CREDENTIAL_REVOKED`. The audit entry names
 * the fields changed, never their values.
 *
 * @example await updateCredential(store, 'gme-acme', { controls: { rateLimit: { count: 50, per: 'second' }, allowIps: null } })
 */
export async function updateCredential(store: MapsignStore, id: string, changes: CredentialChanges, options: UpdateOptions = {}): Promise<CredentialInfo> {
  const fields = [...(changes.label !== undefined ? ['label'] : []), ...Object.keys(changes.controls ?? {}).map((name) => `controls.${name}`)];
  return audited(store, options.audit ?? libraryContext(), { action: 'update', credentialId: id, details: { fields } }, async () => {
    await store.updateCredential(id, changes, options.now ?? Date.now());
    const updated = await store.getCredential(id);
    if (updated === undefined) throw credentialErrors.notFound(id);
    return updated;
  });
}
