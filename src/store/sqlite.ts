/**
 * The embedded default store: one SQLite file through better-sqlite3.
 *
 * WAL mode lets the CLI write credentials while a gateway reads them; a busy timeout makes a
 * writer wait for another instead of failing. better-sqlite3 is synchronous, which suits a
 * local file (no event-loop round trip is cheaper than microsecond queries); the methods are
 * still `async` to honour the {@link MapsignStore} contract a networked database shares.
 */
import { closeSync, openSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { sqliteDriver } from './drivers.js';
import type { SchemeName } from '../core/credential.js';
import type { CredentialInfo, MapsignStore, NewCredential, SecretInfo, UsageDelta, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
import { toUsageRow, usageColumns } from './usage-query.js';
import { StoreError } from './errors.js';
import { migrate } from './sqlite-schema.js';

interface CredentialRow { id: string; scheme: SchemeName; label: string | null; created_at: number; revoked_at: number | null }
interface SecretRow { credential_id: string; version: number; secret: string; created_at: number; expires_at: number | null }

/**
 * Opens (creating on first use) the SQLite store at `path`. The file is created readable by
 * its owner only, since it holds signing secrets.
 *
 * @example const store = openSqliteStore('./mapsign.db')
 */
export function openSqliteStore(path: string): MapsignStore {
  const Database = sqliteDriver();
  if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
  let db: BetterSqlite3.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('STORE_FAILED', `Cannot open the database ${path}: ${(error as Error).message}`, { cause: error });
  }
  return new SqliteStore(db);
}

class SqliteStore implements MapsignStore {
  readonly #db: BetterSqlite3.Database;
  readonly #marker: BetterSqlite3.Statement<[], { seq: number }>;
  readonly #usage: BetterSqlite3.Statement<[string, string, string, string, number]>;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#marker = db.prepare('SELECT seq FROM changes WHERE id = 1');
    this.#usage = db.prepare(
      'INSERT INTO usage (day, credential_id, channel, outcome, count) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (day, credential_id, channel, outcome) DO UPDATE SET count = count + excluded.count',
    );
  }

  async insertCredential(credential: NewCredential): Promise<void> {
    const db = this.#db;
    db.transaction(() => {
      if (db.prepare('SELECT 1 FROM credentials WHERE id = ?').get(credential.id) !== undefined) {
        throw new StoreError('CREDENTIAL_EXISTS', `A credential with id ${credential.id} already exists; choose another id.`);
      }
      db.prepare('INSERT INTO credentials (id, scheme, label, created_at) VALUES (?, ?, ?, ?)').run(credential.id, credential.scheme, credential.label, credential.createdAt);
      db.prepare('INSERT INTO secrets (credential_id, version, secret, created_at) VALUES (?, 1, ?, ?)').run(credential.id, credential.secretText, credential.createdAt);
    }).immediate();
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
    db.transaction(() => {
      const row = db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE id = ?').get(id);
      if (row === undefined) throw notFound(id);
      if (row.revoked_at !== null) throw new StoreError('CREDENTIAL_REVOKED', `Credential ${id} is revoked; create a new credential instead of rotating it.`);
      db.prepare('UPDATE secrets SET expires_at = ? WHERE credential_id = ? AND (expires_at IS NULL OR expires_at > ?)').run(overlapUntil, id, overlapUntil);
      const { next } = db.prepare<[string], { next: number }>('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM secrets WHERE credential_id = ?').get(id)!;
      db.prepare('INSERT INTO secrets (credential_id, version, secret, created_at) VALUES (?, ?, ?, ?)').run(id, next, secretText, now);
    }).immediate();
  }

  async revokeCredential(id: string, now: number): Promise<void> {
    const result = this.#db.prepare('UPDATE credentials SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(now, id);
    if (result.changes === 0) throw notFound(id);
  }

  async loadVerifierRecords(now: number): Promise<VerifierRecord[]> {
    const db = this.#db;
    return db.transaction(() => {
      const rows = db.prepare<[], CredentialRow>('SELECT * FROM credentials').all();
      const secrets = this.#secretsById(db.prepare<[number], SecretRow>('SELECT * FROM secrets WHERE expires_at IS NULL OR expires_at > ? ORDER BY version DESC').all(now));
      return rows.map((row) => ({
        id: row.id,
        scheme: row.scheme,
        revoked: row.revoked_at !== null,
        secrets: (secrets.get(row.id) ?? []).map((secret) => ({ text: secret.secret, expiresAt: secret.expires_at })),
      }));
    })();
  }

  async changeMarker(): Promise<string> {
    return String(this.#marker.get()!.seq);
  }

  async recordUsage(deltas: readonly UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    this.#db.transaction(() => {
      for (const d of deltas) this.#usage.run(d.day, d.credentialId, d.channel, d.outcome, d.count);
    }).immediate();
  }

  async queryUsage(query: UsageQuery): Promise<UsageRow[]> {
    const list = usageColumns(query.by);
    const rows = this.#db
      .prepare<[string], Record<string, string | number>>(`SELECT ${list}, SUM(count) AS count FROM usage WHERE day >= ? GROUP BY ${list} ORDER BY ${list}`)
      .all(query.since ?? '');
    return rows.map(toUsageRow);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
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
  return { id: row.id, scheme: row.scheme, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at, secrets: infos };
}

function notFound(id: string): StoreError {
  return new StoreError('CREDENTIAL_NOT_FOUND', `No credential with id ${id}; list them with \`mapsign credentials list\`.`);
}
