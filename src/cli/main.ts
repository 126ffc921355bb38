// CLI entry: global flags, command table, and the single error exit path.

import type { Argv, CommandModule } from 'yargs';
import { FlagError, TscRunError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { logDebug, logEnabled, logInfo, setLogLevel, type LogLevelName } from '../format/log.js';
import { reportError } from './exit.js';
import { commandWord, loadCommand } from './dispatch.js';
import { mayHaveBoolWord } from './bool-words.js';
import { splitTrailingCommand, type TrailingCommandSpec } from './trailing-command.js';
import { applyGlobalFlags, globalFlagValue, hasGlobalFlag, isDebug, LOG_LEVELS, rootOnlyEffect, takeRootOnlyFlags, withGlobalOptions, type GlobalArgs, type RootOnlyFlag } from './global.js';
import { describeRoot, type AnyCommand, type CommandInfo } from './help/command-info.js';
import { helpText, usageText } from './help/render.js';
import { commandNode, route, type Route } from './help/route.js';

const PROG = 'tsc-run';

/** Turn yargs' validation messages into podman-style one-liners. */
function usageMessage(msg: string, node: CommandInfo, root: CommandInfo, argv: readonly string[]): UsageError {
  const path = node.path;
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  if (unknown) {
    const items = unknown[1]!.split(', ');
    // yargs' strict mode names a surplus positional an unknown argument: cobra's count of arguments instead.
    const surplus = items.filter((it) => argv.includes(it) && !argv.some((a) => a === `--${it}` || a === `-${it}` || a.startsWith(`--${it}=`)));
    if (surplus.length === items.length) {
      const max = positionalsOf(node.useLine, path);
      if (max !== undefined) return new UsageError(max === 0 ? `\`${path}\` takes no arguments` : `accepts at most ${max} arg(s), received ${max + surplus.length}`);
    }
    const first = items[0]!;
    // yargs names `--no-x` as `x` (a negation): say what was typed.
    const typed = argv.find((a) => a === `--no-${first}` || a.startsWith(`--no-${first}=`));
    if (!typed && first.length === 1) {
      // pflag names the letter and what is left of its group from there: 'x' in -xo, 'o' in -o for -ao.
      const group = argv.find((a) => /^-[^-]/.test(a) && a.split('=')[0]!.includes(first, 1));
      const rest = group ? group.slice(group.indexOf(first, 1)) : first;
      return new FlagError(`unknown shorthand flag: '${first}' in -${rest}`, path);
    }
    const flag = typed ? typed.split('=')[0]! : `--${first}`;
    return new FlagError(`unknown flag: ${flag}`, path);
  }
  // cobra checks flags before arguments: an unknown long flag is the error even when arguments are missing too.
  const stray = unknownLongFlag(argv, node, root);
  if (stray) return new FlagError(`unknown flag: ${stray}`, path);
  // pflag's words for a value flag given last with no value (`run -h`, `run --hostname`).
  const noValue = /^Not enough arguments following: (.+)$/.exec(msg);
  if (noValue) {
    const k = noValue[1]!;
    return new FlagError(`flag needs an argument: ${k.length === 1 ? `'${k}' in -${k}` : `--${k}`}`, path);
  }
  const few = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(msg);
  if (few) return new UsageError(`requires at least ${few[2]} arg(s), only received ${few[1]}`);
  const many = /^Too many non-option arguments: got (\d+), maximum of (\d+)$/.exec(msg);
  if (many) return new UsageError(`accepts at most ${many[2]} arg(s), received ${many[1]}`);
  return new UsageError(msg.replace(/\n+/g, '; '));
}

/** How many arguments a usage line (`tsc-run port [options] CONTAINER [PORT]`) takes at most; undefined for a variadic one. */
export function positionalsOf(useLine: string, path: string): number | undefined {
  if (!useLine.startsWith(path)) return undefined;
  const words = useLine.slice(path.length).trim().split(/\s+/).filter((w) => w !== '' && w !== '[options]');
  return words.some((w) => w.includes('...')) ? undefined : words.length;
}

/** The first `--name` before a container's command line that neither the command nor the program defines. */
function unknownLongFlag(argv: readonly string[], node: CommandInfo, root: CommandInfo): string | undefined {
  const known = new Set([...node.options, ...root.options].flatMap((o) => [o.name, ...o.aliases]));
  for (const a of argv) {
    if (a === '--') break;
    if (!a.startsWith('--')) continue;
    const name = a.slice(2).split('=')[0]!;
    if (!known.has(name) && !(name.startsWith('no-') && known.has(name.slice(3)))) return `--${name}`;
  }
  return undefined;
}

/** Every command's module: help, the parity table and the slow path of main() need them all. */
async function allCommands(): Promise<AnyCommand[]> {
  return (await import('./commands/index.js')).commands;
}

/** The program as help and routing see it: global options, then every command (or only `commands`). */
export async function rootInfo(commands?: readonly AnyCommand[]): Promise<CommandInfo> {
  return rootInfoOf(commands ?? (await allCommands()));
}

function rootInfoOf(commands: readonly AnyCommand[]): CommandInfo {
  return describeRoot(PROG, 'Manage pods, containers and images', commands, (y) =>
    withGlobalOptions(y as Argv)
      // podman's root-only flags (src/cli/global.ts takes them out before the command word): listed as podman lists them.
      .option('connection', { alias: 'c', type: 'string', describe: 'Connection to use for remote Podman service (refused: tsc-run is the local engine only)' })
      .option('identity', { type: 'string', describe: 'path to SSH identity file, (CONTAINER_SSHKEY) (refused)' })
      .option('remote', { alias: 'r', type: 'boolean', describe: 'Access remote Podman service (refused: tsc-run is the local engine only)' })
      .option('ssh', { type: 'string', describe: 'define the ssh mode (refused)' })
      .option('url', { type: 'string', describe: 'URL to access Podman service (CONTAINER_HOST) (refused)' })
      .option('help', { type: 'boolean', describe: `Help for ${PROG}` })
      .option('version', { alias: 'v', type: 'boolean', describe: `version for ${PROG}` }),
  );
}

/** Global flags that take a value (`--root DIR`), from their definitions. */
function globalValueFlags(root: CommandInfo): Set<string> {
  return new Set(root.options.filter((o) => o.type !== 'boolean' && o.type !== 'count').map((o) => `--${o.name}`));
}

/** Help, unknown commands and bare groups, answered before yargs; undefined lets yargs run the command. */
async function answerRoute(r: Route): Promise<number | undefined> {
  switch (r.kind) {
    case 'help':
      process.stdout.write(helpText(r.command, r.isRoot));
      return 0;
    case 'unknown-topic':
      process.stdout.write(`Unknown help topic [\`${r.topic}\`]\n${usageText(await rootInfo(), true)}`);
      return 0;
    case 'missing':
      process.stdout.write(helpText(r.command, r.isRoot));
      return reportError(new UsageError(`missing command '${r.command.path} COMMAND'`));
    case 'unknown':
      return reportError(new UsageError(r.message));
    case 'bad-flag':
      return reportError(new FlagError(r.message, r.helpPath));
    case 'help-command':
      process.stdout.write(`Help provides help for any command in the application.\nSimply type ${PROG} help [path to command] for full details.\n\nUsage:\n  ${PROG} help [command] [flags]\n\n`);
      return 0;
    case 'run':
      return undefined;
  }
}

type TrailingProp = Omit<TrailingCommandSpec, 'names'> & { names?: string[] };

/**
 * Specs of commands that end with a command line of their own (run, exec,
 * unshare). A family (`container`) lists one spec per such subcommand, with
 * names (`container run`).
 */
function trailingSpecs(commands: readonly AnyCommand[]): TrailingCommandSpec[] {
  return commands.flatMap((c) => {
    const t = (c as { trailing?: TrailingProp | TrailingProp[] }).trailing;
    if (!t) return [];
    const word = String(c.command).split(' ')[0]!;
    return [t].flat().map((s) => ({ ...s, names: s.names ?? [word, ...[c.aliases ?? []].flat()] }));
  });
}

/** compose's and build's `-f -` (and build's `-`) spellings, loading those modules only when their word is there. */
async function normalizeArgv(argv: string[]): Promise<string[]> {
  let out = [...argv];
  if (out.includes('compose')) out = (await import('./commands/compose.js')).normalizeComposeArgv(out);
  if (out.includes('build')) out = (await import('./commands/build.js')).buildStdinDashes(out);
  return out;
}

function leadingVersionFlag(argv: readonly string[], valueFlags: ReadonlySet<string>): boolean {
  for (let i = 0; i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--'; ) {
    const a = argv[i]!;
    if (a === '--version' || a === '-v') return true;
    i += a.startsWith('--') && !a.includes('=') && valueFlags.has(a) ? 2 : 1;
  }
  return false;
}

/**
 * `version` and `version --format F` (`-f F`, `--format=F`) answered without
 * yargs, which is half the start-up of a command this small; anything else
 * (global flags, other spellings) goes through the parser as before.
 */
async function versionWithoutParser(argv: readonly string[]): Promise<number | undefined> {
  if (argv[0] !== 'version' || process.env._TSC_RUN_ENGINE_FLAGS !== undefined) return undefined;
  let format: string | undefined;
  if (argv.length === 2 && argv[1]!.startsWith('--format=')) format = argv[1]!.slice('--format='.length);
  else if (argv.length === 3 && (argv[1] === '--format' || argv[1] === '-f') && !argv[2]!.startsWith('-')) format = argv[2];
  else if (argv.length !== 1) return undefined;
  const { versionCommand } = await import('./commands/version.js');
  try {
    await versionCommand.handler({ _: ['version'], $0: PROG, 'log-level': 'warn', logLevel: 'warn', ...(format === undefined ? {} : { format }) });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, false);
  }
}

