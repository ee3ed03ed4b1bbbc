/**
 * Guesses which scheme a URL was signed with, for the debugger when the user does not say.
 */
import type { SchemeName } from './credential.js';
import { findParams } from './url-parts.js';

/**
 * `client=` means Google; `key=` on a MapTiler host, or a 44-character (SHA-256) signature,
 * means MapTiler; any other `key=` means Streetmaps. Google is the fallback.
 *
 * @example guessScheme('https://api.maptiler.com/maps/streets/style.json?key=abc') // 'maptiler'
 */
export function guessScheme(url: string): SchemeName {
  const queryStart = url.indexOf('?');
  const query = queryStart < 0 ? '' : url.slice(queryStart + 1).split('#')[0]!;
  if (findParams(query, 'client').length > 0) return 'google';
  if (findParams(query, 'key').length > 0) {
    const signature = findParams(query, 'signature').at(-1)?.value.replace(/=+$/, '') ?? '';
    if (/^https?:\/\/[^/?#]*maptiler\./i.test(url) || signature.length === 43) return 'maptiler';
    return 'streetmaps';
  }
  return 'google';
}
