/**
 * How the PostgreSQL store writes a batch of usage counts, inside the caller's transaction:
 * claim the batch id (a retry of a batch that committed changes nothing), fold channels beyond
 * the bound across every gateway (an advisory lock per day and credential, taken in a fixed
 * order), and add the counts with one upsert per usage table (daily, hourly) in a fixed row
 * order, so gateways flushing overlapping batches at the same moment neither lose an update nor
 * deadlock.
 */
import type pg from 'pg';
import type { UsageDelta } from './contract.js';
import { ChannelBound, foldUsage } from './usage-channels.js';
import { rollUpUsage } from './usage-rollup.js';
import { BATCH_RETENTION_MS } from './usage-query.js';

/**
 * Records `batchId` as applied; false when it already was (the batch must change nothing).
 * A retry racing the first attempt waits on the id's index entry, then finds it.
 *
 * @example if (!(await claimBatch(client, id))) return
 */
export async function claimBatch(client: pg.PoolClient, batchId: string): Promise<boolean> {
  const claimed = await client.query('INSERT INTO mapsign.usage_batches (id, applied_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [batchId, Date.now()]);
  return claimed.rowCount !== 0;
}

/**
 * `deltas` merged by key (an upsert may not touch a row twice) with channels beyond `maxChannels`
 * folded. Every (day, credential) with a channel is locked first with a transaction-scoped
 * advisory lock, in the order of the lock keys (so two transactions cannot wait on each other),
 * so concurrent gateways count the channels already stored one at a time and the bound holds
 * across all of them.
 *
 * @example const rows = await foldChannels(client, deltas, 100)
 */
export async function foldChannels(client: pg.PoolClient, deltas: readonly UsageDelta[], maxChannels: number): Promise<UsageDelta[]> {
  const pairs = new Map<string, { day: string; credentialId: string }>();
  for (const d of deltas) if (d.channel !== '') pairs.set(`${d.day}/${d.credentialId}`, d);
  const bound = new ChannelBound(maxChannels);
  if (pairs.size > 0) {
    const days = [...pairs.values()].map((p) => p.day);
    const ids = [...pairs.values()].map((p) => p.credentialId);
    await client.query(
      `SELECT pg_advisory_xact_lock(hashtext('mapsign usage channels'), h)
       FROM (SELECT DISTINCT hashtext(day || '/' || credential_id) AS h FROM unnest($1::text[], $2::text[]) AS p(day, credential_id) ORDER BY h) AS sorted`,
      [days, ids],
    );
    const used = await client.query<{ day: string; credential_id: string; channel: string }>(
      `SELECT DISTINCT u.day, u.credential_id, u.channel FROM mapsign.usage u
       JOIN unnest($1::text[], $2::text[]) AS p(day, credential_id) ON u.day = p.day AND u.credential_id = p.credential_id`,
      [days, ids],
    );
    for (const row of used.rows) bound.know(row.day, row.credential_id, [row.channel]);
  }
  return foldUsage(deltas, bound);
}

/**
 * Adds folded `deltas` to the daily and the hourly usage tables, one statement each, in key order.
 *
 * @example await upsertUsage(client, await foldChannels(client, deltas, 100))
 */
export async function upsertUsage(client: pg.PoolClient, deltas: readonly UsageDelta[]): Promise<void> {
  const { daily: rows, hourly } = rollUpUsage(deltas);
  await client.query(
    `INSERT INTO mapsign.usage (day, credential_id, channel, outcome, count)
     SELECT day, credential_id, channel, outcome, count
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS d(day, credential_id, channel, outcome, count, n)
     ORDER BY n
     ON CONFLICT (day, credential_id, channel, outcome) DO UPDATE SET count = usage.count + EXCLUDED.count`,
    [rows.map((d) => d.day), rows.map((d) => d.credentialId), rows.map((d) => d.channel), rows.map((d) => d.outcome), rows.map((d) => d.count)],
  );
  if (hourly.length === 0) return;
  await client.query(
    `INSERT INTO mapsign.usage_hourly (day, hour, credential_id, outcome, count)
     SELECT day, hour, credential_id, outcome, count
     FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS h(day, hour, credential_id, outcome, count, n)
     ORDER BY n
     ON CONFLICT (day, hour, credential_id, outcome) DO UPDATE SET count = usage_hourly.count + EXCLUDED.count`,
    [hourly.map((h) => h.day), hourly.map((h) => h.hour), hourly.map((h) => h.credentialId), hourly.map((h) => h.outcome), hourly.map((h) => h.count)],
  );
}

/**
 * Forgets batch ids older than the retention, so the table stays small.
 *
 * @example await pruneBatches(client, Date.now())
 */
export async function pruneBatches(client: pg.PoolClient, now: number): Promise<void> {
  await client.query('DELETE FROM mapsign.usage_batches WHERE applied_at < $1', [now - BATCH_RETENTION_MS]);
}
