/**
 * Limits from the specification documents.
 */

/** Longest URL the web services accept, signature included (seed 002: "limited to 2048 characters"). */
export const MAX_URL_LENGTH = 2048;
