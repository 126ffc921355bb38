// CLI entry: global flags, command table, and the single error exit path.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { commands } from './commands/index.js';
import { reportError } from './exit.js';
import { splitTrailingCommand, type TrailingCommandSpec } from './trailing-command.js';
import { isDebug, withGlobalOptions, type GlobalArgs } from './global.js';

const PROG = 'tsc-run';

/** Turn yargs' validation messages into podman-style one-liners. */
function usageMessage(msg: string, argv: string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  if (unknown) {
    const first = unknown[1]!.split(', ')[0]!;
    const known = new Set(commands.flatMap((c) => [String(c.command).split(' ')[0], ...[c.aliases ?? []].flat()]));
    if (argv[0] && !argv[0].startsWith('-') && !known.has(argv[0])) {
      return `unrecognized command \`${PROG} ${argv[0]}\`; try '${PROG} --help' for more information`;
    }
    return `unknown flag: ${first.length === 1 ? '-' : '--'}${first}; see '${PROG} --help'`;
  }
  const suggestion = /^Did you mean (.*)\?$/.exec(msg);
  if (suggestion && argv[0]) {
    return `unrecognized command \`${PROG} ${argv[0]}\`; did you mean \`${suggestion[1]}\`?`;
  }
  return msg.replace(/\n+/g, '; ');
}

const GLOBAL_VALUE_FLAGS = ['--root', '--runroot', '--storage-driver', '--storage-opt', '--log-level'];

type TrailingProp = Omit<TrailingCommandSpec, 'names'> & { names?: string[] };

/**
 * Specs of commands that end with a command line of their own (run, exec,
 * unshare). A family (`container`) lists one spec per such subcommand, with
 * names (`container run`).
 */
function trailingSpecs(): TrailingCommandSpec[] {
  return commands.flatMap((c) => {
    const t = (c as { trailing?: TrailingProp | TrailingProp[] }).trailing;
    if (!t) return [];
    const word = String(c.command).split(' ')[0]!;
    return [t].flat().map((s) => ({ ...s, names: s.names ?? [word, ...[c.aliases ?? []].flat()] }));
  });
}

export async function main(argvIn: string[] = hideBin(process.argv)): Promise<number> {
  const rawArgv = splitTrailingCommand(argvIn, trailingSpecs(), GLOBAL_VALUE_FLAGS);
  if (rawArgv.length === 1 && (rawArgv[0] === '--version' || rawArgv[0] === '-v')) {
    process.stdout.write(`${PROG} version ${VERSION}\n`);
    return 0;
  }
  let debug = rawArgv.some((a) => /^--log-level(=|$)/.test(a)) && isDebug({ 'log-level': logLevelOf(rawArgv) });
  const cli = withGlobalOptions(yargs(rawArgv))
    .scriptName(PROG)
    .usage(`Manage pods, containers and images\n\nUsage: ${PROG} [options] <command>`)
    .command(commands)
    .version(false)
    // Not global: `-v` of run/create is --volume.
    .option('version', { alias: 'v', type: 'boolean', global: false, describe: 'Print the version' })
    .help('help')
    .alias('help', 'h')
    .strict()
    .recommendCommands()
    .demandCommand(1, `missing command '${PROG} COMMAND'`)
    // Positionals and a container's command line stay strings (`echo 1e3` must not print 1000).
    .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': false, 'parse-positional-numbers': false })
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(usageMessage(msg ?? 'invalid arguments', rawArgv));
    });
  try {
    const parsed = (await cli.parseAsync()) as unknown as GlobalArgs & { help?: boolean };
    debug = isDebug(parsed);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, debug);
  }
}

function logLevelOf(argv: string[]): string {
  const i = argv.findIndex((a) => a.startsWith('--log-level'));
  const a = argv[i]!;
  return a.includes('=') ? a.split('=')[1]! : (argv[i + 1] ?? 'warn');
}
