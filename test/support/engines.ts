/**
 * Real nginx and Caddy in front of `mapsign serve --auth-only`, for the engine tests and
 * `bench:auth`: each runs as a child process, without root, on a loopback port, from the
 * example configuration as shipped (examples/nginx/mapsign.conf, examples/caddy/Caddyfile)
 * with only its addresses replaced by the test's — and, for the nginx cache variant, its
 * `# proxy_cache` lines uncommented, as its README says. Pid, logs, temp and cache files live
 * in a temp directory. Not a test file itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX = '/usr/sbin/nginx';
export const CADDY = '/usr/bin/caddy';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** A running engine. */
export interface Engine {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** What the engine wrote to its logs so far (for failure messages). */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

/** Where the engine sends what. */
export interface EngineTargets {
  /** `127.0.0.1:PORT` of `mapsign serve --auth-only`. */
  readonly mapsign: string;
  /** `127.0.0.1:PORT` of the map service. */
  readonly upstream: string;
  /** A temp directory of its own. */
  readonly dir: string;
}

/** A free loopback port (closed again at once: the engine binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function substitute(text: string, pairs: readonly (readonly [string, string])[]): string {
  let out = text;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) throw new Error(`the example no longer contains ${JSON.stringify(from)}: update test/support/engines.ts`);
    out = out.split(from).join(to);
  }
  return out;
}

async function waitListening(port: number, child: ChildProcess, logs: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`the engine exited with ${child.exitCode}: ${await logs()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`the engine did not listen on ${port} within 10 s: ${await logs()}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * Runs nginx with `httpConf` (an http-context file) inside a minimal main configuration, the
 * stand-in for /etc/nginx/nginx.conf, listening on `port`.
 *
 * @example const engine = await runNginx(dir, rendered, port)
 */
export async function runNginx(dir: string, httpConf: string, port: number): Promise<Engine> {
  const temp = (name: string): string => `${name}_temp_path ${join(dir, name)};`;
  const main = `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}
  include ${join(dir, 'site.conf')};
}
`;
  await writeFile(join(dir, 'site.conf'), httpConf);
  await writeFile(join(dir, 'nginx.conf'), main);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'nginx-error.log')], { stdio: 'ignore' });
  const logs = (): Promise<string> => readFile(join(dir, 'nginx-error.log'), 'utf8').catch(() => '');
  await waitListening(port, child, logs);
  return { url: `http://127.0.0.1:${port}`, port, logs, stop: stopper(child) };
}

/**
 * nginx from examples/nginx/mapsign.conf; with `cache`, its positive-answer cache turned on.
 *
 * @example const nginx = await startExampleNginx({ mapsign: '127.0.0.1:8788', upstream: upstream.host, dir })
 */
export async function startExampleNginx(targets: EngineTargets & { readonly cache?: boolean }): Promise<Engine> {
  const port = await freePort();
  let conf = substitute(await readFile(join(EXAMPLES, 'nginx/mapsign.conf'), 'utf8'), [
    ['server 127.0.0.1:8788;', `server ${targets.mapsign};`],
    ['server 127.0.0.1:8080;', `server ${targets.upstream};`],
    ['listen 80;', `listen 127.0.0.1:${port};`],
    ['/var/cache/nginx/mapsign-auth', join(targets.dir, 'auth-cache')],
  ]);
  if (targets.cache === true) {
    conf = conf.replace(/^(\s*)# (proxy_cache)/gm, '$1$2');
    // Run as root, nginx's workers drop to an unprivileged user, who must reach the cache.
    await mkdir(join(targets.dir, 'auth-cache'));
    await chmod(targets.dir, 0o755);
    await chmod(join(targets.dir, 'auth-cache'), 0o777);
  }
  return runNginx(targets.dir, conf, port);
}

/**
 * Caddy from examples/caddy/Caddyfile, serving `http://tiles.example.com:PORT` on loopback
 * (send `Host: tiles.example.com:PORT`), with no admin endpoint and no certificates.
 *
 * @example const caddy = await startExampleCaddy({ mapsign: '127.0.0.1:8788', upstream: upstream.host, dir })
 */
export async function startExampleCaddy(targets: EngineTargets): Promise<Engine & { readonly host: string }> {
  const port = await freePort();
  const site = substitute(await readFile(join(EXAMPLES, 'caddy/Caddyfile'), 'utf8'), [
    ['tiles.example.com {', `http://tiles.example.com:${port} {`],
    ['forward_auth 127.0.0.1:8788 {', `forward_auth ${targets.mapsign} {`],
    ['reverse_proxy 127.0.0.1:8080', `reverse_proxy ${targets.upstream}`],
  ]);
  const global = `{\n\tadmin off\n\tauto_https off\n\tdefault_bind 127.0.0.1\n\tstorage file_system ${join(targets.dir, 'caddy-data')}\n\tlog {\n\t\tlevel ERROR\n\t}\n}\n`;
  await mkdir(join(targets.dir, 'caddy-home'), { recursive: true });
  await writeFile(join(targets.dir, 'Caddyfile'), global + site);
  const home = join(targets.dir, 'caddy-home');
  let output = '';
  const child = spawn(CADDY, ['run', '--config', join(targets.dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const logs = async (): Promise<string> => output;
  await waitListening(port, child, logs);
  return { url: `http://127.0.0.1:${port}`, port, host: `tiles.example.com:${port}`, logs, stop: stopper(child) };
}
