/**
 * The SQLite schema as numbered migrations, tracked in `PRAGMA user_version`.
 *
 * Migrations only ever append: a database created by an older mapsign is brought forward on
 * open, inside one transaction per step, and a database from a newer mapsign is refused rather
 * than written with the wrong assumptions.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './errors.js';

/** Each entry moves the schema from version `index` to `index + 1`. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    scheme TEXT NOT NULL CHECK (scheme IN ('google', 'streetmaps', 'maptiler')),
    label TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE secrets (
    credential_id TEXT NOT NULL REFERENCES credentials(id),
    version INTEGER NOT NULL,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (credential_id, version)
  );
  CREATE TABLE usage (
    day TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, credential_id, channel, outcome)
  ) WITHOUT ROWID;
  -- One counter bumped by triggers on every credential change, so that a gateway polls a single
  -- row to notice a revocation made by the CLI, the admin API or another process.
  CREATE TABLE changes (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
  INSERT INTO changes (id, seq) VALUES (1, 0);
  CREATE TRIGGER credentials_insert AFTER INSERT ON credentials BEGIN UPDATE changes SET seq = seq + 1; END;
  CREATE TRIGGER credentials_update AFTER UPDATE ON credentials BEGIN UPDATE changes SET seq = seq + 1; END;
  CREATE TRIGGER credentials_delete AFTER DELETE ON credentials BEGIN UPDATE changes SET seq = seq + 1; END;
  CREATE TRIGGER secrets_insert AFTER INSERT ON secrets BEGIN UPDATE changes SET seq = seq + 1; END;
  CREATE TRIGGER secrets_update AFTER UPDATE ON secrets BEGIN UPDATE changes SET seq = seq + 1; END;
  CREATE TRIGGER secrets_delete AFTER DELETE ON secrets BEGIN UPDATE changes SET seq = seq + 1; END;
  `,
  // Usage batches already applied, so a batch retried after a write that failed late is skipped.
  `
  CREATE TABLE usage_batches (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX usage_batches_applied_at ON usage_batches (applied_at);
  `,
  // The audit trail: one row per admin action (or per source and minute of failed admin auth).
  `
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time INTEGER NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    credential_id TEXT,
    outcome TEXT NOT NULL,
    count INTEGER NOT NULL,
    details TEXT NOT NULL
  );
  CREATE INDEX audit_time ON audit (time);
  `,
  // Restrictions and limits per credential (canonical JSON, NULL for none) and when they last changed.
  `
  ALTER TABLE credentials ADD COLUMN controls TEXT;
  ALTER TABLE credentials ADD COLUMN updated_at INTEGER;
  `,
  // Hourly totals for \`mapsign usage --by hour\`, written with the daily ones from then on. No
  // channel column: the daily table keeps the split by channel, under its bound.
  `
  CREATE TABLE usage_hourly (
    day TEXT NOT NULL,
    hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    credential_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, hour, credential_id, outcome)
  ) WITHOUT ROWID;
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings `db` to {@link SCHEMA_VERSION}; throws `STORE_FAILED` for a newer database. */
export function migrate(db: BetterSqlite3.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StoreError('STORE_FAILED', `The database has schema version ${current}, newer than this mapsign understands (${SCHEMA_VERSION}); upgrade mapsign.`);
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
