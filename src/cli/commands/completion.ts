/**
 * `mapsign completion bash|zsh|fish`: prints the shell completion script for every command and
 * option in the registry (`completion.ts` writes it). The one command that loads every other,
 * to read their options.
 */
import { defineCommand } from '../command.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { didYouMean } from '../../core/suggest.js';
import { UsageError } from '../usage-error.js';
import { COMMANDS } from './index.js';

/** The `completion` command. */
export const completion = defineCommand({
  name: 'completion',
  usage: 'bash|zsh|fish',
  description: 'Print a completion script for commands, options and their fixed values (--scheme, --by, --log).',
  options: {},
  examples: [
    'eval "$(mapsign completion bash)"          # in ~/.bashrc',
    'eval "$(mapsign completion zsh)"           # in ~/.zshrc, after compinit',
    'mapsign completion fish | source           # in ~/.config/fish/config.fish',
  ],
  async run(_values, positionals, io) {
    const [shell, extra] = positionals;
    if (shell === undefined || extra !== undefined || !(SHELLS as readonly string[]).includes(shell)) {
      const given = shell === undefined ? 'no shell' : JSON.stringify(positionals.join(' '));
      throw new UsageError(`Name one shell: mapsign completion bash, zsh or fish (got ${given}).${shell === undefined ? '' : didYouMean(shell, SHELLS)}`);
    }
    const commands = await Promise.all(COMMANDS.map(async (entry) => ({ name: entry.name, summary: entry.summary, options: (await entry.load()).options })));
    io.stdout.write(completionScript(shell as Shell, commands));
    return 0;
  },
});
