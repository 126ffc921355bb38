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
  conmon?: string | undefined;
  namespace?: string | undefined;
  'registries-conf'?: string | undefined;
  'cpu-profile'?: string | undefined;
  'memory-profile'?: string | undefined;
  'default-mounts-file'?: string | undefined;
  'max-workers'?: string | undefined;
  'network-backend'?: string | undefined;
  trace?: boolean | undefined;
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
    .option('runtime-flag', { type: 'string', array: true, nargs: 1, describe: 'add global flags for the container runtime', global: true })
    .option('cgroup-manager', { type: 'string', coerce: lastValue, describe: 'Cgroup manager to use ("cgroupfs"|"systemd") (default "cgroupfs"; systemd is refused)', global: true })
    .option('events-backend', { type: 'string', coerce: lastValue, describe: 'Events backend to use ("file"|"journald"|"none") (default "file"; journald is refused)', global: true })
    .option('hooks-dir', { type: 'string', array: true, nargs: 1, describe: 'Set the OCI hooks directory path (may be set multiple times)', global: true })
    .option('tmpdir', { type: 'string', coerce: lastValue, describe: 'Path to the tmp directory for libpod state content (refused: tsc-run keeps it in --runroot)', global: true })
    .option('volumepath', { type: 'string', coerce: lastValue, describe: 'Path to the volume directory in which volume data is stored', global: true })
    .option('network-cmd-path', { type: 'string', coerce: lastValue, describe: 'Path to the command for configuring the network (slirp4netns)', global: true })
    .option('network-config-dir', { type: 'string', coerce: lastValue, describe: 'Path of the configuration directory for networks', global: true })
    .option('syslog', { type: 'boolean', describe: 'Output logging information to syslog as well as the console (default false)', global: true })
    .option('conmon', { type: 'string', coerce: lastValue, describe: 'Path of the conmon binary (refused: tsc-run has no conmon)', global: true })
    .option('namespace', { type: 'string', coerce: lastValue, describe: 'Set the libpod namespace, used to create separate views of the containers and pods on the system (refused)', global: true })
    // podman's hidden ones: one acts (--registries-conf), the others are refused in applyGlobalFlags.
    .option('registries-conf', { type: 'string', coerce: lastValue, hidden: true, describe: 'Path to a registries.conf to use for image processing', global: true })
    .option('cpu-profile', { type: 'string', coerce: lastValue, hidden: true, describe: 'Path for the cpu-profiling results', global: true })
    .option('memory-profile', { type: 'string', coerce: lastValue, hidden: true, describe: 'Path for the memory-profiling results', global: true })
    .option('default-mounts-file', { type: 'string', coerce: lastValue, hidden: true, describe: 'Path to default mounts file', global: true })
    .option('max-workers', { type: 'string', coerce: lastValue, hidden: true, describe: 'The maximum number of workers for parallel operations', global: true })
    .option('network-backend', { type: 'string', coerce: lastValue, hidden: true, describe: 'Network backend to use ("cni"|"netavark")', global: true })
    .option('trace', { type: 'boolean', hidden: true, describe: 'Enable opentracing output (default false)', global: true });
}

/** Why a global flag that tsc-run has no use for is refused (podman's hidden and engine-specific ones). */
const REFUSED_GLOBALS: ReadonlyArray<[keyof GlobalArgs, string]> = [
  ['conmon', 'tsc-run has no conmon: its own helper monitors containers'],
  ['namespace', 'tsc-run has no libpod namespaces'],
  ['cpu-profile', 'tsc-run is not a Go program (profile it with NODE_OPTIONS=--cpu-prof)'],
  ['memory-profile', 'tsc-run is not a Go program (profile it with NODE_OPTIONS=--heap-prof)'],
  ['default-mounts-file', 'tsc-run adds no default mounts (mounts.conf)'],
  ['max-workers', 'tsc-run runs bulk operations one at a time'],
  ['network-backend', 'tsc-run has one network backend of its own (no CNI, no netavark)'],
  ['trace', 'tsc-run has no opentracing'],
];

/**
 * podman's flags of the root command alone (cobra local flags): they are
 * read only before the command word (`podman --remote ps`, not `podman ps --remote`).
 */
const ROOT_ONLY: Readonly<Record<string, { name: string; value: boolean }>> = {
  '--connection': { name: 'connection', value: true },
  '-c': { name: 'connection', value: true },
  '--url': { name: 'url', value: true },
  '--host': { name: 'host', value: true },
  '-H': { name: 'host', value: true },
  '--identity': { name: 'identity', value: true },
  '--ssh': { name: 'ssh', value: true },
  '--context': { name: 'context', value: true },
  '--config': { name: 'config', value: true },
  '--remote': { name: 'remote', value: false },
  '-r': { name: 'remote', value: false },
  '--debug': { name: 'debug', value: false },
  '-D': { name: 'debug', value: false },
};

export interface RootOnlyFlag {
  name: string;
  /** The flag as typed (`-c`, `--remote`). */
  spelling: string;
  /** A value flag's value (undefined when it was the last word); 'true'/'false' for booleans. */
  value: string | undefined;
}

/**
 * Take the root-only flags out of the words before the command word; the
 * rest of argv is returned as it was. `valueFlags` are the other global
 * flags that take a value (their value is skipped, not read as a command).
 */