/** Commands whose plain command lines skip yargs (src/cli/fast-argv.ts): the ones run most often. */
const HOT_COMMANDS = new Set(['run', 'create', 'exec', 'start', 'stop', 'rm', 'ps', 'images', 'inspect']);

/** argv parsed for `command` without yargs, or undefined when yargs must parse it. */
async function fastArgv(command: AnyCommand, rawArgv: readonly string[]): Promise<import('./fast-argv.js').ParsedArgv | undefined> {
  const { fastParse, parserSpec } = await import('./fast-argv.js');
  const spec = parserSpec(command, withGlobalOptions);
  return spec && fastParse(rawArgv, spec);
}

export async function main(argvIn: string[] = process.argv.slice(2)): Promise<number> {
  // A shell's <TAB>: the words are not a command line to parse (src/cli/completion/).
  if (argvIn[0] === '__complete' || argvIn[0] === '__completeNoDesc') {
    const { complete } = await import('./completion/complete.js');
    return complete(await rootInfo(), argvIn[0], argvIn.slice(1));
  }
  // Only the command being run is loaded (src/cli/dispatch.ts); every
  // other case, help and unknown words included, sees all commands.
  const globalsOnly = rootInfoOf([]);
  const valueFlags = globalValueFlags(globalsOnly);
  const taken = takeRootOnlyFlags(await normalizeArgv(argvIn), valueFlags);
  const valueless = taken.flags.find((f) => f.value === undefined);
  if (valueless) return reportError(new FlagError(`flag needs an argument: ${valueless.spelling.startsWith('--') ? valueless.spelling : `'${valueless.spelling.slice(1)}' in ${valueless.spelling}`}`, PROG));
  const debugFlag = taken.flags.some((f) => f.name === 'debug' && f.value !== undefined && f.value !== 'false');
  // --debug/-D is docker's spelling of --log-level=debug; with --log-level too, podman refuses (rootOnlyFlags).
  const debugConflict = debugFlag && globalFlagValue(taken.argv, '--log-level') !== undefined;
  const normalized = debugFlag && !debugConflict ? ['--log-level=debug', ...taken.argv] : taken.argv;
  const one = await loadCommand(commandWord(normalized, valueFlags));
  let commands = one ? [one] : await allCommands();
  let root = rootInfoOf(commands);
  let rawArgv = splitTrailingCommand(normalized, trailingSpecs(commands), [...valueFlags]);
  // podman prints its version for --version among the global flags, whatever follows (podman-compose 1.0.3 runs `podman --version ''`).
  if (leadingVersionFlag(rawArgv, valueFlags)) {
    process.stdout.write(`${PROG} version ${VERSION}\n`);
    return 0;
  }
  let routed = route(rawArgv, root, valueFlags);
  if (routed.kind !== 'run' && one) {
    commands = await allCommands();
    root = rootInfoOf(commands);
    rawArgv = splitTrailingCommand(normalized, trailingSpecs(commands), [...valueFlags]);
    routed = route(rawArgv, root, valueFlags);
  }
  const answered = await answerRoute(routed);
  if (answered !== undefined) return answered;
  if (mayGlueDashValue(rawArgv)) {
    // pflag's reading of `-s -INT`: the word after a value flag is its value.
    const { flagSpellings, glueDashValues } = await import('./dash-values.js');
    rawArgv = glueDashValues(rawArgv, flagSpellings(root, commandNode(rawArgv, root, valueFlags)));
  }
  if (mayHaveBoolWord(rawArgv)) {
    // pflag's bool words (`--rm=1`, `-a=F`): yargs would read them as false (bool-words.ts).
    const { pflagBoolWords } = await import('./bool-words.js');
    const node = commandNode(rawArgv, root, valueFlags);
    const read = pflagBoolWords(rawArgv, root, node);
    if (read.invalid) {
      const { flag, value } = read.invalid;
      return reportError(new FlagError(`invalid argument ${JSON.stringify(value)} for "${flag}" flag: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`, node.path));
    }
    rawArgv = read.argv;
  }
  const early = await earlyGlobals(rawArgv, argvIn);
  if (early !== undefined) return early;
  const rootOnly = await rootOnlyFlags(taken.flags, debugConflict);
  if (rootOnly !== undefined) return rootOnly;
  // The command's name only for the debug lines (a walk of the command tree otherwise wasted).
  const called = logEnabled('debug') ? commandNode(rawArgv, root, valueFlags).name || PROG : '';
  if (called) logDebug(`Called ${called}.PersistentPreRunE(${[PROG, ...argvIn].join(' ')})`);
  const code = await runCommand(rawArgv, one, commands, root, valueFlags);
  if (called) logDebug(`Called ${called}.PersistentPostRunE(${[PROG, ...argvIn].join(' ')})`);
  return code;
}

