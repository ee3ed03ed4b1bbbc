/**
 * Shared fixtures of the signing-service tests: a policy with one route per scheme (a Google
 * Static Maps route using every kind of rule, a MapTiler route with its token in its own
 * variable, tight limits on two small routes), the secrets it reads, and a way to call the
 * `fetch` handler with in-memory Requests. Not a test file itself.
 */
import { parseCredential, verifyUrl, type VerifyResult } from '../../src/index.js';
import { createSigningService, parsePolicy, type NodeSigningOptions, type SigningServiceOptions, type SignEvent, type SigningService } from '../../src/signer/index.js';

/** Google's published test secret (Google Maps Platform, "Digital signatures" example). */
export const GOOGLE_SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
/** A MapTiler token KEY_SECRET made for these tests. */
export const MAPTILER_TOKEN = 'testkey0123_5369676e696e672d736572766963652d74657374';
export const APP_ORIGIN = 'https://app.example.com';
export const STATICMAP_URL = 'https://maps.googleapis.com/maps/api/staticmap';

/** The policy as its JSON file holds it. */
export const POLICY_JSON = {
  allowedOrigins: [APP_ORIGIN],
  cacheControl: 'public, max-age=600',
  routes: {
    staticmap: {
      url: STATICMAP_URL,
      scheme: 'google',
      key: 'AIzaSyTEST',
      params: {
        center: { pattern: '-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?' },
        zoom: { integer: [0, 21] },
        size: { pattern: '\\d{1,3}x\\d{1,3}' },
        maptype: { enum: ['roadmap', 'satellite'] },
        markers: { pattern: '[a-z]+:[a-z]+\\|-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?', repeat: 3 },
        label: { pattern: '[^\\u0000-\\u001f]{1,3000}' },
      },
      fixed: { scale: '2' },
      required: ['center', 'size'],
    },
    tiles: {
      url: 'https://api.maptiler.com/maps/streets/256/tile.png',
      scheme: 'maptiler',
      secretEnv: 'MAPTILER_TOKEN',
      params: { z: { integer: [0, 22] } },
      cacheControl: 'public, max-age=86400',
    },
    burst: { url: STATICMAP_URL, scheme: 'google', key: 'AIzaSyTEST', params: { center: { pattern: '\\d,\\d' } }, limits: { perClientPerMinute: 3 } },
    budget: { url: STATICMAP_URL, scheme: 'google', key: 'AIzaSyTEST', params: { center: { pattern: '\\d,\\d' } }, limits: { dailyBudget: 2 } },
  },
} as const;

export const SECRETS = { MAPSIGN_SECRET: GOOGLE_SECRET, MAPTILER_TOKEN };

/** Options for a service over {@link POLICY_JSON} with its secrets. */
export function testOptions(options: Partial<NodeSigningOptions> = {}): NodeSigningOptions {
  return { policy: parsePolicy(POLICY_JSON), secrets: SECRETS, ...options };
}

/** A `fetch` service over {@link POLICY_JSON} that records its count events. */
export function testService(options: Partial<SigningServiceOptions> = {}): { service: SigningService; events: SignEvent[] } {
  const events: SignEvent[] = [];
  const service = createSigningService(testOptions({ onCount: (event) => events.push(event), ...options }));
  return { service, events };
}

/** Calls the handler with a GET from `origin` (the `Origin` header; `undefined` for none). */
export function get(service: SigningService, target: string, headers: Record<string, string> = { origin: APP_ORIGIN }, client = '198.51.100.7'): Promise<Response> {
  return service(new Request(`http://signer.test${target}`, { headers }), client);
}

/** Verifies a signed URL with the library, as the provider would. */
export function verifiedBy(url: string): VerifyResult {
  return verifyUrl(url, url.startsWith('https://api.maptiler.com') ? MAPTILER : GOOGLE);
}

const GOOGLE = parseCredential({ scheme: 'google', key: 'AIzaSyTEST', secret: GOOGLE_SECRET });
const MAPTILER = parseCredential({ scheme: 'maptiler', token: MAPTILER_TOKEN });
