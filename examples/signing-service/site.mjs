/**
 * The example's two other parties, in one process: the static page on http://127.0.0.1:8000 (the
 * allowed origin of policy.json), and a stand-in for maps.googleapis.com on :8790 that draws a
 * small SVG map for every URL whose signature verifies with `mapsign` and answers 403 otherwise.
 * The stand-in needs the secret, as Google has it; the page never does.
 *
 * Run (from the repository, after `npm run build`):
 *   MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw=' node examples/signing-service/site.mjs
 * Env: PAGE_PORT (8000), PROVIDER_PORT (8790), SIGNER_URL (http://127.0.0.1:8788).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseCredential, verifyUrl } from 'mapsign';

const secret = process.env.MAPSIGN_SECRET;
if (secret === undefined) throw new Error('Set MAPSIGN_SECRET to the secret the signing service uses.');
const signer = process.env.SIGNER_URL ?? 'http://127.0.0.1:8788';
const credential = parseCredential({ scheme: 'google', key: 'AIzaSyEXAMPLE', secret });
const page = readFileSync(new URL('./index.html', import.meta.url), 'utf8').replaceAll('SIGNER', signer);

const escape = (text) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
const map = (center) => `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150"><rect width="300" height="150" fill="#cfe8cf"/>
<path d="M0 110 C80 60 180 140 300 70" stroke="#6aa9e9" stroke-width="14" fill="none"/><circle cx="150" cy="75" r="8" fill="#d33"/>
<text x="10" y="20" font-family="sans-serif" font-size="13">signature verified: ${escape(center)}</text></svg>`;

const pageServer = createServer((req, res) => {
  if (req.url === '/' || req.url === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  else res.writeHead(404).end();
});
const provider = createServer((req, res) => {
  const url = `http://${req.headers.host}${req.url}`;
  const result = verifyUrl(url, credential);
  if (!result.valid) res.writeHead(403, { 'content-type': 'text/plain' }).end(`The provided signature is invalid (${result.reason}).`);
  else res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(map(new URL(url).searchParams.get('center') ?? ''));
});
pageServer.listen(Number(process.env.PAGE_PORT ?? 8000), '127.0.0.1', () => console.log(`page on http://127.0.0.1:${pageServer.address().port}/`));
provider.listen(Number(process.env.PROVIDER_PORT ?? 8790), '127.0.0.1', () => console.log(`stand-in provider on http://127.0.0.1:${provider.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { pageServer.close(); provider.close(); });