/**
 * Whether glueDashValues could change argv: it only ever joins a flag with a
 * following word that starts with '-' (before `--`), so a command line
 * without such a pair needs neither dash-values.js nor the flag table.
 */
export function mayGlueDashValue(argv: readonly string[]): boolean {
  for (let i = 0; i + 1 < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    const next = argv[i + 1]!;
    if (a.length > 1 && a[0] === '-' && next.length > 1 && next[0] === '-' && next !== '--') return true;
  }
  return false;
}

async function runCommand(rawArgv: string[], one: AnyCommand | undefined, commands: readonly AnyCommand[], root: CommandInfo, valueFlags: ReadonlySet<string>): Promise<number> {
  const versioned = await versionWithoutParser(rawArgv);
  if (versioned !== undefined) return versioned;
  let debug = rawArgv.some((a) => /^--log-level(=|$)/.test(a)) && isDebug({ 'log-level': logLevelOf(rawArgv) });
  const fast = one && HOT_COMMANDS.has(commandWord(rawArgv, valueFlags) ?? '') ? await fastArgv(one, rawArgv) : undefined;
  if (fast) {
    try {
      await applyGlobalFlags(fast as unknown as GlobalArgs);
      await one!.handler(fast);
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    } catch (err) {
      return reportError(err, debug);
    }
  }
  const cli = await yargsParser(rawArgv, commands, root, valueFlags);
  try {
    const parsed = (await cli.parseAsync()) as unknown as GlobalArgs;
    debug = isDebug(parsed);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, debug);
  }
}

