/**
 * The Node floor for a proxy, for `bench:gateway`: `node:http` in front of undici's pooled
 * `Agent`, streaming through the same `dispatch` API the gateway uses, and nothing else — no
 * verification, no header rules, no logging, no usage counts. Whatever the gateway runs slower
 * than this is the cost of what it adds. Prints `bare proxy http://…` once listening.
 *
 * Run: `node --import tsx bench/bare-proxy.ts http://127.0.0.1:UPSTREAM_PORT`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';

const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:8080');
const agent = new Agent({ connections: 128, keepAliveTimeout: 10_000 });

const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
  const headers: string[] = [];
  for (const name in req.headers) if (name !== 'host' && name !== 'connection') headers.push(name, String(req.headers[name]));
  headers.push('host', upstream.host);
  agent.dispatch(
    { origin: upstream.origin, path: req.url ?? '/', method: req.method as Dispatcher.HttpMethod, headers },
    {
      onRequestStart() {},
      onResponseStart(_controller, status, responseHeaders) {
        const out: string[] = [];
        for (const name in responseHeaders) if (name !== 'connection' && name !== 'keep-alive') out.push(name, String(responseHeaders[name]));
        res.writeHead(status, out);
      },
      onResponseData(controller, chunk) {
        if (!res.write(chunk)) {
          controller.pause();
          res.once('drain', () => controller.resume());
        }
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError() {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      },
    },
  );
});
// Exit cleanly on Ctrl-C, so that a --cpu-prof run writes its profile.
process.once('SIGINT', () => process.exit(0));
server.listen(0, '127.0.0.1', () => console.log(`bare proxy http://127.0.0.1:${(server.address() as AddressInfo).port}`));
