/**
 * Turns anything thrown while checking or signing into a sentence for the page. Core errors
 * (`MapsignError`) already say what to do and never contain a secret; anything else is a bug,
 * reported without its details so that no input is echoed back.
 */
import { isMapsignError } from '../../core/index.js';
import { h } from './dom.js';

/** What went wrong, as shown to the user. */
export interface Failure {
  readonly title: string;
  readonly message: string;
  /** The stable `MapsignError` code, when there is one. */
  readonly code: string | undefined;
}

/**
 * Describes `error`, thrown while doing `action` (e.g. "sign the URL").
 *
 * @example describeFailure(new MapsignError('INVALID_SECRET', '…'), 'check the signature').code // 'INVALID_SECRET'
 */
export function describeFailure(error: unknown, action: string): Failure {
  if (isMapsignError(error)) return { title: `Could not ${action}`, message: error.message, code: error.code };
  return { title: `Could not ${action}`, message: 'An unexpected error happened in the page. Reload it and try again; nothing was sent anywhere.', code: undefined };
}

/** A failure as an alert box. */
export function renderFailure(failure: Failure): HTMLElement {
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    h('p', { class: 'notice-title' }, failure.title),
    h('p', {}, failure.message),
    failure.code === undefined ? undefined : h('p', { class: 'muted' }, 'Error code: ', h('code', {}, failure.code)),
  );
}
