/**
 * Guesses which scheme a URL was signed with, for the debugger when the user does not say.
 */
import type { SchemeName } from './schemes/index.js';
import { signatureLength } from './signature.js';
import { findParams } from './query-params.js';

/**
 * `client=` means Google; `key=` on a MapTiler host, or a 44-character (SHA-256) signature,
 * means MapTiler; `key=` on a Google host (`*.googleapis.com`) or with a Google API key
 * (`AIza…`) means Google; any other `key=` means Streetmaps. Google is the fallback.
 *
 * @example guessScheme('https://api.maptiler.com/maps/streets/style.json?key=abc') // 'maptiler'
 * @example guessScheme('https://maps.googleapis.com/maps/api/staticmap?center=0,0&key=AIzaXYZ') // 'google'
 */
export function guessScheme(url: string): SchemeName {
  const queryStart = url.indexOf('?');
  const query = queryStart < 0 ? '' : url.slice(queryStart + 1).split('#')[0]!;
  if (findParams(query, 'client').length > 0) return 'google';
  const key = findParams(query, 'key')[0];
  if (key !== undefined) {
    const signature = findParams(query, 'signature').at(-1)?.value.replace(/=+$/, '') ?? '';
    if (/^https?:\/\/[^/?#]*maptiler\./i.test(url) || signature.length === signatureLength('SHA-256', 'unpadded')) return 'maptiler';
    if (/^https?:\/\/[^/?#]*\.googleapis\.com(?:[:/?#]|$)/i.test(url) || key.value.startsWith('AIza')) return 'google';
    return 'streetmaps';
  }
  return 'google';
}
