/**
 * The shared store for several gateways: PostgreSQL through `pg`, implementing the same
 * {@link MapsignStore} contract as SQLite and passing the same suite.
 *
 * What differs from a local file: migrations run under an advisory lock (several gateways may
 * start at once); usage is added with one upsert per batch (`count = usage.count +
 * EXCLUDED.count`, so concurrent flushes from many gateways never lose an update), in a
 * transaction that records the batch id so a retried batch is never counted twice; the change
 * marker is one indexed row, while LISTEN/NOTIFY pushes each change at once
 * ({@link ChangeListener}); and a database that cannot be reached fails fast with
 * `STORE_FAILED` — wrap the store in `resilientStore` to keep a gateway serving.
 */
import type pg from 'pg';
import { pgDriver } from './drivers.js';
import type { SchemeName } from '../core/credential.js';
import type { AuditEntry, AuditQuery, CredentialChanges, CredentialInfo, MapsignStore, NewCredential, UsageDelta, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
import { AUDIT_COLUMNS, auditBounds, auditValues, toAuditEntry, type AuditRow } from './audit-rows.js';
import { BATCH_PRUNE_EVERY_MS, toUsageRow, usageColumns, usageDayRange, usageTable } from './usage-query.js';
import { ChannelBound, DEFAULT_MAX_CHANNELS } from './usage-channels.js';
import { claimBatch, foldChannels, pruneBatches, upsertUsage } from './postgres-usage.js';
import { credentialErrors, StoreError } from './errors.js';
import { ChangeListener, type ChangeNotifier } from './postgres-changes.js';
import { migratePostgres } from './postgres-schema.js';
import { controlsColumn, controlsFromColumn, mergedColumn } from './stored-controls.js';
import { describeUrl, isUniqueViolation, storeFailure, withTransaction } from './postgres-support.js';

/** Options for {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Connections in the pool; default 4 (requests never query: credentials are cached). */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing; default 3000 ms. */
  readonly connectTimeoutMs?: number;
  /** Longest a query may run; default 10000 ms. */
  readonly queryTimeoutMs?: number;
  /** Distinct channels kept per credential per day before folding into `(other)`; default 100. */
  readonly maxChannels?: number;
}

interface CredentialRow { id: string; scheme: SchemeName; label: string | null; created_at: number; revoked_at: number | null; updated_at: number | null; controls: string | null }
interface SecretRow { credential_id: string; version: number; created_at: number; expires_at: number | null }

// BIGINT columns hold millisecond times and counts, far below 2^53: read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === pgDriver().types.builtins.INT8 ? Number : pgDriver().types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/**
 * Opens the PostgreSQL store at `url` (`postgres://user:password@host:port/database`), running
 * any pending migration. The password never appears in errors or logs.
 *
 * @example const store = await openPostgresStore('postgres://mapsign@db.internal/mapsign')
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<MapsignStore & ChangeNotifier> {
  const where = describeUrl(url);
  const maxChannels = new ChannelBound(options.maxChannels ?? DEFAULT_MAX_CHANNELS).max;
  const config: pg.ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    query_timeout: options.queryTimeoutMs ?? 10_000,
    application_name: 'mapsign',
    types,
  };
  // allowExitOnIdle: idle pooled connections must not keep a finished or failed command alive
  // (a gateway stays up through its listener anyway).
  const pool = new (pgDriver().Pool)({ ...config, max: options.maxConnections ?? 4, allowExitOnIdle: true });
  // An idle pooled connection dropped by the server emits 'error'; the next query reconnects.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw storeFailure(error, where);
  }
  return new PostgresStore(pool, new ChangeListener(config), where, maxChannels);
}

class PostgresStore implements MapsignStore, ChangeNotifier {
  readonly #pool: pg.Pool;
  readonly #where: string;
  readonly #changes: ChangeListener;
  readonly #maxChannels: number;
  #prunedAt = 0;

