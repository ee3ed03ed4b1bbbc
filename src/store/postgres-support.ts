/**
 * Helpers for the PostgreSQL store: transactions on a pooled connection, and turning `pg`
 * errors into `StoreError`s whose messages say where the database is without its password.
 */
import type pg from 'pg';
import { StoreError } from './errors.js';

/**
 * `host:port/database` of a connection URL, for messages: never the user's password.
 *
 * @example describeUrl('postgres://app:hunter2@db:5432/mapsign') // 'postgres://app@db:5432/mapsign'
 */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.href;
  } catch {
    return 'the PostgreSQL database (its URL does not parse)';
  }
}

/** True for a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/**
 * A `StoreError` for a failed query: kept as is when it already is one, else `STORE_FAILED`
 * naming the database. The driver's message is kept (it says what failed: refused, timed out,
 * authentication) — the connection string is not, since the driver never puts it there.
 */
export function storeFailure(error: unknown, where: string): StoreError {
  if (error instanceof StoreError) return error;
  const reason = error instanceof Error && error.message !== '' ? error.message : (error as { code?: string } | null)?.code ?? String(error);
  return new StoreError('STORE_FAILED', `The PostgreSQL database ${where} failed: ${reason}. Check that it is running and reachable.`, { cause: error });
}

/**
 * Runs `work` in a transaction on one pooled connection, committing on success and rolling back
 * on any failure; a connection broken mid-way is discarded rather than returned to the pool.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
