import { API_COMMANDS } from './commands.js';
import { GLOBAL_FLAGS, type FlagSpec } from './flags.js';

/** Help of the whole program. */
export function topUsage(): string {
  const names = [...Object.keys(API_COMMANDS), 'emulator'];
  const width = Math.max(...names.map((name) => name.length)) + 2;
  const commands = Object.entries(API_COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}${command.summary}`,
  );
  commands.push(`  ${'emulator'.padEnd(width)}run a local LoginByCall emulator`);

  return [
    'Usage: loginbycall <command> [options]',
    '',
    'Calls the LoginByCall v2.0 API, or runs a local emulator of it.',
    '',
    'Commands:',
    ...commands,
    '',
    'Options of every API command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Run "loginbycall <command> --help" for the options of one command, and',
    '"loginbycall --version" for the version.',
    '',
  ].join('\n');
}

/** Help of one API subcommand. */
export function commandUsage(name: string): string {
  const command = API_COMMANDS[name];
  if (command === undefined) return topUsage();
  const own =
    Object.keys(command.flags).length > 0 ? ['Options:', ...flagLines(command.flags), ''] : [];

  return [
    `Usage: loginbycall ${name} [options]`,
    '',
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
    '',
    ...own,
    'Common options:',
    ...flagLines(GLOBAL_FLAGS),
    '',
  ].join('\n');
}

function flagLines(flags: Record<string, FlagSpec>): string[] {
  const labels = Object.entries(flags).map(([name, spec]) =>
    spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`,
  );
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  return Object.values(flags).map(
    (spec, index) => `  ${(labels[index] ?? '').padEnd(width)}${spec.description}`,
  );
}
