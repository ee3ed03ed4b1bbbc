/**
 * The gateway options the integrity and robustness contract adds (`methods`,
 * `upstreamConnections`), typed for the tests before `StartOptions` declares them (once it does,
 * `withContract` is the identity), a gateway whose cleanup cannot hang a test file, and the rig
 * most gateway tests start from. Not a test file itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/gateway/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { startRawUpstream, type RawUpstream, type UpstreamReply, type UpstreamRequest } from './raw-upstream.js';
import { issue, type TestCredential } from './signing.js';

/** The contract's new fields of `StartOptions`. */
export interface ContractOptions {
  /** Methods forwarded; default `['GET', 'HEAD']`. */
  readonly methods?: readonly string[];
  /** The undici pool size; default 128. */
  readonly upstreamConnections?: number;
}

/**
 * Options for `startTestGateway` with the contract's fields.
 *
 * @example startTestGateway(t, upstream.url, withContract({ methods: ['GET', 'HEAD', 'POST'], upstreamConnections: 2 }))
 */
export function withContract(options: Partial<StartOptions> & ContractOptions): Partial<StartOptions> {
  return options as Partial<StartOptions>;
}

/**
 * Starts a gateway like `startTestGateway` (test/gateway/helpers.ts) on a fresh SQLite file,
 * but its cleanup waits at most 3 s for `close()`: a gateway wedged by the test before must fail
 * that test, not hang the whole file (a close that never settles, with nothing left on the event
 * loop, would end the run with every later test "still pending").
 *
 * @example const { gateway, dbFile } = await startBoundedGateway(t, upstream.url, { methods: ['GET', 'HEAD', 'POST'] })
 */
export async function startBoundedGateway(t: TestContext, upstream: string, options: Partial<StartOptions> & ContractOptions = {}): Promise<{ gateway: RunningGateway; dbFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mapsign-gw-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dbFile = join(dir, 'mapsign.db');
  const gateway = await startGateway({ store: openSqliteStore(dbFile), upstream, listen: { port: 0 }, ...withContract(options) });
  t.after(async () => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gateway.close(0), new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
    clearTimeout(timer);
  });
  return { gateway, dbFile };
}

/** A gateway (refusal throttle off) in front of a raw upstream, with a Google credential. */
export interface Rig {
  readonly address: string;
  /** The gateway's own `host:port`, what a client sends as `Host`. */
  readonly host: string;
  readonly upstream: RawUpstream;
  readonly google: TestCredential;
}

/**
 * Starts a {@link Rig}; `upstreamPath` is appended to the upstream URL (a base path), `reply`
 * chooses the upstream's answers.
 *
 * @example const r = await startRig(t, { methods: ['GET', 'HEAD', 'POST'] }, { reply: () => ({ kind: 'never' }) })
 */
export async function startRig(t: TestContext, options: Partial<StartOptions> & ContractOptions = {}, upstream: { path?: string; reply?: (request: UpstreamRequest) => UpstreamReply } = {}): Promise<Rig> {
  const raw = await startRawUpstream(t, upstream.reply);
  const { gateway, dbFile } = await startBoundedGateway(t, raw.url + (upstream.path ?? ''), { refusalThrottle: { maxDelayMs: 0 }, ...options });
  return { address: gateway.address, host: new URL(gateway.address).host, upstream: raw, google: await issue(gateway, dbFile, 'google') };
}
