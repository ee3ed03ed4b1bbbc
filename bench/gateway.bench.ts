/**
 * Gateway benchmark, one bounded run on loopback with autocannon: requests per second and p99
 * latency for (a) the upstream alone, (f) a bare `node:http` + undici proxy that does nothing
 * else (bench/bare-proxy.ts: the Node floor for a proxy), (b) the gateway with verification off, (c) the gateway
 * verifying valid signatures, (d) valid traffic while a flood of bad signatures hits the same
 * gateway from a second load generator (a separate process) — the gateway as shipped, whose
 * refusal throttle answers a connection's refusals ever more slowly after 3 in a row (up to 1 s
 * each); the flood still sends as fast as its connections are answered, as any client would —
 * with (d-off) the same flood against a gateway started with `--refusal-delay-max 0`, which
 * answers every refusal at once, (d-ref) the same second generator sending *valid* traffic
 * instead, so that the cost of bad signatures is told apart from the cost of simply more load
 * on a small machine, (c-o) the traffic of (c) with an `Origin` header and (g) the same for a
 * credential with restrictions (path prefix, referrer, client network) and a rate limit it
 * never reaches — the cost of the controls on the request path, target (g)/(c-o) ≥ 0.97 —,
 * and (e) Debian's nginx with
 * `secure_link` in front of the same upstream, as the native anchor. Upstream, gateways and
 * nginx are separate processes; the main load generator is this process.
 * Scenarios are interleaved round by round and the median of the rounds is printed, with the
 * ratios the targets are stated in: (c)/(f) ≥ 0.9, valid traffic under (d) ≥ 0.8 × (c), the
 * time verification adds per request (1/(c) − 1/(b), the gateway being one saturated thread)
 * and, measured in this process without sockets, the verifier's own cost per request, and
 * how many refusals per second the flood itself got answered. The throttle remembers a peer for
 * 60 s after its throttled connections close, so from the second round on the flood's new
 * connections start throttled: that is the defence against reconnecting, measured as it works.
 *
 * Run: `npm run bench:gateway` (`BENCH_SECONDS`, `BENCH_ROUNDS`, `BENCH_CONNECTIONS` to change,
 * `BENCH_ONLY=f,b,c` for some scenarios only).
 * It installs nginx with apt-get when missing and permitted; without it (e) is skipped, saying so.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCredential, signUrl, type VerifierCredential } from '../dist/index.js';
import { createRequestVerifier } from '../dist/gateway/verifier.js';
import { createControlEnforcer } from '../dist/gateway/control-enforcer.js';
import { compileGuard } from '../dist/http/credential-guard.js';
import { createCredential, credentialInput, openSqliteStore } from '../dist/store/index.js';
import { benchCredential, CLI, CONNECTIONS, ensureNginx, load, loadElsewhere, measureRounds, median, printTable, ROUNDS, SECONDS, secureLinkPath, start, startSecureLinkNginx, startUpstream, stopAll, type Measured } from './harness.js';

let verifierCredential: VerifierCredential = { scheme: 'google', id: '', secrets: [] };

/** Median µs per call of the gateway's request verifier on `targets`, without sockets. */
function verifierMicros(targets: readonly string[]): number {
  const verify = createRequestVerifier({ credentials: verifierCredential });
  const header = (name: string): string | undefined => (name === 'host' ? 'gw' : undefined);
  const facts = targets.map((target) => ({ method: 'GET', target, header, peer: '127.0.0.1', hasBody: false }));
  const rounds: number[] = [];
  for (let round = 0; round < 15; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) if (!verify(facts[i % facts.length]!).ok) throw new Error('the bench URL does not verify');
    rounds.push(Number(process.hrtime.bigint() - started) / 1000 / 20_000);
  }
  return median(rounds);
}

/** Median µs per call of the controls check of scenario (g) on `targets`, without sockets. */
function controlsMicros(targets: readonly string[], controls: Parameters<typeof compileGuard>[1]): number {
  const guard = compileGuard('gme-bench-controlled', controls)!;
  const enforce = createControlEnforcer({ trusts: () => false });
  const header = (name: string): string | undefined => (name === 'origin' ? 'https://app.example.com' : undefined);
  const facts = targets.map((target) => ({ method: 'GET', target, header, peer: '127.0.0.1', hasBody: false }));
  const result = { valid: true, scheme: 'google', credentialId: 'gme-bench-controlled', channel: undefined, secretIndex: 0, signedString: '' } as const;
  const rounds: number[] = [];
  for (let round = 0; round < 15; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) if (enforce(guard, facts[i % facts.length]!, result) !== undefined) throw new Error('the bench URL is refused by its controls');
    rounds.push(Number(process.hrtime.bigint() - started) / 1000 / 20_000);
  }
  return median(rounds);
}

