/**
 * What a verified request gets when the upstream does not answer — 502 unreachable, 504 too
 * slow — or when it cannot be answered: 408 a body that stopped arriving, 503 shutdown. With
 * `Accept: application/json` the body is JSON in the refusals' shape
 * (`{"error":{"status","reason","message"}}`); otherwise one line of text, as before. Every
 * answer carries the request id and keeps out of caches and sniffers.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test, type TestContext } from 'node:test';
import { exchange, RawConnection, rawRequest, type RawResponse } from '../support/raw-client.js';
import { startRawUpstream } from '../support/raw-upstream.js';
import { issue, type TestCredential } from '../support/signing.js';
import type { RunningGateway, StartOptions } from '../../src/gateway/index.js';
import { startTestGateway } from './helpers.js';

const JSON_ACCEPT: readonly [string, string] = ['Accept', 'application/json'];

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function rig(t: TestContext, upstream: string, options: Partial<StartOptions> = {}): Promise<{ gateway: RunningGateway; google: TestCredential; host: string }> {
  const { gateway, dbFile } = await startTestGateway(t, upstream, { upstreamTimeoutMs: 300, ...options });
  return { gateway, google: await issue(gateway, dbFile, 'google'), host: new URL(gateway.address).host };
}

function assertFailure(response: RawResponse | 'closed' | 'timeout', status: number, reason: string, json: boolean): void {
  assert.ok(typeof response === 'object', `${reason}: an answer, not ${String(response)}`);
  assert.equal(response.status, status, response.text);
  assert.match(response.header('x-request-id') ?? '', /^[0-9a-f-]{36}$/, `${reason}: the request id`);
  assert.equal(response.header('cache-control'), 'no-store');
  assert.equal(response.header('x-content-type-options'), 'nosniff');
  if (json) {
    assert.equal(response.header('content-type'), 'application/json; charset=utf-8');
    const body = JSON.parse(response.text) as { error: Record<string, unknown> };
    assert.deepEqual(Object.keys(body.error), ['status', 'reason', 'message']);
    assert.deepEqual([body.error['status'], body.error['reason']], [status, reason]);
    assert.match(String(body.error['message']), /^The /);
  } else {
    assert.equal(response.header('content-type'), 'text/plain; charset=utf-8');
    assert.match(response.text, new RegExp(`^${status} ${reason}: The .*\\n$`));
  }
}

test('502 and 504 answer JSON when the client asks for it, text otherwise', async (t) => {
  const never = await startRawUpstream(t, () => ({ kind: 'never' }));
  const cases = [
    { upstream: `http://127.0.0.1:${await closedPort()}`, status: 502, reason: 'UPSTREAM_UNREACHABLE' },
    { upstream: never.url, status: 504, reason: 'UPSTREAM_TIMEOUT' },
  ];
  for (const c of cases) {
    const { gateway, google, host } = await rig(t, c.upstream);
    for (const json of [true, false]) {
      const headers = json ? [['Host', host], JSON_ACCEPT] as const : [['Host', host]] as const;
      assertFailure(await exchange(gateway.address, rawRequest({ target: google.target('/tiles/1.png'), headers }), { timeoutMs: 5000 }), c.status, c.reason, json);
    }
    await gateway.close(0);
  }
});

test('408 for a body that stopped arriving and 503 at shutdown, as JSON', async (t) => {
  const upstream = await startRawUpstream(t, () => ({ kind: 'never' }));
  const { gateway, google, host } = await rig(t, upstream.url, { methods: ['GET', 'HEAD', 'POST'], upstreamTimeoutMs: 300 });
  const stalled = await RawConnection.open(gateway.address);
  t.after(() => stalled.destroy());
  stalled.write(rawRequest({ method: 'POST', target: google.target('/upload'), headers: [['Host', host], JSON_ACCEPT, ['Content-Length', '10']], body: 'ab' }));
  assertFailure((await stalled.final(5000)).response, 408, 'CLIENT_TIMEOUT', true);

  const waiting = exchange(gateway.address, rawRequest({ target: google.target('/tiles/slow.png'), headers: [['Host', host], JSON_ACCEPT] }), { timeoutMs: 5000 });
  assert.ok(await upstream.waitForRequests(2, 5000), 'the request reached the upstream');
  await gateway.close(400);
  assertFailure(await waiting, 503, 'SHUTDOWN', true);
});
