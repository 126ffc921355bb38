// Where the containers config files are, in podman's order, and the cheap
// check of containers.conf's runtime that every command makes: no TOML
// parser is loaded unless a file sets `runtime` (containers-conf.ts parses).

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../errors.js';
import { containersConfigDir } from '../config/paths.js';

type Env = Record<string, string | undefined>;

/** A `.d` directory's `*.conf` files in name order; none when it is missing. */
export function confDropIns(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.conf'))
      .sort()
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** containers.conf files in podman's order (later wins); CONTAINERS_CONF alone when set. */
export function containersConfFiles(rootless: boolean, env: Env = process.env): string[] {
  if (env.CONTAINERS_CONF) return [env.CONTAINERS_CONF];
  const user = path.join(containersConfigDir(env), 'containers.conf');
  return [
    '/usr/share/containers/containers.conf',
    '/etc/containers/containers.conf',
    ...confDropIns('/etc/containers/containers.conf.d'),
    ...(rootless ? [user, ...confDropIns(`${user}.d`)] : []),
  ];
}

/** The runtimes containers/common knows by name (its default [engine.runtimes] table). */
const KNOWN_RUNTIMES = ['crun', 'runc', 'runj', 'kata', 'runsc', 'youki', 'krun', 'ocijail'];
/** Our own names for the one runtime there is (engine-config.ts RUNTIME_NAME). */
const OURS = ['tsc-run-helper', 'tsc-run'];

/** A file's text holds an uncommented `runtime = ...` line (a scan, not a parse). */
function setsRuntime(file: string): boolean {
  try {
    return /^[ \t]*runtime[ \t]*=/m.test(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/** Pure: whether containers.conf's [engine] runtime (and runtimes table) names a runtime podman would find. */
export function confRuntimeFound(name: string, runtimes: Record<string, unknown>, exists: (p: string) => boolean = fs.existsSync): boolean {
  if (OURS.includes(name) || KNOWN_RUNTIMES.includes(name) || Object.hasOwn(runtimes, name)) return true;
  return name.startsWith('/') && exists(name);
}

/**
 * containers.conf's [engine] runtime naming a runtime that is nowhere: podman
 * refuses every command with 125 and this message, so it is checked before
 * any command makes anything. A runtime podman knows (crun, runc, ..., one of
 * [engine.runtimes], an existing path) is taken: tsc-run's one runtime, its
 * helper, runs the container all the same (docs/runtime.md). `--runtime`
 * replaces the file's value (checked with the global flags instead).
 */
export async function checkConfRuntime(flagRuntime: string | undefined, env: Env = process.env, rootless = process.getuid!() !== 0): Promise<void> {
  if (flagRuntime !== undefined) return;
  if (!containersConfFiles(rootless, env).some(setsRuntime)) return;
  const { readContainersConf } = await import('./containers-conf.js');
  const doc = readContainersConf(env, rootless);
  const table = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const engine = table(doc.engine);
  const name = typeof engine.runtime === 'string' && engine.runtime !== '' ? engine.runtime : undefined;
  if (name === undefined || confRuntimeFound(name, table(engine.runtimes))) return;
  throw new TscRunError(`default OCI runtime ${JSON.stringify(name)} not found: invalid argument`);
}
