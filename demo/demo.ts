/**
 * The newcomer's first run (`npm run demo`): starts a stand-in map service, a gateway in front
 * of it on a fresh SQLite database in ./.mapsign-demo, and a throwaway demo credential; checks
 * that a signed URL passes and a tampered one is refused with its reason; then prints
 * ready-to-paste `mapsign sign` and `curl` commands and keeps serving until Ctrl-C.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { startDemoUpstream } from './upstream.js';
import { createJsonLogger, startGateway } from '../src/gateway/index.js';
import { parseCredential, signUrl } from '../src/index.js';
import { createCredential, credentialInput, openSqliteStore } from '../src/store/index.js';
import { debuggerRoute } from '../src/debugger/page.js';

const dir = join(process.cwd(), '.mapsign-demo');
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true, mode: 0o700 });
const db = join(dir, 'mapsign.db');
const secretFile = join(dir, 'demo-secret');

const upstream = await startDemoUpstream();
const store = openSqliteStore(db);
const issued = await createCredential(store, { scheme: 'google', id: 'gme-demo', label: 'demo (throwaway)' });
await writeFile(secretFile, `${issued.text.secret}\n`, { mode: 0o600 });
const port = Number(process.env['MAPSIGN_DEMO_PORT'] ?? 8787);
const gatewayOptions = { store, upstream: upstream.url, routes: { '/debugger': debuggerRoute }, log: createJsonLogger(process.stderr) };
const gateway = await startGateway({ ...gatewayOptions, listen: { port } }).catch(() =>
  // 8787 taken (another demo running?): any free port does for a demo.
  startGateway({ ...gatewayOptions, listen: { port: 0 } }),
);

const unsigned = `${gateway.address}/maps/api/geocode/json?address=New+York&client=gme-demo`;
const signed = signUrl(unsigned, parseCredential(credentialInput('google', 'gme-demo', issued.text.secret)));
const tampered = signed.replace('New+York', 'Boston');
const pass = await fetch(signed);
const fail = await fetch(tampered);
const cli = 'mapsign';
const rel = relative(process.cwd(), secretFile);
const signCommand = `${cli} sign --scheme google --client gme-demo --secret-file ${rel} '${unsigned.replace('&client=gme-demo', '')}'`;

process.stdout.write(`mapsign gateway demo
  gateway     ${gateway.address}  (verifies, then forwards)
  upstream    ${upstream.url}  (a stand-in geocoder and tile server)
  debugger    ${gateway.address}/debugger  (paste a URL and the secret to see why it fails)
  database    ${relative(process.cwd(), db)}
  credential  client gme-demo (google scheme), secret in ${rel} — throwaway, for this demo only

Self-check:
  signed URL    -> ${pass.status} ${(await pass.text()).slice(0, 60)}…
  tampered URL  -> ${(await fail.text()).split('\n')[0]}

Try it yourself (in another terminal, in this directory):
  alias mapsign='node ${join(process.cwd(), 'dist', 'cli', 'main.js')}'
  ${signCommand}
  curl -i "$(${signCommand})"
  curl -i "$(${signCommand} | sed 's/New+York/Boston/')"
  curl -s -H 'Accept: application/json' "$(${signCommand} | sed 's/New+York/Boston/')"

  ${cli} credentials list --db ${relative(process.cwd(), db)}
  ${cli} usage --db ${relative(process.cwd(), db)}

One JSON log line per request follows on stderr. Ctrl-C stops the gateway (usage is saved).
`);

const stop = async (): Promise<void> => {
  await gateway.close();
  await upstream.close();
  process.stdout.write('demo stopped\n');
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
