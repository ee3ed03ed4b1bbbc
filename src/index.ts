/**
 * `mapsign` on Node: synchronous signing, verification and explanation over `node:crypto`,
 * with the runtime-independent core (credentials, `buildUrl`, errors, reason and cause texts).
 *
 * @example
 * import { createSigner, verifyUrl } from 'mapsign'
 * const sign = createSigner({ scheme: 'google', client: 'gme-acme', secret: process.env.MAPSIGN_SECRET! })
 * const url = sign('https://maps.googleapis.com/maps/api/geocode/json?address=New+York')
 */
export * from './core/index.js';
export { createSigner, explainUrl, signUrl, verifyUrl } from './api/node.js';