export function takeRootOnlyFlags(argv: readonly string[], valueFlags: ReadonlySet<string>): { argv: string[]; flags: RootOnlyFlag[] } {
  const out: string[] = [];
  const flags: RootOnlyFlag[] = [];
  let i = 0;
  for (; i < argv.length; ) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-' || a === '--') break;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const spelling = eq > 0 ? a.slice(0, eq) : a;
    const def = ROOT_ONLY[spelling];
    if (def) {
      if (eq > 0) flags.push({ name: def.name, spelling, value: a.slice(eq + 1) });
      else if (def.value) flags.push({ name: def.name, spelling, value: argv[++i] });
      else flags.push({ name: def.name, spelling, value: 'true' });
      i++;
      continue;
    }
    out.push(a);
    if (eq < 0 && valueFlags.has(a) && i + 1 < argv.length) out.push(argv[++i]!);
    i++;
  }
  return { argv: [...out, ...argv.slice(i)], flags };
}

/** What a root-only flag does: refuse (a message), switch on debug, or warn as podman does for --config. */
export function rootOnlyEffect(f: RootOnlyFlag & { value: string }): { refuse: string } | { debug: true } | { warn: string } | undefined {
  switch (f.name) {
    case 'debug':
      return f.value === 'false' ? undefined : { debug: true };
    case 'config':
      return { warn: 'The --config flag is ignored by tsc-run. Exists for Docker compatibility' };
    case 'context':
      // Docker's "default" context is the local engine, the only one tsc-run has.
      return f.value === 'default' ? undefined : { refuse: `--context ${f.value} is not supported: tsc-run has no remote connections, only the local engine ("default")` };
    case 'remote':
      return f.value === 'false' ? undefined : { refuse: '--remote is not supported: tsc-run has no remote client or service; it is the local engine' };
    default:
      return { refuse: `--${f.name} is not supported: tsc-run has no remote connections; it is the local engine` };
  }
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
 * podman 4.3 is a remote client whenever CONTAINER_HOST or CONTAINER_CONNECTION
 * is set (even empty), unless --remote=false: tsc-run has none, so it refuses
 * with the reason (returned) rather than quietly running locally. With
 * --remote=false they are dropped, so the engine's own child processes run
 * locally too.
 */
export function checkRemoteEnv(env: NodeJS.ProcessEnv, remoteFlag: string | undefined): string | undefined {
  const name = ['CONTAINER_HOST', 'CONTAINER_CONNECTION'].find((n) => env[n] !== undefined);
  if (name === undefined) return undefined;
  if (remoteFlag === 'false') {
    delete env.CONTAINER_HOST;
    delete env.CONTAINER_CONNECTION;
    return undefined;
  }
  return `${name} is set: tsc-run has no remote client, only the local engine (unset ${name}, or pass --remote=false)`;
}

/**
 * The global flags that change the engine, checked and put in force before
 * any command's handler (yargs middleware). Refusals are podman's messages
 * where podman refuses too, else the reason.
 */
/** A --runtime a parent tsc-run was given (its _TSC_RUN_ENGINE_FLAGS): containers.conf's runtime is then not in force. */
const RUNTIME_INHERITED = 'inherited';

export async function applyGlobalFlags(argv: GlobalArgs): Promise<void> {
  const { TscRunError } = await import('../errors.js');
  if (argv.tmpdir !== undefined) throw new TscRunError('--tmpdir is not supported: tsc-run keeps its volatile state in --runroot');
  for (const [flag, why] of REFUSED_GLOBALS) if (argv[flag] !== undefined && argv[flag] !== false) throw new TscRunError(`--${flag} is not supported: ${why}`);
  const remoteRefusal = checkRemoteEnv(process.env, globalFlagValue(process.argv.slice(2), '--remote'));
  if (remoteRefusal) throw new TscRunError(remoteRefusal);
  const registriesConf = argv['registries-conf'];
  if (registriesConf !== undefined) {
    // As podman: the file must exist; it then stands for every registries.conf (CONTAINERS_REGISTRIES_CONF), for this process and what it runs.
    const { existsSync } = await import('node:fs');
    if (!existsSync(registriesConf)) throw new TscRunError(`configuring runtime: locating specified registries.conf: stat ${registriesConf}: no such file or directory`);
    process.env.CONTAINERS_REGISTRIES_CONF = (await import('node:path')).resolve(registriesConf);
  }
  // containers.conf's runtime is checked for every command but completion (as podman), before anything is made.
  if ((argv as { _?: unknown[] })._?.[0] !== 'completion') {
    const inheritedRuntime = process.env._TSC_RUN_ENGINE_FLAGS?.includes('"runtime"') ? RUNTIME_INHERITED : undefined;
    await (await import('../host/conf-files.js')).checkConfRuntime(argv.runtime ?? inheritedRuntime);
  }
  const noFlags = [argv.runtime, argv['cgroup-manager'], argv['events-backend'], argv.volumepath, argv['network-cmd-path'], argv['hooks-dir'], argv['network-config-dir'], argv['runtime-flag']].every((v) => v === undefined);
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
    runtimeFlags: argv['runtime-flag'],
  });
}
