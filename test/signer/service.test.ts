/**
 * The `fetch` handler on in-memory Requests: the HTTP contract (302 or JSON, deterministic,
 * cacheable, conditional), the origin rules and CORS, every refusal with its status, reason and
 * parameter, the limits, the counts, and start-up refusals for missing or malformed secrets.
 * Every answer is checked to carry neither the secret nor a signature unless it signed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSigningService, parsePolicy, SignerError } from '../../src/signer/index.js';
import { APP_ORIGIN, get, GOOGLE_SECRET, MAPTILER_TOKEN, POLICY_JSON, SECRETS, testService, verifiedBy } from './helpers.js';

const GOOD = '/staticmap?center=48.85,2.35&size=600x300&zoom=12';

/** The whole answer as text: status, headers, body. */
async function wire(response: Response): Promise<string> {
  return `${response.status}\n${[...response.headers].map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${await response.clone().text()}`;
}

async function refusal(response: Response): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const text = await wire(response);
  assert.ok(!text.includes(GOOGLE_SECRET) && !text.includes(MAPTILER_TOKEN.split('_')[1]!), 'no secret');
  assert.ok(!text.includes('signature='), 'no signature in a refusal');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const { error } = (await response.json()) as { error: Record<string, unknown> };
  assert.equal(error['status'], response.status, 'the one error shape repeats the status');
  return { status: response.status, body: error, headers: response.headers };
}

