/**
 * One gateway as its own process, wired exactly as `mapsign serve --db postgres://…` wires it
 * (openStore with the resilient wrapper, /healthz from the store, NOTIFY refreshing the cache),
 * for the multi-gateway tests and the benchmark. Configured by environment, never argv, so no
 * token appears in a process list: MAPSIGN_DB, MAPSIGN_UPSTREAM, optional MAPSIGN_ADMIN_TOKEN
 * (admin API on a free loopback port). Prints one JSON line with its addresses on stdout,
 * notices on stderr, and on SIGTERM drains, writes usage and exits 0. Not a test file itself.
 */
import { startGateway } from '../../src/gateway/index.js';
import { followChanges, storeRoutes } from '../../src/store/gateway-hooks.js';
import { openStore } from '../../src/store/open.js';

const warn = (message: string): void => {
  process.stderr.write(`gateway ${process.pid}: ${message}\n`);
};
const db = process.env['MAPSIGN_DB'];
const upstream = process.env['MAPSIGN_UPSTREAM'];
if (db === undefined || upstream === undefined) throw new Error('Set MAPSIGN_DB and MAPSIGN_UPSTREAM.');
const token = process.env['MAPSIGN_ADMIN_TOKEN'];

const store = await openStore(db, { resilient: { log: warn, retryMs: 200 } });
const gateway = await startGateway({
  store,
  upstream,
  listen: { port: 0, host: '127.0.0.1' },
  routes: storeRoutes(store),
  warn,
  ...(token === undefined ? {} : { admin: { listen: { port: 0, host: '127.0.0.1' }, token } }),
});
followChanges(store, gateway.cache);
process.stdout.write(`${JSON.stringify({ address: gateway.address, admin: gateway.adminAddress ?? null })}\n`);
process.once('SIGTERM', () => {
  void gateway.close(2000).then(() => process.exit(0));
});
