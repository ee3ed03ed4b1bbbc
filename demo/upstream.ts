/**
 * A tiny stand-in map service for the demo, the benchmarks and the multi-gateway tests (not part
 * of the published package): fake geocoding JSON at
 * `/maps/api/geocode/json` and a 1×1 PNG for `/tiles/{z}/{x}/{y}.png`, 404 JSON otherwise.
 * It trusts whatever reaches it — protecting it is the gateway's job.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The smallest valid PNG: one transparent pixel.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A running demo upstream. */
export interface DemoUpstream {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Starts the demo upstream on loopback (`port` 0 for any free port).
 *
 * @example const upstream = await startDemoUpstream(0); console.log(upstream.url)
 */
export async function startDemoUpstream(port = 0): Promise<DemoUpstream> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname === '/maps/api/geocode/json') {
      const address = url.searchParams.get('address') ?? '';
      const body = JSON.stringify({ status: 'OK', results: [{ formatted_address: address, geometry: { location: { lat: 40.7128, lng: -74.006 } } }], served_for: req.headers['x-mapsign-credential'] ?? null });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else if (/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(url.pathname)) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PIXEL.length, 'cache-control': 'public, max-age=60' });
      res.end(PIXEL);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"status":"NOT_FOUND"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
