/**
 * The admin bearer token of the CLI's listeners (`serve`'s admin API, `sign-server`'s metrics):
 * from `$MAPSIGN_ADMIN_TOKEN`, or the first line of `--admin-token-file` — never argv.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/**
 * The token, at least 16 characters; a usage error (exit 2) saying where to put one otherwise.
 * `listener` names what needs it in that message.
 *
 * @example const token = await readAdminToken(values['admin-token-file'], io.env, 'The admin API')
 */
export async function readAdminToken(file: string | undefined, env: Readonly<Record<string, string | undefined>>, listener: string): Promise<string> {
  let token = env['MAPSIGN_ADMIN_TOKEN'];
  if (file !== undefined) {
    try {
      token = (await readFile(file, 'utf8')).split(/\r?\n/, 1)[0]!.trim();
    } catch {
      throw new UsageError(`Cannot read --admin-token-file ${JSON.stringify(file)}; give a file holding only the token.`);
    }
  }
  if (token === undefined || token.length < 16) throw new UsageError(`${listener} needs a token of at least 16 characters in $MAPSIGN_ADMIN_TOKEN or --admin-token-file (e.g. from \`openssl rand -hex 32\`).`);
  return token;
}