/**
 * The yargs parser main() runs a command through (exported so that the
 * fast parser's test can compare the two on the same command lines).
 */
export async function yargsParser(rawArgv: string[], commands: readonly AnyCommand[], root: CommandInfo, valueFlags: ReadonlySet<string>): Promise<Argv<GlobalArgs>> {
  const { default: yargs } = await import('yargs');
  return withGlobalOptions(yargs(rawArgv))
    .scriptName(PROG)
    .usage(`Manage pods, containers and images\n\nUsage: ${PROG} [options] <command>`)
    .command(commands as Array<CommandModule<GlobalArgs, GlobalArgs>>)
    .version(false)
    // Not global: `-v` of run/create is --volume.
    .option('version', { alias: 'v', type: 'boolean', global: false, describe: 'Print the version' })
    // Help is ours (src/cli/help/), in podman's layout, answered before yargs runs.
    .help(false)
    .strict()
    .demandCommand(1, `missing command '${PROG} COMMAND'`)
    // Positionals and a container's command line stay strings (`echo 1e3` must not print 1000).
    .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': false, 'parse-positional-numbers': false })
    .wrap(Math.min(100, process.stdout.columns || 100))
    .middleware(applyGlobalFlags)
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs-parser's own errors are thrown as they are, except a value flag left without its value.
      if (err && !err.message.startsWith('Not enough arguments following: ')) throw err;
      throw usageMessage(err?.message ?? msg ?? 'invalid arguments', commandNode(rawArgv, root, valueFlags), root, rawArgv);
    });
}

