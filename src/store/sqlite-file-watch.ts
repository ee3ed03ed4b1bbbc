/**
 * Notices when the SQLite file a store has open is deleted or replaced under it (an operator's
 * `rm`, a restore that renames a backup over it, a deploy that writes a fresh file). SQLite keeps
 * using the file it opened, so the store would go on reading and writing a file nobody else
 * sees, silently. The check compares the device and inode at the path with those of the file
 * opened; one `stat` per call, cheap enough for the credential poll. Each event is reported
 * once, not at every poll.
 */
import { statSync } from 'node:fs';

type FileState = 'same' | 'deleted' | `replaced ${string}`;

/**
 * Watches `path`; `check()` calls `warn` once per deletion or replacement.
 *
 * @example const watch = watchSqliteFile('./mapsign.db', console.error); setInterval(() => watch.check(), 250)
 */
export function watchSqliteFile(path: string, warn: (message: string) => void): { check(): void } {
  const opened = identity(path);
  let last: FileState = 'same';
  return {
    check() {
      if (opened === undefined) return;
      const now = identity(path);
      const state: FileState = now === undefined ? 'deleted' : now === opened ? 'same' : `replaced ${now}`;
      if (state === last) return;
      last = state;
      if (state === 'deleted') {
        warn(`The database file ${path} was deleted while in use: credential changes and usage counts now go to the deleted file and are lost at exit. Restore the file and restart mapsign serve.`);
      } else if (state !== 'same') {
        warn(`The database file ${path} was replaced by another file while in use: this process still uses the old one and does not see the new one's credentials. Restart mapsign serve to use it.`);
      }
    },
  };
}

/** `dev:ino` of the file at `path`, or `undefined` when there is none (or it cannot be reached). */
function identity(path: string): string | undefined {
  try {
    const found = statSync(path, { throwIfNoEntry: false });
    return found === undefined ? undefined : `${found.dev}:${found.ino}`;
  } catch {
    return undefined;
  }
}
