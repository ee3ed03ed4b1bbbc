/**
 * The signing service's Prometheus metrics, fed by a real signing service's count hook and
 * scraped as text: signatures by route and outcome (`issued` or the refusal's reason), requests
 * by route and origin, with labels bounded by the policy — a flood of foreign origins and
 * unknown paths adds one `(other)` and one `(unknown)` series, never one per value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSignatureMetrics, OTHER_ORIGIN, UNKNOWN_ROUTE } from '../../src/gateway/signature-metrics.js';
import { createSigningService, parsePolicy } from '../../src/signer/index.js';
import { parseExposition, valueOf } from '../support/prometheus.js';
import { APP_ORIGIN, get, POLICY_JSON, SECRETS } from '../signer/helpers.js';

test('counts what a real signing service issues and refuses, by route, outcome and bounded origin', async () => {
  const policy = parsePolicy(POLICY_JSON);
  const metrics = createSignatureMetrics({ routes: policy.routes.keys(), allowedOrigins: policy.allowedOrigins });
  const service = createSigningService({ policy, secrets: SECRETS, onCount: metrics.observe });

  const scrapeSamples = async (): Promise<ReturnType<typeof parseExposition>> => {
    const response = await metrics.handler(new Request('http://127.0.0.1/metrics'));
    assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };
  const before = await scrapeSamples();
  assert.equal(before.types.get('mapsign_signatures_total'), 'counter');
  assert.equal(before.types.get('mapsign_signature_origins_total'), 'counter');
  for (const route of ['staticmap', 'tiles', 'burst', 'budget']) assert.equal(valueOf(before.samples, 'mapsign_signatures_total', { route, outcome: 'issued' }), 0, `${route} starts at 0`);

  assert.equal((await get(service, '/staticmap?center=1,2&size=9x9')).status, 302);
  assert.equal((await get(service, '/staticmap?center=1,2&size=9x9&zoom=3')).status, 302);
  assert.equal((await get(service, '/staticmap?center=1,2&size=9x9&zoom=99')).status, 400);
  assert.equal((await get(service, '/tiles?z=1&extra=1')).status, 400);
  for (let i = 0; i < 50; i++) assert.equal((await get(service, '/staticmap?center=1,2&size=9x9', { origin: `https://evil${i}.example` })).status, 403);
  assert.equal((await get(service, '/tiles?z=1', {})).status, 403, 'no origin at all');
  for (let i = 0; i < 20; i++) assert.equal((await get(service, `/nothing-${i}`)).status, 404);

  const { samples } = await scrapeSamples();
  const series = (name: string): string[] => samples.filter((sample) => sample.name === name && sample.value > 0).map((sample) => `${Object.values(sample.labels).join('|')}=${sample.value}`).sort();
  assert.deepEqual(series('mapsign_signatures_total'), [
    `${UNKNOWN_ROUTE}|UNKNOWN_ROUTE=20`,
    'staticmap|ORIGIN_NOT_ALLOWED=50',
    'staticmap|PARAMETER_NOT_ALLOWED=1',
    'staticmap|issued=2',
    'tiles|ORIGIN_NOT_ALLOWED=1',
    'tiles|UNKNOWN_PARAMETER=1',
  ]);
  assert.deepEqual(series('mapsign_signature_origins_total'), [`${UNKNOWN_ROUTE}|${APP_ORIGIN}=20`, `staticmap|${OTHER_ORIGIN}=50`, `staticmap|${APP_ORIGIN}=3`, `tiles|${OTHER_ORIGIN}=1`, `tiles|${APP_ORIGIN}=1`]);
  assert.ok(!samples.some((sample) => Object.values(sample.labels).some((value) => value.includes('evil') || value.includes('nothing-'))), 'no label names a foreign origin or path');
});
