/**
 * Two real `mapsign serve` processes on one PostgreSQL database, in front of one upstream:
 * credentials created, rotated and revoked through either gateway (or the CLI) are enforced by both
 * within a second, their usage counts add up exactly, and stopping the database under traffic
 * neither stops verification nor loses counts — /healthz and the logs say what happened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCredential, signUrl } from '../../src/index.js';
import { credentialInput, type MapsignStore } from '../../src/store/index.js';
import { runCli } from '../cli/helpers.js';
import { eventually, rawGet } from '../gateway/helpers.js';
import type { TestPostgres } from '../support/postgres.js';
import { startGatewayPair, type GatewayPair, type GatewayProcess } from './processes.js';

const TOKEN = 'multi-gateway-admin-token-0123456789';

interface Issued {
  readonly scheme: 'google' | 'streetmaps' | 'maptiler';
  readonly id: string;
  readonly secret: string;
}

/** A signed request target for `issued`, as a client would send it. */
function signed(issued: Issued, path: string): string {
  const param = issued.scheme === 'google' ? 'client' : 'key';
  const credential = parseCredential(credentialInput(issued.scheme, issued.id, issued.secret));
  return signUrl(`http://gw${path}${path.includes('?') ? '&' : '?'}${param}=${encodeURIComponent(issued.id)}`, credential).slice('http://gw'.length);
}

async function admin(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gateway.admin}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function issue(gateway: GatewayProcess, scheme: Issued['scheme']): Promise<Issued> {
  const created = await admin(gateway, 'POST', '/credentials', { scheme });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const text = created.json['issued'] as { id: string; secret: string };
  return { scheme, id: text.id, secret: text.secret };
}

/** Every 200 a gateway answers is one 'ok' it must count: tallied per target, polls included. */
const answered = new Map<string, number>();

/** Status of one signed request through `gateway`. */
async function statusVia(gateway: GatewayProcess, target: string): Promise<number> {
  const { status } = await rawGet(gateway.address, target);
  if (status === 200) answered.set(target, (answered.get(target) ?? 0) + 1);
  return status;
}

/** True once every gateway answers `target` with `status`, polled for at most `ms`. */
function allAnswer(gateways: readonly GatewayProcess[], target: string, status: number, ms: number): Promise<boolean> {
  return eventually(async () => (await Promise.all(gateways.map((g) => statusVia(g, target)))).every((s) => s === status), ms);
}

