// The engine settings podman takes from global flags and containers.conf's
// [engine] table: events backend and log file, cgroup manager, runtime,
// volume path, network command path; and [network]'s network config dir. One process-wide value, set by the
// CLI from its global flags (setEngineFlags) before any command runs; the
// containers.conf part is read only when a setting is first asked for.
// Child tsc-run processes (a monitor's exit command) inherit the flags
// through ENGINE_FLAGS_ENV, as podman passes its flags to its exit command.

import { TscRunError } from '../errors.js';
import { readContainersConf } from './containers-conf.js';

export const EVENTS_BACKENDS = ['file', 'journald', 'none'] as const;
export type EventsBackend = (typeof EVENTS_BACKENDS)[number];
export const CGROUP_MANAGERS = ['cgroupfs', 'systemd'] as const;
/** The one OCI runtime there is: our helper. */
export const RUNTIME_NAME = 'tsc-run-helper';

export interface EngineFlags {
  eventsBackend?: string | undefined;
  cgroupManager?: string | undefined;
  runtime?: string | undefined;
  volumePath?: string | undefined;
  networkCmdPath?: string | undefined;
  /** --hooks-dir, each (absolute). */
  hooksDir?: string[] | undefined;
  networkConfigDir?: string | undefined;
  /** --runtime-flag, each as given (podman passes them on as `--FLAG`). */
  runtimeFlags?: string[] | undefined;
}

export interface EngineConfig {
  eventsBackend: EventsBackend;
  /** events_logfile_path from containers.conf; undefined: `<root>/events.log`. */
  eventsLogfilePath?: string;
  /** events_logfile_max_size in bytes; 0: never rotated; unset: podman's default, 1 MB. */
  eventsLogfileMaxSize?: number;
  cgroupManager: 'cgroupfs';
  volumePath?: string;
  networkCmdPath?: string;
  /** --hooks-dir, else containers.conf's hooks_dir; absent: none set (podman's defaults then apply as root only). */
  hooksDirs?: string[];
  /** --network-config-dir, else network_config_dir of containers.conf's [network]: where network configs live. */
  networkConfigDir?: string;
  /** infra_image and infra_command of containers.conf's [engine]: a pod's infra default (src/pod/pod-flags.ts). */
  infraImage?: string;
  infraCommand?: string;
  /** --runtime-flag: flags for the OCI runtime, which (our helper) takes none. */
  runtimeFlags?: string[];
}

export const ENGINE_FLAGS_ENV = '_TSC_RUN_ENGINE_FLAGS';

let flags: EngineFlags | undefined;
let resolved: EngineConfig | undefined;

function inherited(env: NodeJS.ProcessEnv): EngineFlags {
  try {
    const v = JSON.parse(env[ENGINE_FLAGS_ENV] ?? '{}') as unknown;
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** Validate the global flags (podman's messages) and make them this process's (and its children's). */
export function setEngineFlags(f: EngineFlags, env: NodeJS.ProcessEnv = process.env): void {
  const merged: EngineFlags = { ...inherited(env) };
  for (const [k, v] of Object.entries(f) as Array<[keyof EngineFlags, never]>) if (v !== undefined) merged[k] = v;
  checkEngineFlags(merged);
  flags = merged;
  resolved = undefined;
  if (Object.values(merged).some((v) => v !== undefined)) env[ENGINE_FLAGS_ENV] = JSON.stringify(merged);
}

/** Pure: podman's refusals for the global engine flags. */
export function checkEngineFlags(f: EngineFlags): void {
  if (f.runtime !== undefined && f.runtime !== RUNTIME_NAME && f.runtime !== 'tsc-run') {
    throw new TscRunError(`default OCI runtime ${JSON.stringify(f.runtime)} not found: invalid argument`);
  }
  if (f.cgroupManager !== undefined) {
    if (!(CGROUP_MANAGERS as readonly string[]).includes(f.cgroupManager)) {
      throw new TscRunError('configuring runtime: cgroup manager must be one of cgroupfs and systemd: invalid argument');
    }
    if (f.cgroupManager === 'systemd') {
      throw new TscRunError('--cgroup-manager systemd is not supported: tsc-run places containers in cgroups itself (cgroupfs)');
    }
  }
  if (f.eventsBackend !== undefined) {
    if (!(EVENTS_BACKENDS as readonly string[]).includes(f.eventsBackend)) {
      throw new TscRunError(`configuring runtime: ${JSON.stringify(f.eventsBackend)} is not a valid events backend: invalid argument`);
    }
    if (f.eventsBackend === 'journald') {
      throw new TscRunError('--events-backend journald is not supported: tsc-run writes its events to a file (use file or none)');
    }
  }
}

/** podman 4.3's default events_logfile_max_size (containers/common DefaultEventsLogSizeMax). */
export const DEFAULT_EVENTS_LOG_MAX_SIZE = 1_000_000;

/** events_logfile_max_size: bytes, or a size as go-units' FromHumanSize reads it (decimal: 1k = 1000). */
export function eventsLogMaxSize(v: unknown): number {
  if (v === undefined || v === '') return DEFAULT_EVENTS_LOG_MAX_SIZE;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i.exec(v) : null;
  if (!m) throw new TscRunError(`containers.conf: invalid events_logfile_max_size ${JSON.stringify(v)}`);
  const mult = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Pure: flags over containers.conf's [engine] (and [network]) tables. */
export function mergeEngineConfig(f: EngineFlags, engine: Record<string, unknown>, network: Record<string, unknown> = {}): EngineConfig {
  // journald in containers.conf (a common distribution default) means "the system's log": we keep
  // the file, which `events` can read; only an explicit --events-backend journald is refused.
  const confBackend = str(engine.events_logger);
  const eventsBackend = (f.eventsBackend ?? (confBackend === 'none' ? 'none' : 'file')) as EventsBackend;
  const out: EngineConfig = { eventsBackend, cgroupManager: 'cgroupfs' };
  const logfile = str(engine.events_logfile_path);
  const volumePath = f.volumePath ?? str(engine.volume_path);
  const networkCmdPath = f.networkCmdPath ?? str(engine.network_cmd_path);
  if (logfile) out.eventsLogfilePath = logfile;
  if (engine.events_logfile_max_size !== undefined) out.eventsLogfileMaxSize = eventsLogMaxSize(engine.events_logfile_max_size);
  if (volumePath) out.volumePath = volumePath;
  if (networkCmdPath) out.networkCmdPath = networkCmdPath;
  const confHooks = Array.isArray(engine.hooks_dir) ? engine.hooks_dir.filter((d): d is string => typeof d === 'string' && d !== '') : undefined;
  const hooksDirs = f.hooksDir ?? confHooks;
  if (hooksDirs) out.hooksDirs = hooksDirs;
  const networkConfigDir = f.networkConfigDir ?? str(network.network_config_dir);
  if (networkConfigDir) out.networkConfigDir = networkConfigDir;
  const infraImage = str(engine.infra_image);
  const infraCommand = str(engine.infra_command);
  if (infraImage) out.infraImage = infraImage;
  if (infraCommand) out.infraCommand = infraCommand;
  if (f.runtimeFlags?.length) out.runtimeFlags = f.runtimeFlags;
  return out;
}

/** The settings in force: flags (this process's or inherited), then containers.conf. */
export function engineConfig(): EngineConfig {
  if (resolved) return resolved;
  const f = flags ?? inherited(process.env);
  const doc = readContainersConf();
  const table = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  resolved = mergeEngineConfig(f, table(doc.engine), table(doc.network));
  return resolved;
}

