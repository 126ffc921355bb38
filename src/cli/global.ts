// Global flags shared by every command (podman's persistent flags).

import type { Argv } from 'yargs';
import { resolveRoots, type Roots } from '../config/paths.js';
import { LOG_LEVELS } from '../format/log.js';

export interface GlobalArgs {
  root?: string | undefined;
  runroot?: string | undefined;
  'storage-driver'?: string | undefined;
  'storage-opt'?: string[] | undefined;
  'log-level': string;
  noout?: boolean | undefined;
  runtime?: string | undefined;
  'runtime-flag'?: string[] | undefined;
  'hooks-dir'?: string[] | undefined;
  'cgroup-manager'?: string | undefined;
  'events-backend'?: string | undefined;
  tmpdir?: string | undefined;
  volumepath?: string | undefined;
  'network-cmd-path'?: string | undefined;
  'network-config-dir'?: string | undefined;
  syslog?: boolean | undefined;
}

/** podman (pflag): a string flag given twice keeps the last value (`--root a --root b`). */
function lastValue(v: string | string[]): string {
  return Array.isArray(v) ? (v.at(-1) ?? '') : v;
}

export { LOG_LEVELS };

export function withGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('root', { type: 'string', coerce: lastValue, describe: 'Path to the root directory in which data, including images, is stored', global: true })
    .option('runroot', { type: 'string', coerce: lastValue, describe: 'Path to the "run directory" where all state information is stored', global: true })
    .option('storage-driver', { type: 'string', coerce: lastValue, describe: 'Select which storage driver is used to manage storage of images and containers (overlay, vfs)', global: true })
    .option('storage-opt', { type: 'string', array: true, nargs: 1, describe: 'Used to pass an option to the storage driver', global: true })
    .option('log-level', {
      type: 'string', coerce: lastValue,
      default: 'warn',
      describe: `Log messages above specified level (${LOG_LEVELS.join(', ')})`,
      global: true,
    })
    .option('noout', { type: 'boolean', describe: 'do not output to stdout', global: true })
    .option('runtime', { type: 'string', coerce: lastValue, describe: 'Path to the OCI-compatible binary used to run containers. (default "tsc-run-helper", the only one)', global: true })
    .option('runtime-flag', { type: 'string', array: true, nargs: 1, describe: 'add global flags for the container runtime (refused: tsc-run-helper takes none)', global: true })
    .option('cgroup-manager', { type: 'string', coerce: lastValue, describe: 'Cgroup manager to use ("cgroupfs"|"systemd") (default "cgroupfs"; systemd is refused)', global: true })
    .option('events-backend', { type: 'string', coerce: lastValue, describe: 'Events backend to use ("file"|"journald"|"none") (default "file"; journald is refused)', global: true })
    .option('hooks-dir', { type: 'string', array: true, nargs: 1, describe: 'Set the OCI hooks directory path (may be set multiple times)', global: true })
    .option('tmpdir', { type: 'string', coerce: lastValue, describe: 'Path to the tmp directory for libpod state content (refused: tsc-run keeps it in --runroot)', global: true })
    .option('volumepath', { type: 'string', coerce: lastValue, describe: 'Path to the volume directory in which volume data is stored', global: true })
    .option('network-cmd-path', { type: 'string', coerce: lastValue, describe: 'Path to the command for configuring the network (slirp4netns)', global: true })
    .option('network-config-dir', { type: 'string', coerce: lastValue, describe: 'Path of the configuration directory for networks', global: true })
    .option('syslog', { type: 'boolean', describe: 'Output logging information to syslog as well as the console (default false)', global: true });
}

/** The data and runtime roots a command works on. */
export function rootsOf(argv: GlobalArgs): Roots {
  return resolveRoots({ root: argv.root, runroot: argv.runroot });
}

export function isDebug(argv: Pick<GlobalArgs, 'log-level'>): boolean {
  return argv['log-level'] === 'debug' || argv['log-level'] === 'trace';
}

/** A global flag's value as typed anywhere before a container's command line (`--log-level=x`, `--log-level x`). */
export function globalFlagValue(argv: readonly string[], flag: string): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const a = argv[i]!;
    if (a === flag) v = argv[++i];
    else if (a.startsWith(`${flag}=`)) v = a.slice(flag.length + 1);
  }
  return v;
}

export function hasGlobalFlag(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return argv.slice(0, end < 0 ? undefined : end).some((a) => a === flag || a === `${flag}=true`);
}

/**
 * The global flags that change the engine, checked and put in force before
 * any command's handler (yargs middleware). Refusals are podman's messages
 * where podman refuses too, else the reason.
 */
export async function applyGlobalFlags(argv: GlobalArgs): Promise<void> {
  const { TscRunError } = await import('../errors.js');
  if (argv['runtime-flag']?.length) throw new TscRunError('--runtime-flag is not supported: tsc-run-helper, the only runtime, takes no flags');
  if (argv.tmpdir !== undefined) throw new TscRunError('--tmpdir is not supported: tsc-run keeps its volatile state in --runroot');
  const noFlags = [argv.runtime, argv['cgroup-manager'], argv['events-backend'], argv.volumepath, argv['network-cmd-path'], argv['hooks-dir'], argv['network-config-dir']].every((v) => v === undefined);
  // Nothing to set and nothing inherited: leave containers.conf unread until a command needs it.
  if (noFlags && !process.env._TSC_RUN_ENGINE_FLAGS) return;
  const { setEngineFlags } = await import('../host/engine-config.js');
  const path = await import('node:path');
  setEngineFlags({
    runtime: argv.runtime,
    cgroupManager: argv['cgroup-manager'],
    eventsBackend: argv['events-backend'],
    volumePath: argv.volumepath === undefined ? undefined : path.resolve(argv.volumepath),
    networkCmdPath: argv['network-cmd-path'],
    hooksDir: argv['hooks-dir']?.map((d) => path.resolve(d)),
    networkConfigDir: argv['network-config-dir'] === undefined ? undefined : path.resolve(argv['network-config-dir']),
  });
}
