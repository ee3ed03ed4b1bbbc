/**
 * `mapsign COMMAND --help`, written from the command's own data (`command.ts`): the usage
 * line, the description, one line per option with its help text in a column, `-h, --help`,
 * for a command with `settings` the paragraph on the environment and the config file
 * (`settings.ts`), the notes and the examples. A command therefore cannot document an option
 * it does not parse, nor parse one it does not document.
 */
import type { Command, OptionDef } from './command.js';
import { settingsHelp } from './settings.js';

const HELP_OPTION: OptionDef = { type: 'boolean', short: 'h', help: 'show this help' };

function label(name: string, def: OptionDef): string {
  const short = def.short === undefined ? '' : `-${def.short}, `;
  return `${short}--${name}${def.type === 'string' ? ` ${def.value}` : ''}`;
}

/**
 * The `--help` text of `command`, ending with a newline.
 *
 * @example io.stdout.write(renderHelp(sign)) // 'Usage: mapsign sign [URL ...] --scheme NAME [options]\n\n…'
 */
export function renderHelp(command: Command): string {
  const options = [...Object.entries(command.options), ['help', HELP_OPTION] as const].map(([name, def]) => [label(name, def), def.help] as const);
  const width = Math.max(...options.map(([text]) => text.length)) + 2;
  const lines = options.map(([text, help]) => `  ${text.padEnd(width)}${help.split('\n').join(`\n  ${' '.repeat(width)}`)}`);
  const sections = [`Usage: mapsign ${command.name} ${command.usage}`, command.description, `Options:\n${lines.join('\n')}`];
  if (command.settings !== undefined) sections.push(settingsHelp(command, command.settings));
  sections.push(...(command.notes ?? []));
  if (command.examples !== undefined) sections.push(`Examples:\n${command.examples.map((example) => `  ${example}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}
