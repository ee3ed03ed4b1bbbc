/**
 * Shell completion scripts for `mapsign completion bash|zsh|fish`, generated from the command
 * registry and each command's option table, so a new command or option completes without
 * anyone editing a script. Values complete where they are a fixed set (`--scheme`, the shell
 * names, `--by`, `--log`) or a path (`--input`, `--db`, …); other values are left to the user.
 */
import { SCHEME_NAMES } from '../core/index.js';
import type { OptionSpec } from './command.js';
import { USAGE_GROUPINGS } from '../store/usage-query.js';

/** What completion needs to know about one command. */
export interface CompletionCommand {
  readonly name: string;
  readonly summary: string;
  readonly options: OptionSpec;
}

/** The shells mapsign writes completion for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** A supported shell. */
export type Shell = (typeof SHELLS)[number];

/** Options whose values are a fixed set, by option name. */
const FIXED_VALUES: Readonly<Record<string, readonly string[]>> = { scheme: SCHEME_NAMES, by: USAGE_GROUPINGS, format: ['table', 'json', 'csv'], log: ['stdout', 'none'], color: ['auto', 'always', 'never'] };

/** Options whose value is a file path. */
const PATH_OPTIONS = new Set(['input', 'output', 'secret-file', 'db', 'admin-socket', 'admin-token-file', 'config']);

const GLOBAL = ['--help', '--version'];

/** The options that take a value other than a fixed set or a path, as one bash pattern (or none). */
function freeValueOptions(commands: readonly CompletionCommand[]): string[] {
  const names = commands.flatMap((c) => Object.entries(c.options).filter(([name, spec]) => spec.type === 'string' && !PATH_OPTIONS.has(name) && FIXED_VALUES[name] === undefined).map(([name]) => `--${name}`));
  return names.length === 0 ? [] : [[...new Set(names)].join('|')];
}

function flags(command: CompletionCommand): string[] {
  return [...Object.keys(command.options).map((name) => `--${name}`), '--help'];
}

function bash(commands: readonly CompletionCommand[]): string {
  const cases = commands.map((c) => `    ${c.name}) words="${flags(c).join(' ')}" ;;`).join('\n');
  const values = Object.entries(FIXED_VALUES).map(([name, list]) => `    --${name}) COMPREPLY=($(compgen -W "${list.join(' ')}" -- "$cur")); return ;;`).join('\n');
  return `# mapsign completion for bash. Load it with: eval "$(mapsign completion bash)"
_mapsign() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} ${GLOBAL.join(' ')}" -- "$cur"))
    return
  fi
  case "$prev" in
${values}
${freeValueOptions(commands).map((names) => `    ${names}) COMPREPLY=(); return ;;`).join('\n')}
  esac
  if [ "\${COMP_WORDS[1]}" = completion ]; then
    COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) return ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
}
complete -F _mapsign mapsign
`;
}

const zshQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function zsh(commands: readonly CompletionCommand[]): string {
  const described = commands.map((c) => zshQuote(`${c.name}:${c.summary}`)).join(' ');
  const cases = commands
    .filter((c) => c.name !== 'completion')
    .map((c) => {
      const specs = Object.entries(c.options).map(([name, spec]) => {
        if (spec.type === 'boolean') return zshQuote(`--${name}`);
        const fixed = FIXED_VALUES[name];
        return zshQuote(`--${name}:${name}:${fixed !== undefined ? `(${fixed.join(' ')})` : PATH_OPTIONS.has(name) ? '_files' : ' '}`);
      });
      return `    ${c.name}) _arguments ${[...specs, zshQuote('--help'), zshQuote('*:file:_files')].join(' ')} ;;`;
    })
    .join('\n');
  return `#compdef mapsign
# mapsign completion for zsh. Load it with: eval "$(mapsign completion zsh)"
_mapsign() {
  local -a commands
  commands=(${described})
  if (( CURRENT == 2 )); then
    _describe command commands
    return
  fi
  case $words[2] in
    completion) _values shell ${SHELLS.join(' ')} ;;
${cases}
  esac
}
compdef _mapsign mapsign
`;
}

const fishQuote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fish(commands: readonly CompletionCommand[]): string {
  const lines = ['# mapsign completion for fish. Load it with: mapsign completion fish | source', 'complete -c mapsign -f'];
  for (const c of commands) lines.push(`complete -c mapsign -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.summary)}`);
  lines.push(`complete -c mapsign -n '__fish_seen_subcommand_from completion' -a ${fishQuote(SHELLS.join(' '))}`);
  for (const c of commands) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const [name, spec] of Object.entries(c.options)) {
      const fixed = FIXED_VALUES[name];
      const value = spec.type === 'boolean' ? '' : fixed !== undefined ? ` -x -a ${fishQuote(fixed.join(' '))}` : PATH_OPTIONS.has(name) ? ' -r -F' : ' -x';
      lines.push(`complete -c mapsign ${when} -l ${name}${value}`);
    }
    lines.push(`complete -c mapsign ${when} -s h -l help`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The completion script for `shell`, covering `commands` (the `completion` command among them,
 * whose argument completes to the shell names).
 *
 * @example completionScript('bash', [{ name: 'sign', summary: 'sign URLs', options: { scheme: { type: 'string', value: 'NAME', help: 'the provider' } } }])
 */
export function completionScript(shell: Shell, commands: readonly CompletionCommand[]): string {
  return shell === 'bash' ? bash(commands) : shell === 'zsh' ? zsh(commands) : fish(commands);
}