describe('two gateways on one PostgreSQL database', { timeout: 120_000 }, () => {
  let pair: GatewayPair | undefined;
  let server: TestPostgres;
  let url: string;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let store: MapsignStore;

  before(async () => {
    pair = await startGatewayPair(TOKEN);
    ({ server, url, a, b, store } = pair);
  });
  after(() => pair?.close());

  test('a credential created through one gateway is accepted by both within a second', async () => {
    const issued = await issue(a, 'google');
    assert.ok(await allAnswer([a, b], signed(issued, '/maps/api/geocode/json?address=Paris'), 200, 1000));
  });

  test('a credential created and then revoked with the CLI is accepted, then refused, by both within a second', async () => {
    const created = await runCli(['credentials', 'create', '--scheme', 'maptiler', '--json'], { env: { MAPSIGN_DB: url } });
    assert.equal(created.status, 0, created.stderr);
    const { id, issued } = JSON.parse(created.stdout) as { id: string; issued: { token: string } };
    // MapTiler signs the whole URL: the gateways see http://127.0.0.1:PORT, so sign per gateway.
    const targets = [a, b].map((gateway) => [gateway, signUrl(`${gateway.address}/tiles/1/2/3.png`, { scheme: 'maptiler', token: issued.token }).slice(gateway.address.length)] as const);
    for (const [gateway, target] of targets) assert.ok(await allAnswer([gateway], target, 200, 1000), `accepted by ${gateway.address}`);
    const revoked = await runCli(['credentials', 'revoke', id], { env: { MAPSIGN_DB: url } });
    assert.equal(revoked.status, 0, revoked.stderr);
    for (const [gateway, target] of targets) assert.ok(await allAnswer([gateway], target, 403, 1000), `refused by ${gateway.address}`);
  });

  test('a rotation through one gateway is enforced by the other within a second', async () => {
    const first = await issue(a, 'streetmaps');
    const old = signed(first, '/tiles/1/2/3.png');
    assert.ok(await allAnswer([a, b], old, 200, 1000));
    const rotated = await admin(b, 'POST', `/credentials/${first.id}/rotate`, { overlap: '0' });
    assert.equal(rotated.status, 200);
    const next: Issued = { ...first, secret: (rotated.json['issued'] as { secret: string }).secret };
    assert.ok(await allAnswer([a], signed(next, '/tiles/1/2/3.png'), 200, 1000), 'new secret accepted by the other gateway');
    assert.ok(await allAnswer([a], old, 403, 1000), 'old secret refused by the other gateway');
  });

  test('a revocation through one gateway is enforced by the other within a second', async () => {
    const issued = await issue(a, 'google');
    const target = signed(issued, '/maps/api/geocode/json?address=Rome');
    assert.ok(await allAnswer([a, b], target, 200, 1000));
    assert.equal((await admin(b, 'POST', `/credentials/${issued.id}/revoke`)).status, 200);
    assert.ok(await allAnswer([a], target, 403, 1000), 'revocation enforced by the gateway that did not make it');
    assert.match((await rawGet(a.address, target)).body, /REVOKED_CREDENTIAL/);
  });

  test('usage counted by both gateways adds up exactly', async () => {
    const issued = await issue(a, 'streetmaps');
    const target = signed(issued, '/tiles/4/5/6.png');
    assert.ok(await allAnswer([a, b], target, 200, 1000));
    const burst = [...Array.from({ length: 20 }, () => statusVia(a, target)), ...Array.from({ length: 15 }, () => statusVia(b, target))];
    assert.deepEqual(new Set(await Promise.all(burst)), new Set([200]));
    const okCount = async (): Promise<number> => (await store.queryUsage({ by: 'client' })).find((row) => row.credentialId === issued.id && row.outcome === 'ok')?.count ?? 0;
    assert.ok(await eventually(async () => (await okCount()) === answered.get(target), 5000), `expected ${answered.get(target)} ok, got ${await okCount()}`);
  });

  test('with the database stopped under traffic both keep verifying, say so, and catch up on usage', async () => {
    const issued = await issue(b, 'google');
    const target = signed(issued, '/maps/api/geocode/json?address=Oslo');
    assert.ok(await allAnswer([a, b], target, 200, 1000));
    const health = async (gateway: GatewayProcess): Promise<Record<string, unknown>> => JSON.parse((await rawGet(gateway.address, '/healthz')).body) as Record<string, unknown>;
    assert.equal((await health(a))['database'], 'ok');
    await server.stop();
    let restarted = false;
    try {
      for (let i = 0; i < 10; i++) assert.deepEqual(await Promise.all([statusVia(a, target), statusVia(b, target)]), [200, 200], 'cached credentials keep verifying');
      for (const gateway of [a, b]) {
        assert.ok(await eventually(async () => (await health(gateway))['database'] === 'unreachable', 5000), 'healthz reports the outage');
        assert.equal((await rawGet(gateway.address, '/healthz')).status, 200, 'still healthy as a gateway');
      }
      // The recorder hands its counts over every second; the store holds them for the database.
      assert.ok(await eventually(async () => Number((await health(a))['bufferedUsage']) > 0, 5000), `usage buffered: ${JSON.stringify(await health(a))}`);
      await server.start();
      restarted = true;
    } finally {
      if (!restarted) await server.start();
    }
    for (const gateway of [a, b]) assert.ok(await eventually(async () => (await health(gateway))['database'] === 'ok', 10_000), 'healthz reports the recovery');
    const okCount = async (): Promise<number> => (await store.queryUsage({ by: 'client' })).find((row) => row.credentialId === issued.id && row.outcome === 'ok')?.count ?? 0;
    const caughtUp = await eventually(async () => (await okCount()) === answered.get(target), 10_000);
    assert.ok(caughtUp, `expected ${answered.get(target)} ok, got ${await okCount()}; gateway logs:\n${a.stderr()}${b.stderr()}`);
    for (const gateway of [a, b]) {
      assert.equal(gateway.stderr().match(/Database unreachable/g)?.length, 1, gateway.stderr());
      assert.match(gateway.stderr(), /Database reachable again/);
    }
  });
});
