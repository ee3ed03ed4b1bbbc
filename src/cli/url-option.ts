/**
 * Options whose value is a URL (`serve --upstream`, `--public-url`): the commonest slip, a
 * host and port without `http://`, is named as such with the corrected value, instead of a
 * general "not a URL".
 */
import { UsageError } from './usage-error.js';

/**
 * `value` when it is an absolute http(s) URL; otherwise a {@link UsageError} that says what is
 * missing or wrong, naming `option`.
 *
 * @example urlOption('127.0.0.1:8080', '--upstream') // throws: --upstream "127.0.0.1:8080" has no scheme: write http://127.0.0.1:8080 …
 */
export function urlOption(value: string, option: string): string {
  const shown = JSON.stringify(value.slice(0, 60));
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    throw new UsageError(`${option} ${shown} has no scheme: write http://${value.replace(/^\/+/, '')} (or https://…).`);
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${option} must be an absolute http or https URL such as http://127.0.0.1:8080, not ${shown}.`);
  }
  return value;
}
