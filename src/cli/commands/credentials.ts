/**
 * `mapsign credentials create|list|show|update|rotate|revoke`: manages the gateway's credentials
 * in its database, safely while `mapsign serve` runs (a running gateway picks changes up within
 * a second), with their restrictions and limits (control-options.ts). A secret is printed
 * once, when it is created or rotated, and never again.
 */
import { defineCommand, type CliIo, type OptionValues } from '../command.js';
import { SCHEME_OPTIONS } from '../scheme-option.js';
import { UsageError } from '../usage-error.js';
import { withCommandStore } from '../store-command.js';
import { formatTable } from '../table.js';
import { escapeTerminal, jsonForTerminal } from '../terminal-text.js';
import { createCredential, DEFAULT_OVERLAP_MS, osUser, revokeCredential, rotateCredential, updateCredential, type AuditContext, type CredentialInfo, type IssuedSecret, type MapsignStore } from '../../store/index.js';
import { changesFromOptions, CONTROL_OPTIONS, controlsFromOptions, describeControls, summariseControls } from '../control-options.js';
import { MAX_OVERLAP_MS, parseDuration } from '../../store/duration.js';
import { SCHEME_LIST } from '../../core/schemes/index.js';

const ACTIONS = ['create', 'list', 'show', 'update', 'rotate', 'revoke'] as const;
type Action = (typeof ACTIONS)[number];

function isAction(text: string): text is Action {
  return (ACTIONS as readonly string[]).includes(text);
}

const OPTIONS = {
  db: {
    type: 'string',
    value: 'PATH|URL',
    help: 'the database: a SQLite file or a postgres:// URL (default ./mapsign.db or $MAPSIGN_DB);\nonly create makes a missing file, the other actions refuse it',
  },
  ...SCHEME_OPTIONS,
  id: { type: 'string', value: 'ID', help: "create: the credential's id (default: a new one in the provider's format)" },
  label: { type: 'string', value: 'TEXT', help: 'create, update: a label for people, shown by list and show' },
  ...CONTROL_OPTIONS,
  overlap: { type: 'string', value: 'DURATION', help: 'how long the previous secret keeps working after a rotation (24h, 90m, 0)' },
  json: { type: 'boolean', help: 'machine-readable output' },
} as const;