/** Act on podman's root-only flags (src/cli/global.ts): an exit code when they end the command, else undefined. */
async function rootOnlyFlags(flags: readonly RootOnlyFlag[], debugConflict: boolean): Promise<number | undefined> {
  if (debugConflict) {
    process.stderr.write('Setting --log-level and --debug is not allowed\n');
    return 1;
  }
  for (const f of flags) {
    if (f.value === undefined) continue; // refused in main() already
    const effect = rootOnlyEffect({ ...f, value: f.value });
    if (effect && 'refuse' in effect) return reportError(new TscRunError(effect.refuse));
    if (effect && 'warn' in effect) (await import('./warn.js')).warn(effect.warn);
  }
  return undefined;
}

const NOOUT_ENV = '_TSC_RUN_NOOUT';

/**
 * Global flags that act before yargs: a bad --log-level (podman's message,
 * exit 1), --syslog without a syslog socket (podman's message, exit 1), and
 * --noout, which runs the command again with stdout on /dev/null so the
 * container's own output (inherited by the helper) is silenced too.
 */
async function earlyGlobals(rawArgv: string[], argvIn: string[]): Promise<number | undefined> {
  const level = globalFlagValue(rawArgv, '--log-level');
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    process.stderr.write(`Log Level ${JSON.stringify(level)} is not supported, choose from: ${LOG_LEVELS.join(', ')}\n`);
    return 1;
  }
  if (level !== undefined) {
    setLogLevel(level as LogLevelName);
    logInfo(`${PROG} filtering at log level ${level}`);
  }
  if (hasGlobalFlag(rawArgv, '--syslog')) {
    const { enableSyslog } = await import('./syslog.js');
    if (!enableSyslog()) {
      process.stderr.write('Failed to initialize syslog hook: Unix syslog delivery error\n');
      return 1;
    }
  }
  if (hasGlobalFlag(rawArgv, '--noout') && !process.env[NOOUT_ENV]) {
    const { spawnSync } = await import('node:child_process');
    const sea = await import('node:sea');
    const args = [...(sea.isSea() ? [] : [...process.execArgv, '--', process.argv[1]!]), ...argvIn];
    // The child gets the terminal's signals itself; we only wait for it.
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.on(s, () => {});
    const r = spawnSync(process.execPath, args, { stdio: ['inherit', 'ignore', 'inherit'], env: { ...process.env, [NOOUT_ENV]: '1' } });
    if (r.error) throw r.error;
    return r.status ?? 128 + (r.signal ? (await import('node:os')).constants.signals[r.signal] : 0);
  }
  return undefined;
}

function logLevelOf(argv: string[]): string {
  const i = argv.findIndex((a) => a.startsWith('--log-level'));
  const a = argv[i]!;
  return a.includes('=') ? a.split('=')[1]! : (argv[i + 1] ?? 'warn');
}
