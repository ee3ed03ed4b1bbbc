/**
 * Where settings came from, told to the operator. `--print-config`: the settings a command with `settings` would run with, one line each in
 * the command's order, with where each came from — the flag, the environment variable, the
 * config file, or the default the command's `--help` gives. For an operator asking "which
 * port will this start on, and why", and for tests that check a setting arrives without
 * starting anything. Values are JSON, so a list and a string with spaces read unambiguously;
 * any password in a URL is masked, and terminal controls are escaped. And for a command's own
 * error about an option (`--port must be a port number …`), which source set it, since the
 * operator may never have typed `--port`.
 */
import type { SettingValue } from './config-file.js';
import { envName, type SettingOrigin, type Settings } from './settings.js';
import { escapeTerminal, jsonForTerminal } from './terminal-text.js';
import { maskUrlPassword } from './url-password.js';

function shown(value: SettingValue | undefined): string {
  if (value === undefined) return '-';
  return jsonForTerminal(typeof value === 'string' ? maskUrlPassword(value) : Array.isArray(value) ? value.map(maskUrlPassword) : value);
}

function origin(name: string, from: SettingOrigin): string {
  if (from.from === 'flag') return `flag --${name}`;
  if (from.from === 'env') return `env ${from.name}`;
  return from.from === 'file' ? `file ${escapeTerminal(from.path)}` : 'default';
}

/**
 * The `--print-config` text of `settings`, ending with a newline.
 *
 * @example io.stdout.write(renderSettings(settings)) // '…\n  port  "9000"  env MAPSIGN_PORT\n…'
 */
export function renderSettings(settings: Settings): string {
  const rows = [...settings.origins].map(([name, from]) => [name, shown(settings.values[name]), origin(name, from)] as const);
  const nameWidth = Math.max(...rows.map(([name]) => name.length)) + 2;
  const valueWidth = Math.max(...rows.map(([, value]) => value.length)) + 2;
  const file = settings.file === undefined ? 'no config file' : `config file ${escapeTerminal(settings.file.path)} (from ${settings.file.source})`;
  return `Settings of mapsign ${settings.command}, ${file}:
${rows.map(([name, value, from]) => `  ${name.padEnd(nameWidth)}${value.padEnd(valueWidth)}${from}`).join('\n')}
A flag wins over the environment, the environment over the file, the file over the default;
a setting shown as - is left to the default 'mapsign ${settings.command} --help' gives.
`;
}

/**
 * `message` with the source of the first option it names that was not a flag, e.g.
 * `… not "70000". (--port came from $MAPSIGN_PORT.)`; failing that, when the first option it
 * names was set nowhere (`--upstream URL is required …`), the other places to set it.
 *
 * @example throw new UsageError(withSettingSource(error.message, settings))
 */
export function withSettingSource(message: string, settings: Settings): string {
  const named = [...message.matchAll(/--([a-z][a-z0-9-]*)/g)].map(([, name]) => name!).filter((name) => settings.origins.has(name));
  for (const name of named) {
    const from = settings.origins.get(name)!;
    if (from.from === 'env') return `${message} (--${name} came from $${from.name}.)`;
    if (from.from === 'file') return `${message} (--${name} came from the config file ${JSON.stringify(from.path)}.)`;
  }
  const first = named[0];
  if (first === undefined || settings.origins.get(first)!.from !== 'default') return message;
  return `${message} (--${first} may also be set as $${envName(settings.spec, first)} or as "${first}" in the config file.)`;
}
