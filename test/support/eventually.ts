/**
 * Polling for the tests that wait on something asynchronous (a cache reload, a flush, a
 * socket closing): a condition checked every 20 ms, for a bounded time.
 */

/**
 * Polls `check` every 20 ms until it is true or `ms` pass; resolves to whether it became true.
 *
 * @example assert.ok(await eventually(async () => (await store.queryUsage({ by: 'client' })).length > 0, 2000))
 */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
