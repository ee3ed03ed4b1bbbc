/**
 * Prints the test files to run, one per line, for `npm test` (all of them, as CI runs) and
 * `npm run test:fast` (`--fast`: without the suites that start browsers, database clusters,
 * workerd, child processes or long timers — what a developer runs between edits, under 30 s).
 * Node 20's test runner does not expand globs itself.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Suites left out of the fast run, each with what makes it slow. */
const SLOW = new Map([
  ['test/debugger/', 'drives Chromium'],
  ['test/signer/browser.test.ts', 'drives Chromium'],
  ['test/signer/worker.test.ts', 'bundles and runs workerd'],
  ['test/signer/example.test.ts', 'runs the signing-service example as processes, drives Chromium'],
  ['test/gateway/usage-page.test.ts', 'drives Chromium against a gateway\'s admin listener'],
  ['test/multi/', 'starts mapsign serve processes and a PostgreSQL cluster'],
  ['test/worker/', 'bundles and runs workerd'],
  ['test/store/postgres.test.ts', 'starts a PostgreSQL cluster'],
  ['test/store/resilient.test.ts', 'stops and starts a PostgreSQL cluster'],
  ['test/store/usage-retry.test.ts', 'starts a PostgreSQL cluster'],
  ['test/gateway/shutdown.test.ts', 'signals mapsign serve processes, freezes PostgreSQL'],
  ['test/gateway/robustness.test.ts', 'waits out upstream and body timeouts'],
  ['test/gateway/access-log.test.ts', 'starts mapsign serve processes'],
  ['test/gateway/store-lock.test.ts', 'holds a lock for seconds'],
  ['test/gateway/controls-serve.test.ts', 'starts and restarts mapsign serve processes'],
  ['test/gateway/engines.test.ts', 'starts nginx, Caddy and mapsign serve processes'],
  ['test/cli/stream.test.ts', 'signs a million URLs'],
  ['test/cli/progress.test.ts', 'waits for progress lines on a pseudo-terminal'],
  ['test/package/light-install.test.ts', 'packs and installs the package'],
  ['test/package/readme-snippets.test.ts', 'type-checks every README snippet'],
]);

const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
const fast = process.argv.includes('--fast');
const files = walk(join(root, 'test'))
  .map((file) => relative(root, file).split('\\').join('/'))
  .filter((file) => file.endsWith('.test.ts'))
  .filter((file) => !fast || ![...SLOW.keys()].some((slow) => file.startsWith(slow)))
  .sort();
process.stdout.write(`${files.join('\n')}\n`);
