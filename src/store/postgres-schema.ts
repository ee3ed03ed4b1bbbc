/**
 * The PostgreSQL schema as numbered migrations, in its own `mapsign` schema so it can share a
 * database with other applications.
 *
 * Several gateways may start at once against a new database, so migration runs in one
 * transaction that first takes a transaction-scoped advisory lock: the first gateway migrates,
 * the others wait on the lock and then find the work done. As with SQLite, a database from a
 * newer mapsign is refused rather than written with the wrong assumptions.
 */
import type pg from 'pg';
import { StoreError } from './errors.js';

/** The NOTIFY channel every credential change signals, with the new change counter as payload. */
export const CHANGE_CHANNEL = 'mapsign_changes';

/**
 * Each entry moves the schema from version `index` to `index + 1`. Text columns that are
 * sorted use the "C" collation so that results order byte for byte as in SQLite, whatever
 * locale the database was created with.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE mapsign.credentials (
    id TEXT COLLATE "C" PRIMARY KEY,
    scheme TEXT NOT NULL CHECK (scheme IN ('google', 'streetmaps', 'maptiler')),
    label TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );
  CREATE TABLE mapsign.secrets (
    credential_id TEXT COLLATE "C" NOT NULL REFERENCES mapsign.credentials(id),
    version INTEGER NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (credential_id, version)
  );
  CREATE TABLE mapsign.usage (
    day TEXT COLLATE "C" NOT NULL,
    credential_id TEXT COLLATE "C" NOT NULL,
    channel TEXT COLLATE "C" NOT NULL,
    outcome TEXT COLLATE "C" NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, credential_id, channel, outcome)
  );
  -- One counter bumped by every statement that changes credentials or secrets: a gateway reads
  -- one row (or just listens) to notice a change made by any other process.
  CREATE TABLE mapsign.changes (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL);
  INSERT INTO mapsign.changes (id, seq) VALUES (1, 0);
  CREATE FUNCTION mapsign.bump_changes() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE next BIGINT;
  BEGIN
    UPDATE mapsign.changes SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO next;
    -- Delivered at commit, in commit order, to every listening gateway.
    PERFORM pg_notify('${CHANGE_CHANNEL}', next::text);
    RETURN NULL;
  END $$;
  CREATE TRIGGER credentials_changed AFTER INSERT OR UPDATE OR DELETE ON mapsign.credentials FOR EACH STATEMENT EXECUTE FUNCTION mapsign.bump_changes();
  CREATE TRIGGER secrets_changed AFTER INSERT OR UPDATE OR DELETE ON mapsign.secrets FOR EACH STATEMENT EXECUTE FUNCTION mapsign.bump_changes();
  `,
  // Usage batches already applied, so a batch retried after a write that timed out but
  // committed is skipped.
  `
  CREATE TABLE mapsign.usage_batches (id TEXT COLLATE "C" PRIMARY KEY, applied_at BIGINT NOT NULL);
  CREATE INDEX usage_batches_applied_at ON mapsign.usage_batches (applied_at);
  `,
  // The audit trail: one row per admin action (or per source and minute of failed admin auth).
  `
  CREATE TABLE mapsign.audit (
    id BIGSERIAL PRIMARY KEY,
    time BIGINT NOT NULL,
    actor TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    credential_id TEXT COLLATE "C",
    outcome TEXT COLLATE "C" NOT NULL,
    count BIGINT NOT NULL,
    details TEXT NOT NULL
  );
  CREATE INDEX audit_time ON mapsign.audit (time);
  `,
  // Restrictions and limits per credential (canonical JSON, NULL for none) and when they last changed.
  `
  ALTER TABLE mapsign.credentials ADD COLUMN controls TEXT, ADD COLUMN updated_at BIGINT;
  `,
  // Hourly totals for \`mapsign usage --by hour\`, written with the daily ones from then on. No
  // channel column: the daily table keeps the split by channel, under its bound.
  `
  CREATE TABLE mapsign.usage_hourly (
    day TEXT COLLATE "C" NOT NULL,
    hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    credential_id TEXT COLLATE "C" NOT NULL,
    outcome TEXT COLLATE "C" NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, hour, credential_id, outcome)
  );
  `,
];

/** The schema version this build writes. */
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to {@link PG_SCHEMA_VERSION}; safe to run from many processes at once.
 * Throws `STORE_FAILED` for a newer database.
 */
export async function migratePostgres(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    // Any constant works as the key; hashing a name keeps it readable and unlikely to collide.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('mapsign schema migration'))`);
    await client.query('CREATE SCHEMA IF NOT EXISTS mapsign');
    await client.query('CREATE TABLE IF NOT EXISTS mapsign.schema_version (version INTEGER NOT NULL)');
    const found = await client.query<{ version: number }>('SELECT version FROM mapsign.schema_version');
    const current = found.rows[0]?.version ?? 0;
    if (found.rows.length === 0) await client.query('INSERT INTO mapsign.schema_version (version) VALUES (0)');
    if (current > PG_SCHEMA_VERSION) {
      throw new StoreError('STORE_FAILED', `The database has schema version ${current}, newer than this mapsign understands (${PG_SCHEMA_VERSION}); upgrade mapsign.`);
    }
    for (let version = current; version < PG_SCHEMA_VERSION; version++) await client.query(MIGRATIONS[version]!);
    if (current < PG_SCHEMA_VERSION) await client.query('UPDATE mapsign.schema_version SET version = $1', [PG_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
