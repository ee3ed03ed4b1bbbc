/**
 * Limits the providers document.
 */

/**
 * Longest URL the web services accept, signature included (Streetmaps, "Dev: SM: V2
 * Authentication": URLs are "limited to 2048 characters"); raise `maxLength` for services that
 * allow more.
 *
 * @example signUrl(url, credential, { maxLength: MAX_URL_LENGTH * 4 })
 */
export const MAX_URL_LENGTH = 2048;
