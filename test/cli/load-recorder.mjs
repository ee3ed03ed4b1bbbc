/**
 * Records every module a `mapsign` run loads, for the test that `mapsign --help` loads no
 * command module and no database driver. Preloaded with `node --import` (the main thread), it
 * registers itself as a module customization hook (Node's `module.register`): the `resolve`
 * hook below runs in the hooks thread and appends each ES module URL to $MAPSIGN_LOAD_LOG. The
 * drivers are CommonJS, loaded with `require`, which those hooks do not see in Node 20, so the
 * main thread appends the paths in `require.cache` as the process exits.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const log = process.env.MAPSIGN_LOAD_LOG;
if (log === undefined) throw new Error('load-recorder.mjs needs MAPSIGN_LOAD_LOG, the file to append to');

if (isMainThread) {
  register(import.meta.url);
  const { cache } = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(log, Object.keys(cache).map((path) => `${path}\n`).join('')));
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(log, `${result.url}\n`);
  return result;
}
