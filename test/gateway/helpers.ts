/**
 * Shared fixtures for the gateway tests: a temp dir with a real SQLite file, a real upstream
 * HTTP server that records what reaches it, and a gateway started on loopback.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PassThrough } from 'node:stream';
import type { Command } from '../../src/cli/command.js';
import { runCommand } from '../../src/cli/run-command.js';
import { createCredential, openSqliteStore, type CreateOptions, type IssuedSecret } from '../../src/store/index.js';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/gateway/index.js';

/** What the upstream saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real upstream: `/slow` answers after `slowMs`, everything else echoes as JSON. */
export async function startUpstream(t: TestContext, slowMs = 2000): Promise<{ url: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive', 'x-upstream': 'yes' });
        res.end(JSON.stringify({ url: req.url }));
      };
      if (req.url?.startsWith('/slow')) timers.add(setTimeout(answer, slowMs));
      else answer();
    });
  });
  await listen(server);
  t.after(async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Listens on a free loopback port. */
export function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

/** A temp directory removed after the test. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-gw-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a gateway on a fresh SQLite file; stopped after the test unless already closed. */
export async function startTestGateway(t: TestContext, upstream: string, options: Partial<StartOptions> = {}): Promise<{ gateway: RunningGateway; dbFile: string }> {
  const dbFile = join(await tempDir(t), 'mapsign.db');
  const gateway = await startGateway({ store: openSqliteStore(dbFile), upstream, listen: { port: 0 }, ...options });
  t.after(() => gateway.close(0));
  return { gateway, dbFile };
}

/**
 * Creates a credential in the gateway's database, as `mapsign credentials create` would from
 * another process, and waits until the running gateway has loaded it.
 *
 * @example const issued = await createLoaded(gateway, dbFile, { scheme: 'google', id: 'gme-acme' })
 */
export async function createLoaded(gateway: RunningGateway, dbFile: string, options: CreateOptions): Promise<IssuedSecret> {
  const admin = openSqliteStore(dbFile);
  try {
    return await createCredential(admin, options);
  } finally {
    await admin.close();
    await gateway.cache.poll();
  }
}

/** A raw HTTP request, so the target is sent byte for byte (fetch would normalise it). */
export function rawGet(base: string, target: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: target, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('test request timed out')));
    req.end(body);
  });
}

export { eventually } from '../support/eventually.js';

/** Runs a CLI command in process with captured output (no binary, no child process). */
export async function runInProcess(command: Command, argv: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCommand(command, argv, { stdin: new PassThrough(), stdout, stderr, env });
  return { code, out, err };
}
