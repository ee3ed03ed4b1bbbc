/**
 * `mapsign completion bash|zsh|fish`: prints the shell completion script for every command and
 * option in the registry (`completion.ts` writes it).
 */
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { didYouMean } from '../suggest.js';
import { UsageError } from '../usage.js';
import { COMMANDS } from './index.js';

const HELP = `Usage: mapsign completion bash|zsh|fish

Print a completion script for commands, options and their fixed values (--scheme, --by, --log).

Examples:
  eval "$(mapsign completion bash)"          # in ~/.bashrc
  eval "$(mapsign completion zsh)"           # in ~/.zshrc, after compinit
  mapsign completion fish | source           # in ~/.config/fish/config.fish
`;

const OPTIONS = {} as const;

/** The `completion` command. */
export const completion: Command = {
  name: 'completion',
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (values.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    const [shell, extra] = positionals;
    if (shell === undefined || extra !== undefined || !(SHELLS as readonly string[]).includes(shell)) {
      const given = shell === undefined ? 'no shell' : JSON.stringify(positionals.join(' '));
      throw new UsageError(`Name one shell: mapsign completion bash, zsh or fish (got ${given}).${shell === undefined ? '' : didYouMean(shell, SHELLS)}`);
    }
    const commands = await Promise.all(COMMANDS.map(async (entry) => ({ name: entry.name, summary: entry.summary, options: (await entry.load()).options })));
    io.stdout.write(completionScript(shell as Shell, commands));
    return 0;
  },
};
