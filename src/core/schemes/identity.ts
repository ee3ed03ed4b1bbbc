/**
 * Validation of the public identifier (`client` ID or API `key`) a credential carries.
 */
import { MapsignError } from '../errors.js';

/**
 * Checks an identifier: 1 to 256 printable ASCII characters without spaces or `& = # ? % +`.
 * `undefined` passes through (the URLs to sign carry the identifier themselves).
 *
 * @example checkIdentity('gme-acme', 'client ID') // 'gme-acme'; 'a b' throws INVALID_ARGUMENT
 */
export function checkIdentity(value: string | undefined, label: string): string | undefined;
export function checkIdentity(value: string, label: string): string;
export function checkIdentity(value: string | undefined, label: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(value) || /[&=#?%+]/.test(value)) {
    throw new MapsignError('INVALID_ARGUMENT', `The ${label} must be 1 to 256 printable ASCII characters without spaces or & = # ? % +.`);
  }
  return value;
}
