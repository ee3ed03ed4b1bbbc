/**
 * `mapsign keygen --scheme NAME`: prints a new credential from the CSPRNG in the provider's
 * format — Google `client` + base64url secret, Streetmaps `key` + secret, MapTiler token
 * `KEY_SECRET`. This is the one command whose purpose is to print a secret: it goes to stdout
 * only, for the owner to store once.
 */
import { generateCredential } from '../../index.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { SCHEME_HELP, schemeOption } from '../scheme-option.js';
import { UsageError } from '../usage.js';

const HELP = `Usage: mapsign keygen --scheme NAME [--json]

Print a new credential in the provider's format, from the system's secure random generator.
Store it at once (a password manager, a secrets store): it is not kept anywhere.

Options:
  ${SCHEME_HELP}
  --json             print {"scheme","id","secret"} (plus "token" for maptiler) as one JSON object
  -h, --help         show this help

Examples:
  mapsign keygen --scheme google
  mapsign keygen --scheme maptiler --json
  mapsign keygen --scheme streetmaps --json | jq -r .secret > streetmaps.secret   # then --secret-file streetmaps.secret
`;

const LABELS = { google: 'client', streetmaps: 'key', maptiler: 'key' } as const;

const OPTIONS = { scheme: { type: 'string' }, json: { type: 'boolean' } } as const;

/** The `keygen` command. */
export const keygen: Command = {
  name: 'keygen',
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (values.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`keygen takes no arguments, got ${JSON.stringify(positionals[0])}; pass --scheme NAME.`);
    const scheme = schemeOption(values.scheme, true);
    const text = generateCredential(scheme.name).reveal();
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify({ scheme: scheme.name, id: text.id, secret: text.secret, ...(text.token === undefined ? {} : { token: text.token }) })}\n`);
    } else {
      const lines = [`scheme: ${scheme.name}`, `${LABELS[scheme.name]}: ${text.id}`, `secret: ${text.secret}`];
      if (text.token !== undefined) lines.push(`token: ${text.token}`);
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  },
};