  constructor(pool: pg.Pool, changes: ChangeListener, where: string, maxChannels: number) {
    this.#pool = pool;
    this.#changes = changes;
    this.#where = where;
    this.#maxChannels = maxChannels;
  }

  async insertCredential(credential: NewCredential): Promise<void> {
    await this.#transaction(async (client) => {
      const inserted = await client.query('INSERT INTO mapsign.credentials (id, scheme, label, created_at, controls) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING', [
        credential.id,
        credential.scheme,
        credential.label,
        credential.createdAt,
        controlsColumn(credential.controls),
      ]);
      if (inserted.rowCount === 0) throw credentialErrors.exists(credential.id);
      await client.query('INSERT INTO mapsign.secrets (credential_id, version, secret, created_at) VALUES ($1, 1, $2, $3)', [credential.id, credential.secretText, credential.createdAt]);
    });
  }

  async listCredentials(): Promise<CredentialInfo[]> {
    // One statement, so the credentials and their secrets come from one snapshot.
    const rows = await this.#query<CredentialRow & { secrets: SecretRow[] | null }>(`${CREDENTIAL_SELECT} ORDER BY c.created_at, c.id`);
    return rows.map(toInfo);
  }

  async getCredential(id: string): Promise<CredentialInfo | undefined> {
    const rows = await this.#query<CredentialRow & { secrets: SecretRow[] | null }>(`${CREDENTIAL_SELECT} WHERE c.id = $1`, [id]);
    return rows[0] === undefined ? undefined : toInfo(rows[0]);
  }

  async rotateSecret(id: string, secretText: string, now: number, overlapUntil: number): Promise<void> {
    await this.#transaction(async (client) => {
      // FOR UPDATE serialises concurrent rotations of one credential (same next version).
      const found = await client.query<CredentialRow>('SELECT * FROM mapsign.credentials WHERE id = $1 FOR UPDATE', [id]);
      const row = found.rows[0];
      if (row === undefined) throw credentialErrors.notFound(id);
      if (row.revoked_at !== null) throw credentialErrors.revoked(id);
      await client.query('UPDATE mapsign.secrets SET expires_at = $1 WHERE credential_id = $2 AND (expires_at IS NULL OR expires_at > $1)', [overlapUntil, id]);
      await client.query(
        'INSERT INTO mapsign.secrets (credential_id, version, secret, created_at) SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM mapsign.secrets WHERE credential_id = $1',
        [id, secretText, now],
      );
    });
  }

  async updateCredential(id: string, changes: CredentialChanges, now: number): Promise<void> {
    await this.#transaction(async (client) => {
      // FOR UPDATE: two updates of one credential merge one after the other, neither is lost.
      const row = (await client.query<CredentialRow>('SELECT * FROM mapsign.credentials WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (row === undefined) throw credentialErrors.notFound(id);
      if (row.revoked_at !== null) throw credentialErrors.revoked(id);
      const label = changes.label === undefined ? row.label : changes.label;
      // An UPDATE even when nothing changed: the trigger notifies, every gateway reloads.
      await client.query('UPDATE mapsign.credentials SET label = $1, controls = $2, updated_at = $3 WHERE id = $4', [label, mergedColumn(row.controls, id, changes.controls), now, id]);
    });
  }

  async revokeCredential(id: string, now: number): Promise<void> {
    const result = await this.#run((client) => client.query('UPDATE mapsign.credentials SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2', [now, id]));
    if (result.rowCount === 0) throw credentialErrors.notFound(id);
  }

  async loadVerifierRecords(now: number): Promise<VerifierRecord[]> {
    const rows = await this.#query<{ id: string; scheme: SchemeName; revoked: boolean; controls: string | null; secrets: { text: string; expiresAt: number | null }[] }>(
      `SELECT c.id, c.scheme, c.revoked_at IS NOT NULL AS revoked, c.controls,
         COALESCE(json_agg(json_build_object('text', s.secret, 'expiresAt', s.expires_at) ORDER BY s.version DESC) FILTER (WHERE s.version IS NOT NULL), '[]') AS secrets
       FROM mapsign.credentials c
       LEFT JOIN mapsign.secrets s ON s.credential_id = c.id AND (s.expires_at IS NULL OR s.expires_at > $1)
       GROUP BY c.id`,
      [now],
    );
    return rows.map((row) => ({
      id: row.id,
      scheme: row.scheme,
      revoked: row.revoked,
      controls: controlsFromColumn(row.controls, row.id),
      secrets: row.secrets.map((s) => ({ text: s.text, expiresAt: s.expiresAt })),
    }));
  }

  async changeMarker(): Promise<string> {
    // Read every time, never from memory: a change committed by another process just before
    // this call must show, even if its notification is still on the way.
    return String((await this.#query<{ seq: number }>('SELECT seq FROM mapsign.changes WHERE id = 1'))[0]!.seq);
  }

  onChange(listener: () => void): () => void {
    return this.#changes.onChange(listener);
  }

  async recordUsage(deltas: readonly UsageDelta[], batchId?: string): Promise<void> {
    if (deltas.length === 0) return;
    await this.#transaction(async (client) => {
      if (batchId !== undefined && !(await claimBatch(client, batchId))) return;
      await upsertUsage(client, await foldChannels(client, deltas, this.#maxChannels));
      if (batchId !== undefined && Date.now() - this.#prunedAt >= BATCH_PRUNE_EVERY_MS) {
        this.#prunedAt = Date.now();
        await pruneBatches(client, Date.now());
      }
    });
  }

  async queryUsage(query: UsageQuery): Promise<UsageRow[]> {
    const list = usageColumns(query.by);
    const rows = await this.#query<Record<string, string | number>>(
      `SELECT ${list}, SUM(count)::bigint AS count FROM mapsign.${usageTable(query.by)} WHERE day >= $1 AND day <= $2 GROUP BY ${list} ORDER BY ${list}`,
      usageDayRange(query),
    );
    return rows.map(toUsageRow);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#run((client) => client.query(`INSERT INTO mapsign.audit (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, auditValues(entry)));
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const { since, until, limit } = auditBounds(query);
    const rows = await this.#query<AuditRow>(
      `SELECT * FROM (SELECT id, ${AUDIT_COLUMNS} FROM mapsign.audit WHERE time >= $1 AND time < $2 ORDER BY time DESC, id DESC LIMIT $3) newest ORDER BY time, id`,
      [since, until, limit],
    );
    return rows.map(toAuditEntry);
  }

  async close(): Promise<void> {
    await this.#changes.close();
    await this.#pool.end().catch(() => {});
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.#run((client) => client.query<R>(text, values))).rows;
  }

  /** Runs on a pooled connection, turning connection failures into `STORE_FAILED`. */
  async #run<T>(work: (client: pg.Pool) => Promise<T>): Promise<T> {
    try {
      return await work(this.#pool);
    } catch (error) {
      throw storeFailure(error, this.#where);
    }
  }

  async #transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    try {
      await withTransaction(this.#pool, work);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('CREDENTIAL_EXISTS', 'A credential with this id was created at the same moment; choose another id.');
      throw storeFailure(error, this.#where);
    }
  }
}

const CREDENTIAL_SELECT = `SELECT c.*,
  (SELECT json_agg(json_build_object('credential_id', s.credential_id, 'version', s.version, 'created_at', s.created_at, 'expires_at', s.expires_at) ORDER BY s.version DESC)
   FROM mapsign.secrets s WHERE s.credential_id = c.id) AS secrets
  FROM mapsign.credentials c`;

function toInfo(row: CredentialRow & { secrets: SecretRow[] | null }): CredentialInfo {
  const secrets = (row.secrets ?? []).map((s) => ({ version: s.version, createdAt: s.created_at, expiresAt: s.expires_at }));
  return { id: row.id, scheme: row.scheme, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at, updatedAt: row.updated_at, controls: controlsFromColumn(row.controls, row.id), secrets };
}
