/**
 * The admin API in memory for its tests: a fresh SQLite store, `createAdminApi` over it, and a
 * `call` that sends a WHATWG Request straight to the handler (no socket) with the bearer token,
 * a JSON body and the client address a Node listener would give. Not a test file itself.
 */
import type { TestContext } from 'node:test';
import { createAdminApi, type AdminApi, type AdminApiOptions } from '../../src/gateway/admin-api.js';
import { openSqliteStore, type MapsignStore } from '../../src/store/index.js';

export const TOKEN = 'admin-token-for-tests-0123456789';

/** What a call answered: status, headers and the parsed JSON body (the text of any other body). */
export interface AdminAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

/** How to send a call: another token (or none), a raw body, headers, the client address. */
export interface CallOptions {
  readonly token?: string | null | undefined;
  readonly raw?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly address?: string | undefined;
}

/** A handler and how to call it. */
export interface MemoryAdmin {
  readonly api: AdminApi;
  readonly store: MapsignStore;
  call(method: string, path: string, body?: unknown, options?: CallOptions): Promise<AdminAnswer>;
}

/**
 * The admin API on a fresh in-memory store, both closed when the test ends.
 *
 * @example const { call } = memoryAdmin(t); assert.equal((await call('GET', '/credentials')).status, 200)
 */
export function memoryAdmin(t: TestContext, options: Partial<AdminApiOptions> = {}): MemoryAdmin {
  const store = openSqliteStore(':memory:');
  const api = createAdminApi({ store, token: TOKEN, ...options });
  t.after(async () => {
    await api.close();
    await store.close();
  });
  const call = async (method: string, path: string, body?: unknown, how: CallOptions = {}): Promise<AdminAnswer> => {
    const token = how.token === undefined ? TOKEN : how.token;
    const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json', ...how.headers };
    const text = how.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const response = await api(new Request(`http://admin${path}`, { method, headers, body: text ?? null }), { address: how.address ?? '127.0.0.1' });
    const json = (response.headers.get('content-type') ?? '').includes('json') ? await response.json() : await response.text();
    return { status: response.status, headers: response.headers, json };
  };
  return { api, store, call };
}
