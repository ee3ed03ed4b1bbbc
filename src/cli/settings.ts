/**
 * Options that may come from the command line, the environment or a JSON config file, for a
 * command that opts in with `settings` (`command.ts`). `runCommand` applies them before `run`,
 * so the command reads one set of values, and every option it declares — those of today and
 * those added later — is covered without a line of its own.
 *
 * Precedence, per option: a flag wins over the environment, the environment over the file, the
 * file over the default (the option left unset, for the command to default as before). A list
 * (a repeatable option) is taken whole from the first source that has it, never merged. In the
 * environment an option is the prefix and its name in capitals, `-` as `_` (`--trust-proxy` →
 * `MAPSIGN_TRUST_PROXY`); a list there is comma-separated, a switch `1`, `0`, `true` or
 * `false`, and an empty variable counts as unset (as `MAPSIGN_DB` always has). The file is
 * `--config FILE` or the prefix and `CONFIG` (`config-file.ts`); `--print-config` prints what
 * came from where (`settings-report.ts`).
 */
import type { CliIo, Command, OptionDef, SettingsSpec } from './command.js';
import { readConfigFile, type SettingValue } from './config-file.js';
import { escapeTerminal } from './terminal-text.js';
import { UsageError } from './usage-error.js';

/** The options a command with `settings` spreads into its own. */
export const SETTINGS_OPTIONS = {
  config: { type: 'string', value: 'FILE', help: 'read settings from a JSON file (default: $MAPSIGN_CONFIG); see Settings below' },
  'print-config': { type: 'boolean', help: 'print every setting and where it came from (flag, env, file, default), then exit' },
} as const;

/** Options only the command line gives: they choose the sources, they are not settings. */
const COMMAND_LINE_ONLY: readonly string[] = Object.keys(SETTINGS_OPTIONS);

/** Where one setting came from. */
export type SettingOrigin =
  | { readonly from: 'flag' }
  | { readonly from: 'env'; readonly name: string }
  | { readonly from: 'file'; readonly path: string }
  | { readonly from: 'default' };

/** Every setting of one invocation, as {@link resolveSettings} found them. */
export interface Settings {
  readonly command: string;
  readonly spec: SettingsSpec;
  /** The values `run` receives: every option set anywhere, the command-line-only ones included. */
  readonly values: Readonly<Record<string, SettingValue>>;
  /** Each option but the command-line-only ones, in the command's order, with its source. */
  readonly origins: ReadonlyMap<string, SettingOrigin>;
  /** The config file read, and what named it; `undefined` for none. */
  readonly file: { readonly path: string; readonly source: string } | undefined;
}

/**
 * The environment variable of option `name`.
 *
 * @example envName({ envPrefix: 'MAPSIGN_' }, 'trust-proxy') // 'MAPSIGN_TRUST_PROXY'
 */
export function envName(spec: SettingsSpec, name: string): string {
  return `${spec.envPrefix}${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The options that are settings, in the command's order. */
function settingOptions(command: Command): [string, OptionDef][] {
  return Object.entries(command.options).filter(([name]) => !COMMAND_LINE_ONLY.includes(name));
}

function fromEnvironment(variable: string, name: string, def: OptionDef, raw: string): SettingValue {
  if (def.type === 'boolean') {
    if (/^(?:1|true)$/i.test(raw)) return true;
    if (/^(?:0|false)$/i.test(raw)) return false;
    throw new UsageError(`$${variable} must be 1, 0, true or false (the switch --${name}), not ${JSON.stringify(raw.slice(0, 20))}.`);
  }
  if (def.multiple !== true) return raw;
  const items = raw.split(',').map((item) => item.trim());
  if (items.includes('')) throw new UsageError(`$${variable} is a comma-separated list of --${name} values and has an empty item; remove the extra comma.`);
  return items;
}

/**
 * The settings of `command`, from `flags` (the parsed command line), then `io.env`, then the
 * config file. Throws a {@link UsageError} for a bad variable or file.
 *
 * @example const { values } = await resolveSettings(serve, { port: '9000' }, io)
 */
export async function resolveSettings(command: Command, spec: SettingsSpec, flags: Readonly<Record<string, SettingValue | undefined>>, io: CliIo): Promise<Settings> {
  const warn = (message: string): void => void io.stderr.write(`mapsign ${command.name}: ${escapeTerminal(message)}\n`);
  const configVariable = envName(spec, 'config');
  const fromVariable = io.env[configVariable];
  const named =
    typeof flags['config'] === 'string'
      ? { path: flags['config'], source: '--config' }
      : fromVariable !== undefined && fromVariable !== ''
        ? { path: fromVariable, source: `$${configVariable}` }
        : undefined;
  const options = settingOptions(command);
  const fromFile =
    named === undefined
      ? {}
      : await readConfigFile(named.path, named.source, { command: command.name, options: Object.fromEntries(options), commandLineOnly: COMMAND_LINE_ONLY, envName: (name) => envName(spec, name), warn });
  const values: Record<string, SettingValue> = {};
  for (const [name, value] of Object.entries(flags)) if (value !== undefined) values[name] = value;
  const origins = new Map<string, SettingOrigin>();
  for (const [name, def] of options) {
    const variable = envName(spec, name);
    const raw = io.env[variable];
    if (values[name] !== undefined) origins.set(name, { from: 'flag' });
    else if (raw !== undefined && raw !== '') {
      values[name] = fromEnvironment(variable, name, def, raw);
      origins.set(name, { from: 'env', name: variable });
    } else if (fromFile[name] !== undefined && named !== undefined) {
      values[name] = fromFile[name];
      origins.set(name, { from: 'file', path: named.path });
    } else origins.set(name, { from: 'default' });
  }
  return { command: command.name, spec, values, origins, file: named };
}

/**
 * The `Settings:` paragraph of `--help` for a command with `settings`, its examples taken from
 * the command's own options.
 *
 * @example renderHelp(serve) // '…Settings: every option can also be set in the environment, as MAPSIGN_UPSTREAM for --upstream …'
 */
export function settingsHelp(command: Command, spec: SettingsSpec): string {
  const options = settingOptions(command);
  const first = options[0]?.[0] ?? 'config';
  const example = [
    options.find(([, def]) => def.type === 'string' && def.multiple !== true),
    options.find(([, def]) => def.type === 'string' && def.multiple === true),
    options.find(([, def]) => def.type === 'boolean'),
  ].flatMap((entry) => (entry === undefined ? [] : [`"${entry[0]}": ${entry[1].type === 'boolean' ? 'true' : entry[1].multiple === true ? `["${entry[1].value}"]` : `"${entry[1].value}"`}`]));
  return `Settings: every option can also be set in the environment, as ${envName(spec, first)} for --${first}
(a list comma-separated, a switch 1, 0, true or false; an empty variable counts as unset), or in a
JSON file named by --config FILE or $${envName(spec, 'config')}, keyed by option name, e.g.
{${example.join(', ')}} (a number may stand for a string).
A flag wins over the environment, the environment over the file, the file over the default; a
list is taken whole from the first of them that has it. A key naming a secret is refused
(secrets stay in the environment or their own files), and so is an unknown key.
--print-config shows each setting and where it came from.`;
}