const dir = await mkdtemp(join(tmpdir(), 'mapsign-bench-'));
try {
  const upstream = await startUpstream();
  const db = join(dir, 'bench.db');
  const { credential, tiles, valid } = await benchCredential(db);
  verifierCredential = { scheme: 'google', id: 'gme-bench', secrets: [credential.secret] };
  const store = openSqliteStore(db);
  const benchControls = { allowPaths: ['/tiles/'], allowReferrers: ['https://app.example.com'], allowIps: ['127.0.0.0/8', '::1'], rateLimit: { count: 1_000_000, per: 'second' } } as const;
  const controlled = await createCredential(store, { scheme: 'google', id: 'gme-bench-controlled', controls: benchControls });
  await store.close();
  const controlledCredential = parseCredential(credentialInput('google', 'gme-bench-controlled', controlled.text.secret));
  const validControlled = tiles.map((path) => signUrl(`http://gw${path}?client=gme-bench-controlled`, controlledCredential).slice('http://gw'.length));
  const fromApp = { origin: 'https://app.example.com' };
  // Same length and alphabet as a real signature, so every one costs a full HMAC to refuse.
  const forged = valid.map((target) => target.replace(/signature=.*$/, `signature=${createHash('sha1').update(target).digest('base64url')}=`));
  const nginxPaths = tiles.map(secureLinkPath);

  const cli = CLI;
  const serveArgs = ['serve', '--upstream', upstream, '--port', '0', '--db', db, '--log', 'none'];
  const bare = await start(process.execPath, ['--import', 'tsx', new URL('./bare-proxy.ts', import.meta.url).pathname, upstream], /bare proxy (http:\S+)/);
  const gatewayOff = await start(process.execPath, [cli, ...serveArgs, '--insecure-no-verify'], /listening on (http:\S+),/);
  const gatewayOn = await start(process.execPath, [cli, ...serveArgs], /listening on (http:\S+),/);
  const gatewayUnthrottled = await start(process.execPath, [cli, ...serveArgs, '--refusal-delay-max', '0'], /listening on (http:\S+),/);
  const nginxSkipped = ensureNginx();
  const nginx = nginxSkipped === undefined ? (await startSecureLinkNginx(dir, upstream)).url : undefined;

  // Sanity: the paths really pass or fail where expected before anything is measured.
  const status = async (url: string): Promise<number> => (await fetch(url)).status;
  const checks: [string, number][] = [[bare + tiles[0], 200], [gatewayOn + valid[0], 200], [gatewayOn + forged[0], 403], [gatewayUnthrottled + forged[0], 403], [gatewayOff + tiles[0], 200]];
  if (nginx !== undefined) checks.push([nginx + nginxPaths[0], 200], [`${nginx}${tiles[0]}?md5=AAAAAAAAAAAAAAAAAAAAAA`, 403]);
  for (const [url, expected] of checks) if ((await status(url)) !== expected) throw new Error(`sanity check failed: ${url} is not ${expected}`);
  if ((await fetch(gatewayOn + validControlled[0], { headers: fromApp })).status !== 200 || (await fetch(gatewayOn + validControlled[0])).status !== 403) {
    throw new Error('sanity check failed: the controlled credential does not pass with its referrer, or passes without one');
  }

  // What the flood itself got answered, per scenario, to show what the throttle holds back.
  const floods = new Map<string, Measured[]>();
  const underFlood = async (name: string, url: string): Promise<Measured> => {
    const [main, flood] = await Promise.all([load(url, valid), loadElsewhere(url, forged)]);
    floods.set(name, [...(floods.get(name) ?? []), flood]);
    return main;
  };
  const scenarios: Record<string, () => Promise<Measured>> = {
    '(a) upstream alone': () => load(upstream, tiles),
    '(f) bare node:http + undici proxy': () => load(bare, tiles),
    '(b) gateway, verification off': () => load(gatewayOff, tiles),
    '(c) gateway, valid signatures': () => load(gatewayOn, valid),
    // (g) against (c-o): the same requests, Origin header included, but for the credential's controls.
    '(c-o) valid signatures, with Origin': () => load(gatewayOn, valid, fromApp),
    '(g) valid, restrictions + rate limit': () => load(gatewayOn, validControlled, fromApp),
    '(d) valid, with bad-signature flood': () => underFlood('(d) valid, with bad-signature flood', gatewayOn),
    '(d-off) same, refusal throttle off': () => underFlood('(d-off) same, refusal throttle off', gatewayUnthrottled),
    '(d-ref) valid, with as much valid load': async () => (await Promise.all([load(gatewayOn, valid), loadElsewhere(gatewayOn, valid)]))[0],
    ...(nginx === undefined ? {} : { '(e) nginx secure_link': () => load(nginx, nginxPaths) }),
  };
  // BENCH_ONLY=f,c runs only those scenarios (by the letter in parentheses), for quick comparisons.
  const only = process.env['BENCH_ONLY']?.split(',');
  if (only !== undefined) for (const name of Object.keys(scenarios)) if (!only.includes(name.slice(1, name.indexOf(')')))) delete scenarios[name];
  console.log(`gateway benchmark: ${ROUNDS} rounds x ${SECONDS}s, ${CONNECTIONS} connections, loopback, ${process.version}`);
  await load(gatewayOn, valid.slice(0, 8)).catch(() => undefined); // warm-up (JIT, pool)
  const summary = await measureRounds(scenarios);
  printTable(summary);
  const rps = (name: string): number => summary.get(name)?.rps ?? NaN;
  const ratio = (a: string, b: string): string => (rps(a) / rps(b)).toFixed(3);
  console.log('');
  console.log(`(c)/(f)  gateway vs the bare proxy:  ${ratio('(c) gateway, valid signatures', '(f) bare node:http + undici proxy')}  (target >= 0.9)`);
  console.log(`(b)/(f)  gateway, no verify, vs bare:  ${ratio('(b) gateway, verification off', '(f) bare node:http + undici proxy')}`);
  console.log(`(c)/(b)  verification cost:           ${ratio('(c) gateway, valid signatures', '(b) gateway, verification off')}`);
  const added = 1e6 / rps('(c) gateway, valid signatures') - 1e6 / rps('(b) gateway, verification off');
  console.log(`1/(c) - 1/(b)  time verification adds: ${added.toFixed(2)} µs per request (noisy: the difference of two loaded figures)`);
  console.log(`in-process verifier: ${verifierMicros(valid).toFixed(2)} µs per request (shape rules + HMAC-SHA1 + compare; target <= 1.5)`);
  console.log(`(g)/(c-o)  restrictions + rate limit: ${ratio('(g) valid, restrictions + rate limit', '(c-o) valid signatures, with Origin')}  (target >= 0.97)`);
  console.log(`in-process controls check of (g): ${controlsMicros(validControlled, benchControls).toFixed(2)} µs per request (path, referrer, network, token bucket)`);
  console.log(`(d)/(c)  valid under a bad flood:      ${ratio('(d) valid, with bad-signature flood', '(c) gateway, valid signatures')}  (target >= 0.8)`);
  console.log(`(d-off)/(c) same, throttle off:     ${ratio('(d-off) same, refusal throttle off', '(c) gateway, valid signatures')}`);
  const perRound = (list: readonly Measured[] | undefined): string => (list ?? []).map((m) => m.rps.toFixed(0)).join(', ');
  for (const [name, list] of floods) console.log(`${name.slice(0, name.indexOf(')') + 1)} per round: the flood got ${perRound(list)} refusals/s (valid: median ${rps(name).toFixed(0)} req/s)`);
  console.log(`(d)/(d-ref) bad flood vs valid load:  ${ratio('(d) valid, with bad-signature flood', '(d-ref) valid, with as much valid load')}  (1.0 = a bad signature costs no more than more valid traffic)`);
  console.log(`(b)/(a)  proxy hop:                    ${ratio('(b) gateway, verification off', '(a) upstream alone')}`);
  if (nginx !== undefined) console.log(`(c)/(e)  gateway vs nginx secure_link: ${ratio('(c) gateway, valid signatures', '(e) nginx secure_link')}`);
  else console.log(`(e) skipped: ${nginxSkipped}`);
} finally {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
}
