/**
 * A command's config file (`--config FILE`): one JSON object whose keys are the command's long
 * option names, e.g. `{"upstream": "http://127.0.0.1:8080", "trust-proxy": ["loopback"],
 * "port": 8787}`. Read strictly: an unknown or misspelt key is an error with the nearest option,
 * never ignored; a value of the wrong type names the key and the form it takes. A number is
 * taken where a string is (`"port": 8787`), for the command to judge as it judges `--port 8787`.
 *
 * Secrets stay out: a key naming one (`admin-token`, `password`, …) is refused with where the
 * secret goes instead, and a file that other users may read and that holds a URL with a
 * password is flagged. No message here quotes a value from the file, nor JSON's own error text
 * (it quotes the file): a mistyped file never prints the password it holds.
 */
import { readFile, stat } from 'node:fs/promises';
import type { OptionDef, OptionSpec } from './command.js';
import { suggest } from '../core/suggest.js';
import { hasUrlPassword } from './url-password.js';
import { UsageError } from './usage-error.js';

/** An option's value from any source: what `parseArgs` gives for its type. */
export type SettingValue = string | readonly string[] | boolean;

/** What {@link readConfigFile} checks the file against. */
export interface ConfigFileSpec {
  /** The command's name, for messages (`'mapsign serve --help'`). */
  readonly command: string;
  /** The options the file may set. */
  readonly options: OptionSpec;
  /** Options only the command line may give (`config`, `print-config`). */
  readonly commandLineOnly: readonly string[];
  /** The environment name of a setting, to say where a secret goes instead. */
  envName(name: string): string;
  /** Prints a warning (a readable file with a password). */
  warn(message: string): void;
}

/** A key that names a secret; no option can (`args.ts` refuses them on the command line). */
const SECRET_KEY = /(?:^|-)(?:secret|token|password|passphrase|private-key)$/;

/** The read permissions of the group and of others (`chmod go-r` clears them). */
const SHARED_MODE = 0o044;

const EXAMPLE = '{"port": 8787}';

/** What a JSON value is, never what it says (it may be a secret). */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const odd = value.find((item) => scalar(item) === undefined);
    return odd === undefined ? 'a list' : `a list holding ${kind(odd)}`;
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
}

/**
 * Where JSON.parse stopped, as a line and column of `text`, taken from its message: never the
 * message itself, which quotes the file.
 */
function jsonPosition(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message);
  if (position === null) return message.includes('end of JSON') ? ' (it ends too early)' : '';
  const before = text.slice(0, Number(position[1])).split('\n');
  return ` (line ${before.length}, column ${before.at(-1)!.length + 1})`;
}

/** A string option's value: a string, or a number written as the command line would. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function settingValue(def: OptionDef, value: unknown): SettingValue | undefined {
  if (def.type === 'boolean') return typeof value === 'boolean' ? value : undefined;
  if (def.multiple !== true) return scalar(value);
  const items = Array.isArray(value) ? value.map(scalar) : [scalar(value)];
  return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
}

function expected(name: string, def: OptionDef): string {
  if (def.type === 'boolean') return `true or false (the switch --${name})`;
  if (def.multiple === true) return `a list of strings, e.g. ["${def.value}"] (the values of the repeatable --${name} ${def.value})`;
  return `a string or a number (the value of --${name} ${def.value})`;
}

function checkKey(key: string, spec: ConfigFileSpec, where: string): OptionDef {
  if (spec.commandLineOnly.includes(key)) throw new UsageError(`${where} cannot set "${key}": it is for the command line only; remove it from the file.`);
  // Own keys only: `constructor` or `__proto__` in a file are unknown keys like any other.
  if (Object.hasOwn(spec.options, key)) return spec.options[key]!;
  if (SECRET_KEY.test(key)) {
    const file = !Object.hasOwn(spec.options, `${key}-file`) ? '' : `, or put it alone in a file named by "${key}-file"`;
    throw new UsageError(`${where} may not hold "${key}": a secret does not belong in a file of settings; set $${spec.envName(key)}${file}.`);
  }
  const match = suggest(key, Object.keys(spec.options));
  const hint = match === undefined ? '' : ` Did you mean "${match}"?`;
  throw new UsageError(`${where} has an unknown key "${key}".${hint} Its keys are the long options of 'mapsign ${spec.command} --help', without "--".`);
}

async function warnIfShared(path: string, values: Readonly<Record<string, SettingValue>>, spec: ConfigFileSpec): Promise<void> {
  const withPassword = Object.keys(values).filter((key) => [values[key]].flat().some((item) => typeof item === 'string' && hasUrlPassword(item)));
  if (withPassword.length === 0 || ((await stat(path)).mode & SHARED_MODE) === 0) return;
  const keys = withPassword.map((key) => `"${key}"`).join(', ');
  spec.warn(`warning: the config file ${JSON.stringify(path)} is readable by other users and holds a password in ${keys}; run chmod 600 on it, or move the URL to $${spec.envName(withPassword[0]!)}.`);
}

/**
 * The settings in the JSON file at `path`, by option name; `source` says who named the file
 * (`--config`, `$MAPSIGN_CONFIG`). Throws a {@link UsageError} naming the file, the key and
 * what to write instead.
 *
 * @example const fromFile = await readConfigFile('/etc/mapsign/serve.json', '--config', spec) // { upstream: 'http://…', port: '8787' }
 */
export async function readConfigFile(path: string, source: string, spec: ConfigFileSpec): Promise<Record<string, SettingValue>> {
  const where = `The config file ${JSON.stringify(path)} (from ${source})`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the config file ${JSON.stringify(path)} (from ${source}: ${why(error)}); give the path of a JSON file of settings, e.g. ${EXAMPLE}.`);
  }
  // A byte order mark, as some editors write, is not JSON but says nothing either.
  const json = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON${jsonPosition(error, json)}; write one JSON object keyed by option name, e.g. ${EXAMPLE}.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${where} holds ${kind(parsed)}; write one JSON object keyed by option name, e.g. ${EXAMPLE}.`);
  }
  const values: Record<string, SettingValue> = {};
  for (const [key, raw] of Object.entries(parsed)) {
    const def = checkKey(key, spec, where);
    const value = settingValue(def, raw);
    if (value === undefined) throw new UsageError(`${where}: "${key}" must be ${expected(key, def)}, not ${kind(raw)}.`);
    values[key] = value;
  }
  await warnIfShared(path, values, spec);
  return values;
}
