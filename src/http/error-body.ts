/**
 * The one JSON error shape of mapsign's HTTP surfaces: the gateway's refusals (when the client
 * asks for JSON) and every answer of the admin API that is not a success are
 * `{"error":{"status","reason","message",…}}` — the HTTP status repeated, a stable upper-case
 * reason code, a message that says what to do, and optional fields that depend on the reason
 * (`field` for an admin request field, `checked` and `credential` for a refused signature,
 * `parameter` and `route` for the signing service's refusals).
 * Fields whose value is `undefined` are left out.
 */

/** The members every error carries, and the optional ones. */
export interface ErrorFields {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
  /** The request field (body member or query parameter) at fault, as a JSON-pointer-like path (`label`, `allowPaths/0`). */
  readonly field?: string | undefined;
  /** The string a signature was checked against. */
  readonly checked?: string | undefined;
  /** The credential a refused URL named. */
  readonly credential?: string | undefined;
  /** The signing service's query parameter at fault. */
  readonly parameter?: string | undefined;
  /** The signing service's route that refused. */
  readonly route?: string | undefined;
}

/**
 * The JSON body of an error, one line with a final newline.
 *
 * @example errorJson({ status: 400, reason: 'UNKNOWN_FIELD', message: 'Unknown field "lable". Did you mean label?', field: 'lable' })
 */
export function errorJson(error: ErrorFields): string {
  const { status, reason, message, field, checked, credential, parameter, route } = error;
  return `${JSON.stringify({ error: { status, reason, message, field, checked, credential, parameter, route } })}\n`;
}
