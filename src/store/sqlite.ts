/**
 * The embedded default store: one SQLite file through better-sqlite3.
 *
 * WAL mode lets the CLI write credentials while a gateway reads them; a busy timeout makes a
 * writer wait for another instead of failing. better-sqlite3 is synchronous, which suits a
 * local file (no event-loop round trip is cheaper than microsecond queries), but a wait for a
 * lock held by another process blocks the whole event loop: a gateway therefore opens the
 * store with a busy timeout of a few milliseconds, and a locked write fails with
 * `STORE_FAILED` for its caller to retry later, while the CLI waits longer. The methods are
 * still `async` to honour the {@link MapsignStore} contract a networked database shares.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { sqliteDriver } from './drivers.js';
import type { SchemeName } from '../core/credential.js';
import type { AuditEntry, AuditQuery, CredentialChanges, CredentialInfo, MapsignStore, NewCredential, SecretInfo, UsageDelta, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
import { AUDIT_COLUMNS, auditBounds, auditValues, toAuditEntry, type AuditRow } from './audit-rows.js';
import { BATCH_PRUNE_EVERY_MS, BATCH_RETENTION_MS, toUsageRow, usageColumns, usageDayRange, usageTable } from './usage-query.js';
import { ChannelBound, DEFAULT_MAX_CHANNELS, foldUsage } from './usage-channels.js';
import { rollUpUsage } from './usage-rollup.js';
import { credentialErrors, StoreError } from './errors.js';
import { watchSqliteFile } from './sqlite-file-watch.js';
import { migrate } from './sqlite-schema.js';
import { controlsColumn, controlsFromColumn, mergedColumn } from './stored-controls.js';

interface CredentialRow { id: string; scheme: SchemeName; label: string | null; created_at: number; revoked_at: number | null; updated_at: number | null; controls: string | null }
interface SecretRow { credential_id: string; version: number; secret: string; created_at: number; expires_at: number | null }

/** Options for {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * How long a statement waits for a lock another process holds, in ms; default 5000. The wait
   * blocks the event loop: a gateway gives a few ms (`mapsign serve` uses 10).
   */
  readonly busyTimeoutMs?: number | undefined;
  /** Create the file when it is missing (default); `false` refuses a missing file with `INVALID_INPUT` naming it (read-only commands). */
  readonly create?: boolean | undefined;
  /** Distinct channels kept per credential per day before folding into `(other)`; default 100. */
  readonly maxChannels?: number | undefined;
  /** Told once when the file is deleted or replaced while open (checked at each `changeMarker()`). */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/**
 * Opens (creating on first use, unless `create: false`) the SQLite store at `path`. The file is
 * created readable by its owner only, since it holds signing secrets.
 *
 * @example const store = openSqliteStore('./mapsign.db')
 * @example const store = openSqliteStore(path, { busyTimeoutMs: 10, onWarning: warn }) // a gateway
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): MapsignStore {
  // The driver first: a missing one must not leave an empty database file behind.
  const Database = sqliteDriver();
  const maxChannels = new ChannelBound(options.maxChannels ?? DEFAULT_MAX_CHANNELS).max;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 60_000) throw new StoreError('INVALID_INPUT', `busyTimeoutMs must be a whole number of ms from 0 to 60000, not ${busyTimeoutMs}.`);
  if (path !== ':memory:') {
    if (options.create === false && !existsSync(path)) {
      throw new StoreError('INVALID_INPUT', `No database at ${path}: check --db or $MAPSIGN_DB (only \`mapsign serve\` and \`mapsign credentials create\` create one).`);
    }
    closeSync(openSync(path, 'a', 0o600));
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Database(path);
    // Opening may wait the usual 5 s (nothing is served yet); after that, the caller's wait.
    db.pragma(`busy_timeout = ${Math.max(busyTimeoutMs, 5000)}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('STORE_FAILED', `Cannot open the database ${path}: ${(error as Error).message}`, { cause: error });
  }
  const watch = path === ':memory:' || options.onWarning === undefined ? undefined : watchSqliteFile(path, options.onWarning);
  return new SqliteStore(db, path, busyTimeoutMs, maxChannels, watch);
}

class SqliteStore implements MapsignStore {
  readonly #db: BetterSqlite3.Database;
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  readonly #maxChannels: number;
  readonly #watch: { check(): void } | undefined;
  readonly #marker: BetterSqlite3.Statement<[], { seq: number }>;
  readonly #usage: BetterSqlite3.Statement<[string, string, string, string, number]>;
  readonly #usageHourly: BetterSqlite3.Statement<[string, number, string, string, number]>;
  readonly #usedChannels: BetterSqlite3.Statement<[string, string], { channel: string }>;
  readonly #claimBatch: BetterSqlite3.Statement<[string, number]>;
  readonly #pruneBatches: BetterSqlite3.Statement<[number]>;
  #prunedAt = 0;

  constructor(db: BetterSqlite3.Database, path: string, busyTimeoutMs: number, maxChannels: number, watch: { check(): void } | undefined) {
    this.#db = db;
    this.#path = path;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#maxChannels = maxChannels;
    this.#watch = watch;
    this.#marker = db.prepare('SELECT seq FROM changes WHERE id = 1');
    this.#usage = db.prepare(
      'INSERT INTO usage (day, credential_id, channel, outcome, count) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (day, credential_id, channel, outcome) DO UPDATE SET count = count + excluded.count',
    );
    this.#usageHourly = db.prepare(
      'INSERT INTO usage_hourly (day, hour, credential_id, outcome, count) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (day, hour, credential_id, outcome) DO UPDATE SET count = count + excluded.count',
    );
    this.#usedChannels = db.prepare('SELECT DISTINCT channel FROM usage WHERE day = ? AND credential_id = ?');
    this.#claimBatch = db.prepare('INSERT INTO usage_batches (id, applied_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
    this.#pruneBatches = db.prepare('DELETE FROM usage_batches WHERE applied_at < ?');
  }

  async insertCredential(credential: NewCredential): Promise<void> {
    const db = this.#db;
    this.#locked(() => db.transaction(() => {
      if (db.prepare('SELECT 1 FROM credentials WHERE id = ?').get(credential.id) !== undefined) {
        throw credentialErrors.exists(credential.id);
      }
      db.prepare('INSERT INTO credentials (id, scheme, label, created_at, controls) VALUES (?, ?, ?, ?, ?)').run(credential.id, credential.scheme, credential.label, credential.createdAt, controlsColumn(credential.controls));
      db.prepare('INSERT INTO secrets (credential_id, version, secret, created_at) VALUES (?, 1, ?, ?)').run(credential.id, credential.secretText, credential.createdAt);
    }).immediate());
  }

  async listCredentials(): Promise<CredentialInfo[]> {
    const rows = this.#db.prepare<[], CredentialRow>('SELECT * FROM credentials ORDER BY created_at, id').all();
    const secrets = this.#secretsById(this.#db.prepare<[], SecretRow>('SELECT * FROM secrets ORDER BY version DESC').all());
    return rows.map((row) => toInfo(row, secrets.get(row.id) ?? []));
  }

  async getCredential(id: string): Promise<CredentialInfo | undefined> {
    const row = this.#db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE id = ?').get(id);
    if (row === undefined) return undefined;
    return toInfo(row, this.#db.prepare<[string], SecretRow>('SELECT * FROM secrets WHERE credential_id = ? ORDER BY version DESC').all(id));
  }

  async rotateSecret(id: string, secretText: string, now: number, overlapUntil: number): Promise<void> {
    const db = this.#db;
    this.#locked(() => db.transaction(() => {
      const row = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE id = ?').get(id);
      if (row === undefined) throw credentialErrors.notFound(id);
      if (row.revoked_at !== null) throw credentialErrors.revoked(id);
      db.prepare('UPDATE secrets SET expires_at = ? WHERE credential_id = ? AND (expires_at IS NULL OR expires_at > ?)').run(overlapUntil, id, overlapUntil);
      const { next } = db.prepare<[string], { next: number }>('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM secrets WHERE credential_id = ?').get(id)!;
      db.prepare('INSERT INTO secrets (credential_id, version, secret, created_at) VALUES (?, ?, ?, ?)').run(id, next, secretText, now);
    }).immediate());
  }

  async updateCredential(id: string, changes: CredentialChanges, now: number): Promise<void> {
    const db = this.#db;
    this.#locked(() => db.transaction(() => {
      const row = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE id = ?').get(id);
      if (row === undefined) throw credentialErrors.notFound(id);
      if (row.revoked_at !== null) throw credentialErrors.revoked(id);
      const label = changes.label === undefined ? row.label : changes.label;
      // An UPDATE even when nothing changed: the trigger moves the marker, every gateway reloads.
      db.prepare('UPDATE credentials SET label = ?, controls = ?, updated_at = ? WHERE id = ?').run(label, mergedColumn(row.controls, id, changes.controls), now, id);
    }).immediate());
  }

  async revokeCredential(id: string, now: number): Promise<void> {
    const result = this.#locked(() => this.#db.prepare('UPDATE credentials SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(now, id));
    if (result.changes === 0) throw credentialErrors.notFound(id);
  }

  async loadVerifierRecords(now: number): Promise<VerifierRecord[]> {
    const db = this.#db;
    return this.#locked(() => db.transaction(() => {
      const rows = db.prepare<[], CredentialRow>('SELECT * FROM credentials').all();
      const secrets = this.#secretsById(db.prepare<[number], SecretRow>('SELECT * FROM secrets WHERE expires_at IS NULL OR expires_at > ? ORDER BY version DESC').all(now));
      return rows.map((row) => ({
        id: row.id,
        scheme: row.scheme,
        revoked: row.revoked_at !== null,
        controls: controlsFromColumn(row.controls, row.id),
        secrets: (secrets.get(row.id) ?? []).map((secret) => ({ text: secret.secret, expiresAt: secret.expires_at })),
      }));
    })());
  }

  async changeMarker(): Promise<string> {
    this.#watch?.check();
    return this.#locked(() => String(this.#marker.get()!.seq));
  }

  async recordUsage(deltas: readonly UsageDelta[], batchId?: string): Promise<void> {
    if (deltas.length === 0) return;
    this.#locked(() =>
      this.#db.transaction(() => {
        const now = Date.now();
        if (batchId !== undefined && this.#claimBatch.run(batchId, now).changes === 0) return;
        // The bound is checked against what the database holds, inside the write lock, so no
        // other process can add a channel in between.
        const bound = new ChannelBound(this.#maxChannels);
        const pairs = new Map<string, UsageDelta>();
        for (const d of deltas) if (d.channel !== '') pairs.set(`${d.day}\u0000${d.credentialId}`, d);
        for (const d of pairs.values()) bound.know(d.day, d.credentialId, this.#usedChannels.all(d.day, d.credentialId).map((row) => row.channel));
        const { daily, hourly } = rollUpUsage(foldUsage(deltas, bound));
        for (const d of daily) this.#usage.run(d.day, d.credentialId, d.channel, d.outcome, d.count);
        for (const h of hourly) this.#usageHourly.run(h.day, h.hour, h.credentialId, h.outcome, h.count);
        if (batchId !== undefined && now - this.#prunedAt >= BATCH_PRUNE_EVERY_MS) {
          this.#pruneBatches.run(now - BATCH_RETENTION_MS);
          this.#prunedAt = now;
        }
      }).immediate(),
    );
  }

  async queryUsage(query: UsageQuery): Promise<UsageRow[]> {
    const list = usageColumns(query.by);
    const rows = this.#db
      .prepare<[string, string], Record<string, string | number>>(`SELECT ${list}, SUM(count) AS count FROM ${usageTable(query.by)} WHERE day >= ? AND day <= ? GROUP BY ${list} ORDER BY ${list}`)
      .all(...usageDayRange(query));
    return rows.map(toUsageRow);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.#locked(() => this.#db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...auditValues(entry)));
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const { since, until, limit } = auditBounds(query);
    const rows = this.#db
      .prepare<[number, number, number], AuditRow>(`SELECT * FROM (SELECT id, ${AUDIT_COLUMNS} FROM audit WHERE time >= ? AND time < ? ORDER BY time DESC, id DESC LIMIT ?) ORDER BY time, id`)
      .all(since, until, limit);
    return rows.map(toAuditEntry);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /** Runs `work`, turning a lock held too long by another process into a `STORE_FAILED` that says so. */
  #locked<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (!/^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code))) throw error;
      throw new StoreError('STORE_FAILED', `The database ${this.#path} is locked by another process (waited ${this.#busyTimeoutMs} ms); try again once it is released (a gateway retries its usage writes by itself).`, { cause: error });
    }
  }

  #secretsById(rows: SecretRow[]): Map<string, SecretRow[]> {
    const byId = new Map<string, SecretRow[]>();
    for (const row of rows) {
      const list = byId.get(row.credential_id);
      if (list === undefined) byId.set(row.credential_id, [row]);
      else list.push(row);
    }
    return byId;
  }
}

function toInfo(row: CredentialRow, secrets: readonly SecretRow[]): CredentialInfo {
  const infos: SecretInfo[] = secrets.map((s) => ({ version: s.version, createdAt: s.created_at, expiresAt: s.expires_at }));
  return { id: row.id, scheme: row.scheme, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at, updatedAt: row.updated_at, controls: controlsFromColumn(row.controls, row.id), secrets: infos };
}
