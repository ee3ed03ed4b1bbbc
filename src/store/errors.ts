/**
 * The error the store and the credential operations throw for requests they cannot carry out.
 * Like the core's `MapsignError`, it carries a stable `code` that the CLI and the admin API
 * turn into an exit status or an HTTP status.
 */
import { CodedError } from '../core/errors.js';

/** Stable codes for store failures. */
export type StoreErrorCode = 'CREDENTIAL_EXISTS' | 'CREDENTIAL_NOT_FOUND' | 'CREDENTIAL_REVOKED' | 'DRIVER_MISSING' | 'INVALID_INPUT' | 'STORE_FAILED';

/**
 * A failed store operation.
 *
 * @example if (isStoreError(e, 'CREDENTIAL_NOT_FOUND')) return 404
 */
export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';
}

/** True when `value` is a {@link StoreError}, optionally with the given code. */
export function isStoreError(value: unknown, code?: StoreErrorCode): value is StoreError {
  return value instanceof StoreError && (code === undefined || value.code === code);
}

/**
 * The errors every store throws for the same credential problem, with the same words.
 *
 * @example throw credentialErrors.notFound('gme-acme')
 */
export const credentialErrors = {
  exists: (id: string): StoreError => new StoreError('CREDENTIAL_EXISTS', `A credential with id ${id} already exists; choose another id.`),
  notFound: (id: string): StoreError => new StoreError('CREDENTIAL_NOT_FOUND', `No credential with id ${id}; list them with \`mapsign credentials list\`.`),
  revoked: (id: string): StoreError => new StoreError('CREDENTIAL_REVOKED', `Credential ${id} is revoked; create a new credential instead of rotating it.`),
};
