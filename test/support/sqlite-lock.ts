/**
 * Another process holding a SQLite write lock, as `sqlite3 db 'BEGIN IMMEDIATE; …'` or a second
 * program on the same file would: a real child process (better-sqlite3 in a separate Node),
 * never a mock. Not a test file itself.
 */
import { spawn } from 'node:child_process';

/** A lock held by a child process. */
export interface HeldLock {
  /** Resolves once the child has committed and exited. */
  readonly released: Promise<void>;
}

const SCRIPT = `
import Database from 'better-sqlite3';
const [file, ms] = process.argv.slice(-2);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(ms));
`;

/**
 * Starts a child that takes the write lock of `file` and holds it for `ms`; resolves once it holds it.
 *
 * @example const lock = await holdSqliteLock(dbFile, 3000); …; await lock.released
 */
export async function holdSqliteLock(file: string, ms: number): Promise<HeldLock> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, file, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited with ${code}`))));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    released.then(() => reject(new Error('the lock holder exited before locking')), reject);
  });
  return { released };
}