function date(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Ids and labels are operator (or admin API) text: escaped, so they cannot drive the terminal.
function describe(info: CredentialInfo): string {
  const lines = [`id:       ${escapeTerminal(info.id)}`, `scheme:   ${info.scheme}`, `label:    ${info.label === null ? '-' : escapeTerminal(info.label)}`, `created:  ${date(info.createdAt)}`, `status:   ${info.revokedAt === null ? 'active' : `revoked ${date(info.revokedAt)}`}`];
  if (info.updatedAt !== null) lines.push(`updated:  ${date(info.updatedAt)}`);
  lines.push(...describeControls(info.controls));
  for (const secret of info.secrets) lines.push(`secret v${secret.version}: created ${date(secret.createdAt)}, ${secret.expiresAt === null ? 'current' : `valid until ${date(secret.expiresAt)}`}`);
  return `${lines.join('\n')}\n`;
}

function printIssued(io: CliIo, issued: IssuedSecret, json: boolean, what: string): void {
  const { text, credential } = issued;
  if (json) {
    io.stdout.write(`${jsonForTerminal({ ...credential, issued: text })}\n`);
    return;
  }
  const lines = [`${what} ${credential.scheme} credential ${escapeTerminal(credential.id)}`, `${credential.scheme === 'google' ? 'client' : 'key'}: ${escapeTerminal(text.id)}`, `secret: ${text.secret}`];
  if (text.token !== undefined) lines.push(`token:  ${escapeTerminal(text.token)}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  io.stderr.write('This secret is shown only now: store it in your secrets manager.\n');
}

async function act(store: MapsignStore, action: Action, positionals: readonly string[], values: OptionValues<typeof OPTIONS>, io: CliIo): Promise<number> {
  const json = values.json === true;
  const id = positionals[0];
  // Every change is audited as the OS user running the command (read with `mapsign audit`).
  const audit: AuditContext = { actor: 'cli', source: osUser(), warn: (message) => io.stderr.write(`mapsign: warning: ${escapeTerminal(message)}\n`) };
  const needId = (): string => {
    if (id === undefined) throw new UsageError(`credentials ${action} needs the credential id: mapsign credentials ${action} ID.`);
    return id;
  };
  if (action !== 'create' && action !== 'update') {
    const misplaced = Object.keys(CONTROL_OPTIONS).find((name) => values[name as keyof typeof CONTROL_OPTIONS] !== undefined);
    if (misplaced !== undefined) throw new UsageError(`--${misplaced} is for credentials create and update, not ${action}.`);
  }
  switch (action) {
    case 'create': {
      const { scheme, id: chosen, label } = values;
      if (scheme === undefined) throw new UsageError(`credentials create needs --scheme ${SCHEME_LIST}.`);
      printIssued(io, await createCredential(store, { scheme, id: chosen, label, controls: controlsFromOptions(values), audit }), json, 'Created');
      return 0;
    }
    case 'update': {
      const { controls, clearLabel } = changesFromOptions(values);
      if (clearLabel && values.label !== undefined) throw new UsageError('--clear label and --label contradict each other; give one.');
      const label = clearLabel ? null : values.label;
      if (label === undefined && Object.keys(controls).length === 0) throw new UsageError('credentials update needs something to change: --label, an --allow-… or limit option, or --clear NAME.');
      const info = await updateCredential(store, needId(), { label, controls }, { audit });
      io.stdout.write(json ? `${jsonForTerminal(info)}\n` : `Updated ${escapeTerminal(info.id)}; a running gateway enforces it within a second.\n${describe(info)}`);
      return 0;
    }
    case 'list': {
      const list = await store.listCredentials();
      if (json) io.stdout.write(`${jsonForTerminal(list)}\n`);
      else io.stdout.write(formatTable(['ID', 'SCHEME', 'STATUS', 'SECRETS', 'CREATED', 'CONTROLS', 'LABEL'], list.map((c) => [escapeTerminal(c.id), c.scheme, c.revokedAt === null ? 'active' : 'revoked', String(c.secrets.filter((s) => s.expiresAt === null || s.expiresAt > Date.now()).length), date(c.createdAt), summariseControls(c.controls), escapeTerminal(c.label ?? '')])));
      return 0;
    }
    case 'show': {
      const info = await store.getCredential(needId());
      if (info === undefined) throw new UsageError(`No credential with id ${id}; list them with \`mapsign credentials list\`.`);
      io.stdout.write(json ? `${jsonForTerminal(info)}\n` : describe(info));
      return 0;
    }
    case 'rotate': {
      const overlap = values.overlap;
      const overlapMs = overlap === undefined ? DEFAULT_OVERLAP_MS : parseDuration(overlap, '--overlap', { max: MAX_OVERLAP_MS });
      printIssued(io, await rotateCredential(store, needId(), { overlapMs, audit }), json, 'Rotated');
      return 0;
    }
    case 'revoke': {
      const info = await revokeCredential(store, needId(), { audit });
      io.stdout.write(json ? `${jsonForTerminal(info)}\n` : `Revoked ${escapeTerminal(info.id)} at ${date(info.revokedAt)}; a running gateway refuses it within a second.\n`);
      return 0;
    }
  }
}

/** The `credentials` command. */
export const credentials = defineCommand({
  name: 'credentials',
  usage: 'ACTION [options]',
  description: `Manage the credentials a gateway verifies, in its database (default ./mapsign.db or $MAPSIGN_DB).

Actions:
  create --scheme NAME [--id ID] [--label TEXT] [restrictions and limits]
                                                  issue a credential; prints its secret ONCE
  list                                            every credential (never a secret)
  show ID                                         one credential, its controls and its secrets' versions
  update ID [--label TEXT] [restrictions and limits] [--clear NAME]
                                                  change them (a running gateway within 1 s)
  rotate ID [--overlap 24h]                       issue a new secret; the old one stays valid for the overlap
  revoke ID                                       refuse the credential from now on (a running gateway within 1 s)`,
  options: OPTIONS,
  examples: [
    'mapsign credentials create --scheme google --label "acme web"',
    'mapsign credentials create --scheme google --allow-path /tiles/ --allow-referrer https://app.example.com --rate-limit 50/s',
    'mapsign credentials update gme-0123456789abcdef --daily-quota 100000 --clear allow-referrer',
    'mapsign credentials rotate gme-0123456789abcdef --overlap 1h',
    'mapsign credentials revoke gme-0123456789abcdef',
  ],
  async run(values, positionals, io) {
    const [action, ...rest] = positionals;
    if (action === undefined) throw new UsageError(`Name an action: ${ACTIONS.join(', ')}.`);
    if (!isAction(action)) throw new UsageError(`Unknown action ${JSON.stringify(action)}; use ${ACTIONS.join(', ')}.`);
    // Only create may make a new database: anything else on a mistyped path is an error naming it.
    return withCommandStore(io, { db: values.db, create: action === 'create' }, (store) => act(store, action, rest, values, io));
  },
});
