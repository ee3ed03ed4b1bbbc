/**
 * `mapsign keygen --scheme NAME`: prints a new credential from the CSPRNG in the provider's
 * format — Google `client` + base64url secret, Streetmaps `key` + secret, MapTiler token
 * `KEY_SECRET`. This is the one command whose purpose is to print a secret: it goes to stdout
 * only, for the owner to store once.
 */
import { generateCredential } from '../../core/index.js';
import { defineCommand } from '../command.js';
import { SCHEME_OPTIONS, schemeOption } from '../scheme-option.js';
import { UsageError } from '../usage-error.js';

const LABELS = { google: 'client', streetmaps: 'key', maptiler: 'key' } as const;

/** The `keygen` command. */
export const keygen = defineCommand({
  name: 'keygen',
  usage: '--scheme NAME [--json]',
  description: `Print a new credential in the provider's format, from the system's secure random generator.
Store it at once (a password manager, a secrets store): it is not kept anywhere.`,
  options: { ...SCHEME_OPTIONS, json: { type: 'boolean', help: 'print {"scheme","id","secret"} (plus "token" for maptiler) as one JSON object' } },
  examples: [
    'mapsign keygen --scheme google',
    'mapsign keygen --scheme maptiler --json',
    'mapsign keygen --scheme streetmaps --json | jq -r .secret > streetmaps.secret   # then --secret-file streetmaps.secret',
  ],
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`keygen takes no arguments, got ${JSON.stringify(positionals[0])}; pass --scheme NAME.`);
    const scheme = schemeOption(values.scheme, true);
    const text = generateCredential(scheme.name).reveal();
    if (values.json === true) {
      // JSON.stringify leaves out `token` when it is undefined (Google and Streetmaps).
      io.stdout.write(`${JSON.stringify({ scheme: scheme.name, id: text.id, secret: text.secret, token: text.token })}\n`);
    } else {
      const lines = [`scheme: ${scheme.name}`, `${LABELS[scheme.name]}: ${text.id}`, `secret: ${text.secret}`];
      if (text.token !== undefined) lines.push(`token: ${text.token}`);
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  },
});
