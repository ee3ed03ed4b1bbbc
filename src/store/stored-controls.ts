/**
 * A credential's controls in a database column: canonical JSON text, or NULL for none — the
 * same in SQLite and PostgreSQL. Read back through the core's checks, so a row edited by hand
 * into something the gateway cannot enforce fails loudly (naming the credential) instead of
 * being read as "no restriction".
 */
import { applyControlChanges, hasControls, parseControls, type ControlChanges, type CredentialControls } from '../core/credential-controls.js';
import { StoreError } from './errors.js';

/**
 * The column value for `controls`.
 *
 * @example controlsColumn({}) // null
 */
export function controlsColumn(controls: CredentialControls | undefined): string | null {
  return controls === undefined || !hasControls(controls) ? null : JSON.stringify(controls);
}

/**
 * The controls stored for credential `id`; throws `STORE_FAILED` for a column that does not parse.
 *
 * @example controlsFromColumn(row.controls, row.id)
 */
export function controlsFromColumn(text: string | null, id: string): CredentialControls {
  if (text === null) return {};
  try {
    return parseControls(JSON.parse(text));
  } catch (error) {
    throw new StoreError('STORE_FAILED', `The stored controls of credential ${id} are not valid (${(error as Error).message}); set them again with \`mapsign credentials update ${id}\`.`, { cause: error });
  }
}

/**
 * The column value once `changes` are applied to the stored `text`.
 *
 * @example mergedColumn(row.controls, row.id, { dailyQuota: null })
 */
export function mergedColumn(text: string | null, id: string, changes: ControlChanges | undefined): string | null {
  const current = controlsFromColumn(text, id);
  return controlsColumn(changes === undefined ? current : applyControlChanges(current, changes));
}