describe('the signing service', () => {
  it('answers 302 to a URL the provider verifies, with the policy’s Cache-Control and an ETag', async () => {
    const { service } = testService();
    const response = await get(service, GOOD);
    assert.equal(response.status, 302);
    const location = response.headers.get('location')!;
    assert.ok(location.startsWith('https://maps.googleapis.com/maps/api/staticmap?center=48.85%2C2.35&zoom=12&size=600x300&scale=2&key=AIzaSyTEST&signature='));
    assert.equal(verifiedBy(location).valid, true);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=600');
    assert.equal(response.headers.get('etag'), `"r.${location.slice(location.indexOf('signature=') + 10)}"`, 'the ETag names the signature the answer carries');
    assert.equal(response.headers.get('vary'), 'Accept, Origin');
    assert.equal(response.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.ok(!(await wire(response)).includes(GOOGLE_SECRET));
  });

  it('answers {"url"} with Accept: application/json, under its own ETag', async () => {
    const { service } = testService();
    const redirect = await get(service, GOOD);
    const json = await get(service, GOOD, { origin: APP_ORIGIN, accept: 'application/json' });
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type')!, /^application\/json/);
    assert.deepEqual(await json.json(), { url: redirect.headers.get('location') });
    assert.notEqual(json.headers.get('etag'), redirect.headers.get('etag'));
  });

  it('is deterministic whatever the order of the query, and answers 304 to a matching If-None-Match', async () => {
    const { service } = testService();
    const first = await get(service, GOOD);
    const reordered = await get(service, '/staticmap?zoom=12&size=600x300&center=48.85,2.35');
    assert.equal(reordered.headers.get('location'), first.headers.get('location'));
    assert.equal(reordered.headers.get('etag'), first.headers.get('etag'));
    const etag = first.headers.get('etag')!;
    const again = await get(service, GOOD, { origin: APP_ORIGIN, 'if-none-match': `"other", ${etag}` });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('etag'), etag);
    assert.equal(again.headers.get('location'), null);
    assert.equal((await get(service, GOOD, { origin: APP_ORIGIN, 'if-none-match': '"other"' })).status, 302);
  });

  it('signs a MapTiler route with the token from its own variable and its own Cache-Control', async () => {
    const { service } = testService();
    const response = await get(service, '/tiles?z=3');
    assert.equal(verifiedBy(response.headers.get('location')!).valid, true);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=86400');
  });

  it('takes the origin from Referer when there is no Origin, without CORS headers', async () => {
    const { service } = testService();
    const response = await get(service, GOOD, { referer: `${APP_ORIGIN}/maps/page.html?x=1` });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  const origins: ReadonlyArray<readonly [string, Record<string, string>]> = [
    ['another origin', { origin: 'https://evil.example' }],
    ['an allowed host on another port', { origin: 'https://app.example.com:8443' }],
    ['Origin: null', { origin: 'null' }],
    ['a Referer from another origin', { referer: 'https://evil.example/app.example.com' }],
    ['an allowed Referer but another Origin', { origin: 'https://evil.example', referer: `${APP_ORIGIN}/` }],
    ['a malformed Referer', { referer: 'not a url' }],
    ['neither Origin nor Referer', {}],
  ];
  for (const [name, headers] of origins) {
    it(`refuses ${name}: ORIGIN_NOT_ALLOWED, without CORS headers`, async () => {
      const { service } = testService();
      const { status, body, headers: answer } = await refusal(await get(service, GOOD, headers));
      assert.equal(status, 403);
      assert.equal(body['reason'], 'ORIGIN_NOT_ALLOWED');
      assert.equal(answer.get('access-control-allow-origin'), null);
    });
  }

  it('signs without an origin only when the policy says allowNoOrigin', async () => {
    const service = createSigningService({ policy: parsePolicy({ ...POLICY_JSON, allowNoOrigin: true }), secrets: SECRETS });
    assert.equal((await get(service, GOOD, {})).status, 302);
    assert.equal((await get(service, GOOD, { origin: 'https://evil.example' })).status, 403);
  });

  it('answers preflights for allowed origins only', async () => {
    const { service } = testService();
    const preflight = (origin: string): Promise<Response> => service(new Request(`http://signer.test${GOOD}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } }));
    const allowed = await preflight(APP_ORIGIN);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.equal(allowed.headers.get('access-control-allow-methods'), 'GET, HEAD');
    const refused = await refusal(await preflight('https://evil.example'));
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });

  const refusals: ReadonlyArray<readonly [string, string, number, string, string | undefined]> = [
    ['/staticmap?center=48.85,2.35&size=600x300&style=feature:all', 'GET', 400, 'UNKNOWN_PARAMETER', 'style'],
    ['/staticmap?center=48.85,2.35&size=600x300&maptype=hybrid', 'GET', 400, 'PARAMETER_NOT_ALLOWED', 'maptype'],
    ['/staticmap?size=600x300', 'GET', 400, 'MISSING_PARAMETER', 'center'],
    ['/staticmap?center=48.85,2.35&size=600x300&scale=1', 'GET', 400, 'FIXED_PARAMETER', 'scale'],
    ['/staticmap?center=48.85,2.35&size=600x300&zoom=1&zoom=2', 'GET', 400, 'TOO_MANY_VALUES', 'zoom'],
    [`/staticmap?center=48.85,2.35&size=600x300&label=${'x'.repeat(2000)}`, 'GET', 414, 'URL_TOO_LONG', undefined],
    ['/geocode?address=x', 'GET', 404, 'UNKNOWN_ROUTE', undefined],
    [GOOD, 'POST', 405, 'METHOD_NOT_ALLOWED', undefined],
  ];
  for (const [target, method, status, reason, parameter] of refusals) {
    it(`refuses ${method} ${target.slice(0, 60)}: ${status} ${reason}`, async () => {
      const { service, events } = testService();
      const answer = await refusal(await service(new Request(`http://signer.test${target}`, { method, headers: { origin: APP_ORIGIN } })));
      assert.equal(answer.status, status);
      assert.equal(answer.body['reason'], reason);
      assert.equal(answer.body['parameter'], parameter);
      assert.equal(typeof answer.body['message'], 'string');
      assert.equal(answer.headers.get('access-control-allow-origin'), APP_ORIGIN, 'an allowed page can read why');
      assert.deepEqual(events, [{ route: reason === 'UNKNOWN_ROUTE' ? '' : 'staticmap', origin: APP_ORIGIN, outcome: reason }]);
    });
  }

  it('limits a burst per client address with 429 RATE_LIMITED and Retry-After', async () => {
    const { service } = testService();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(service, '/burst?center=1,2')).status);
    assert.deepEqual(statuses, [302, 302, 302, 429]);
    const held = await refusal(await get(service, '/burst?center=1,2'));
    assert.equal(held.body['reason'], 'RATE_LIMITED');
    assert.ok(Number(held.headers.get('retry-after')) >= 1);
    assert.equal((await get(service, '/burst?center=1,2', { origin: APP_ORIGIN }, '198.51.100.8')).status, 302, 'another client is not held');
  });

  it('stops signing when the daily budget is spent: 429 BUDGET_EXHAUSTED; refusals spend none of it', async () => {
    const { service, events } = testService();
    assert.equal((await get(service, '/budget?center=1')).status, 400);
    assert.equal((await get(service, '/budget?center=1,2')).status, 302);
    assert.equal((await get(service, '/budget?center=3,4')).status, 302);
    const spent = await refusal(await get(service, '/budget?center=5,6'));
    assert.equal(spent.status, 429);
    assert.equal(spent.body['reason'], 'BUDGET_EXHAUSTED');
    assert.ok(Number(spent.headers.get('retry-after')) >= 1);
    assert.deepEqual(events.map((event) => event.outcome), ['PARAMETER_NOT_ALLOWED', 'ok', 'ok', 'BUDGET_EXHAUSTED']);
  });

  it('counts origins the policy does not allow under one name', async () => {
    const { service, events } = testService();
    await get(service, GOOD, { origin: 'https://a.evil' });
    await get(service, GOOD, { origin: 'https://b.evil' });
    await get(service, GOOD, {});
    assert.deepEqual(events, [
      { route: 'staticmap', origin: '(not allowed)', outcome: 'ORIGIN_NOT_ALLOWED' },
      { route: 'staticmap', origin: '(not allowed)', outcome: 'ORIGIN_NOT_ALLOWED' },
      { route: 'staticmap', origin: '', outcome: 'ORIGIN_NOT_ALLOWED' },
    ]);
  });

  it('answers 500 SIGNING_FAILED, not a rejection, when a count hook throws', async () => {
    const service = createSigningService({ policy: parsePolicy(POLICY_JSON), secrets: SECRETS, onCount: () => { throw new Error('metrics down'); } });
    const { status, body } = await refusal(await get(service, GOOD));
    assert.deepEqual([status, body['reason']], [500, 'SIGNING_FAILED']);
  });

  it('answers HEAD like GET without a body', async () => {
    const { service } = testService();
    const head = await service(new Request(`http://signer.test${GOOD}`, { method: 'HEAD', headers: { origin: APP_ORIGIN } }));
    assert.equal(head.status, 302);
    assert.ok(head.headers.get('location')!.includes('signature='));
  });

  it('does not start without a route’s secret, or with a malformed one, and never repeats it', () => {
    const policy = parsePolicy(POLICY_JSON);
    assert.throws(() => createSigningService({ policy, secrets: { MAPSIGN_SECRET: GOOGLE_SECRET } }), (error: unknown) => {
      assert.ok(error instanceof SignerError);
      assert.equal(error.code, 'MISSING_SECRET');
      assert.equal(error.message, 'routes.tiles: no secret in MAPTILER_TOKEN; set that variable (or binding) to the maptiler signing secret.');
      return true;
    });
    const malformed = 'not*base64*secret';
    assert.throws(() => createSigningService({ policy, secrets: { ...SECRETS, MAPSIGN_SECRET: malformed } }), (error: unknown) => {
      assert.ok(error instanceof SignerError);
      assert.equal(error.code, 'INVALID_SECRET');
      assert.ok(error.message.startsWith('routes.staticmap: the secret in MAPSIGN_SECRET is not a google secret: '), error.message);
      assert.ok(!error.message.includes(malformed));
      return true;
    });
  });
});
