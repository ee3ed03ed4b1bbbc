/**
 * Restrictions and limits on two real `mapsign serve` processes sharing one PostgreSQL database:
 * a credential created with controls through one gateway's admin API, and changed through the
 * other's (PATCH), is enforced the same by both within a second; a daily quota spent on one
 * gateway is refused by the other once it has read the store, long before that gateway could
 * have counted the quota alone; a rate limit is per gateway.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCredential, signUrl } from '../../src/index.js';
import { credentialInput, type MapsignStore } from '../../src/store/index.js';
import { eventually, rawGet } from '../gateway/helpers.js';
import { startGatewayPair, type GatewayPair, type GatewayProcess } from './processes.js';

const TOKEN = 'multi-gateway-controls-token-0123456789';

interface Issued {
  readonly id: string;
  readonly secret: string;
}

function signed(issued: Issued, path: string): string {
  const credential = parseCredential(credentialInput('google', issued.id, issued.secret));
  return signUrl(`http://gw${path}${path.includes('?') ? '&' : '?'}client=${encodeURIComponent(issued.id)}`, credential).slice('http://gw'.length);
}

async function admin(gateway: GatewayProcess, method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gateway.admin}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** `STATUS REASON` of one request (`200 ok`). */
async function outcome(gateway: GatewayProcess, target: string, headers: Record<string, string> = {}): Promise<string> {
  const answer = await rawGet(gateway.address, target, { accept: 'application/json', ...headers });
  if (answer.status === 200) return '200 ok';
  return answer.status === 404 ? '404 from the upstream' : `${answer.status} ${(JSON.parse(answer.body) as { error: { reason: string } }).error.reason}`;
}

function bothAnswer(gateways: readonly GatewayProcess[], target: string, expected: string, ms: number, headers: Record<string, string> = {}): Promise<boolean> {
  return eventually(async () => (await Promise.all(gateways.map((g) => outcome(g, target, headers)))).every((o) => o === expected), ms);
}

describe('controls on two gateways sharing PostgreSQL', { timeout: 180_000 }, () => {
  let pair: GatewayPair | undefined;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let store: MapsignStore;

  before(async () => {
    pair = await startGatewayPair(TOKEN);
    ({ a, b, store } = pair);
  });
  after(() => pair?.close());

  async function create(gateway: GatewayProcess, controls: unknown): Promise<Issued> {
    const created = await admin(gateway, 'POST', '/credentials', { scheme: 'google', controls });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.deepEqual(created.json['controls'], controls);
    return created.json['issued'] as Issued;
  }

  test('restrictions set through one gateway and changed through the other are enforced by both within a second', async () => {
    const issued = await create(a, { allowPaths: ['/maps/'], allowReferrers: ['https://app.example.com'] });
    const target = signed(issued, '/maps/api/geocode/json?address=Paris');
    const fromApp = { origin: 'https://app.example.com' };
    assert.ok(await bothAnswer([a, b], target, '200 ok', 1000, fromApp));
    assert.ok(await bothAnswer([a, b], target, '403 REFERRER_NOT_ALLOWED', 1000, { origin: 'https://evil.test' }));
    assert.ok(await bothAnswer([a, b], signed(issued, '/admin'), '403 PATH_NOT_ALLOWED', 1000, fromApp));
    const patched = await admin(b, 'PATCH', `/credentials/${issued.id}`, { controls: { allowReferrers: null, allowIps: ['192.0.2.0/24'] } });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    assert.deepEqual(patched.json['controls'], { allowPaths: ['/maps/'], allowIps: ['192.0.2.0/24'] });
    assert.ok(await bothAnswer([a, b], target, '403 IP_NOT_ALLOWED', 1000, fromApp), 'the change reached both gateways within a second');
    const bad = await admin(a, 'PATCH', `/credentials/${issued.id}`, { controls: { allowIps: ['192.0.2.1/24'] } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /INVALID_FIELD.*has bits set beyond \/24.*"field":"controls"/);
  });

  test('a daily quota spent on one gateway is refused by the other once it has read the store', async () => {
    const quota = 200;
    const issued = await create(b, { dailyQuota: quota });
    const target = signed(issued, '/tiles/1/2/3.png');
    assert.ok(await bothAnswer([a], target, '200 ok', 1000));
    // The rest of the quota on gateway a, in parallel batches.
    let spent = 1;
    while (spent < quota) {
      const batch = Math.min(20, quota - spent);
      const outcomes = await Promise.all(Array.from({ length: batch }, () => outcome(a, target)));
      assert.deepEqual(new Set(outcomes), new Set(['200 ok']));
      spent += batch;
    }
    assert.equal(await outcome(a, target), '429 QUOTA_EXCEEDED');
    const stored = async (): Promise<number> => (await store.queryUsage({ by: 'client' })).find((row) => row.credentialId === issued.id && row.outcome === 'ok')?.count ?? 0;
    assert.ok(await eventually(async () => (await stored()) === quota, 5000), 'gateway a wrote its counts');
    // Gateway b has forwarded nothing itself: counting alone it would admit `quota` more.
    let admittedByB = 0;
    assert.ok(
      await eventually(async () => {
        const seen = await outcome(b, target);
        if (seen === '200 ok') admittedByB += 1;
        return seen === '429 QUOTA_EXCEEDED';
      }, 10_000),
    );
    assert.ok(admittedByB < quota / 2, `gateway b admitted ${admittedByB} before it read the store`);
    assert.equal(await outcome(b, target), '429 QUOTA_EXCEEDED');
  });

  test('a rate limit is per gateway', async () => {
    const issued = await create(a, { rateLimit: { count: 2, per: 'minute' } });
    const target = signed(issued, '/tiles/9/9/9.png');
    // Both know the credential once a wrong signature for it is a mismatch, not an unknown id.
    const forged = target.replace(/signature=(.)/, (_, first: string) => `signature=${first === 'A' ? 'B' : 'A'}`);
    assert.ok(await bothAnswer([a, b], forged, '403 SIGNATURE_MISMATCH', 1000));
    assert.deepEqual([await outcome(b, target), await outcome(b, target), await outcome(b, target)], ['200 ok', '200 ok', '429 RATE_LIMITED']);
    assert.deepEqual([await outcome(a, target), await outcome(a, target), await outcome(a, target)], ['200 ok', '200 ok', '429 RATE_LIMITED']);
  });
});
