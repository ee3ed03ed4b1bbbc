/**
 * Passwords inside URLs in settings (`postgres://app:PASSWORD@db/mapsign`, or libpq's
 * `?password=` parameter): found, so that a config file other users can read is flagged, and
 * masked, so that `--print-config` can show a database URL without its secret. Matched as
 * text, not parsed with `URL`, so everything but the password is shown exactly as written.
 */

/**
 * The scheme, the user and `:` of a userinfo with a password; the password, which runs to the
 * last `@` before the host (`u:p@ss@host` has the password `p@ss`, as libpq reads it); then `@`.
 */
const USERINFO_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#]+)(?=@[^@/?#]*(?:[/?#]|$))/i;

/** A query parameter whose name says it holds a secret (libpq's `password`, `sslpassword`; `api_key`, `token`). */
const QUERY_PASSWORD = /([?&][^=&#]*(?:pass|secret|token|key|auth)[^=&#]*=)([^&#]+)/gi;

/** What a masked password reads as. */
const MASK = '***';

/**
 * `text` with every password of a URL replaced by `***`; any other text unchanged.
 *
 * @example maskUrlPassword('postgres://app:s3cret@db/mapsign') // 'postgres://app:***@db/mapsign'
 */
export function maskUrlPassword(text: string): string {
  return text.replace(USERINFO_PASSWORD, `$1${MASK}`).replace(QUERY_PASSWORD, `$1${MASK}`);
}

/**
 * True when `text` is a URL that holds a password.
 *
 * @example hasUrlPassword('postgres://app@db/mapsign') // false
 */
export function hasUrlPassword(text: string): boolean {
  return maskUrlPassword(text) !== text;
}
