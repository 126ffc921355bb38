// A container's OCI hooks at each start, as podman 4.3's setupOCIHooks:
// the directories of --hooks-dir (or containers.conf's hooks_dir); with
// none set, rootless gets no hooks and root reads
// /usr/share/containers/oci/hooks.d then /etc/containers/oci/hooks.d. The
// matching hooks become helper options (the helper runs prestart to
// poststart, hooks.c); poststop is kept in the runtime dir for whoever
// folds the container's exit (poststop.ts), as podman keeps it in its state.

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { engineConfig } from '../../host/engine-config.js';
import { writeJsonAtomic } from '../../storage/json-store.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { containerAnnotations } from '../views/inspect-view.js';
import { HookFileError, parseHookFile, selectHooks, type HookFile, type OciHook } from './hook-config.js';

export const DEFAULT_HOOKS_DIR = '/usr/share/containers/oci/hooks.d';
export const OVERRIDE_HOOKS_DIR = '/etc/containers/oci/hooks.d';
/** In the container's runtime dir: the poststop hooks of the current start and their state. */
export const POSTSTOP_FILE = 'hooks-poststop.json';

export interface PoststopRecord {
  id: string;
  state: Record<string, unknown>;
  cwd: string;
  hooks: OciHook[];
}

/** The directories in force (undefined: none, no hooks). */
function hookDirs(): string[] | undefined {
  const dirs = engineConfig().hooksDirs;
  if (dirs) return dirs;
  return process.getuid!() === 0 ? [DEFAULT_HOOKS_DIR, OVERRIDE_HOOKS_DIR] : undefined;
}

/** Every `*.json` of the directories by file name; podman's errors for a bad one (a missing directory is none). */
function readHookDirs(dirs: readonly string[]): Map<string, HookFile> {
  const files = new Map<string, HookFile>();
  const errors: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new TscRunError(`setting up OCI Hooks: open ${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'not a directory' : (err as Error).message}`, 126);
    }
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(dir, name);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // gone meanwhile
        errors.push(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
        continue;
      }
      try {
        files.set(name, parseHookFile(text, file, (p) => fs.existsSync(p)));
      } catch (err) {
        if (!(err instanceof HookFileError)) throw err;
        errors.push(err.message);
      }
    }
  }
  // containers/common joins them last-first.
  if (errors.length) throw new TscRunError(`setting up OCI Hooks: ${errors.reverse().join(': ')}`, 126);
  return files;
}

const US = '\x1f';

/** One helper `--hook` value: STAGE, TIMEOUT, PATH, NARGS, ARGS..., ENV... */
function hookArg(stage: string, h: OciHook): string {
  const fields = [stage, String(h.timeout && h.timeout > 0 ? h.timeout : 0), h.path, String(h.args?.length ?? 0), ...(h.args ?? []), ...(h.env ?? [])];
  if (fields.some((f) => f.includes(US) || f.includes('\0'))) throw new TscRunError(`hook ${h.path}: an argument or variable holds a control character tsc-run cannot pass on`);
  if (!path.isAbsolute(h.path)) throw new TscRunError(`hook ${h.path}: the path must be absolute`);
  return fields.join(US);
}

/**
 * The helper options for a start (none without hooks), and the poststop
 * record written (or a stale one removed) in runtimeDir.
 */
export async function containerHookArgs(c: ContainerRecord, o: { userdata: string; runtimeDir: string; privileged: boolean }): Promise<string[]> {
  const stale = path.join(o.runtimeDir, POSTSTOP_FILE);
  const dirs = hookDirs();
  const files = dirs ? readHookDirs(dirs) : new Map<string, HookFile>();
  if (!files.size) {
    await fs.promises.rm(stale, { force: true });
    return [];
  }
  const annotations = containerAnnotations(c, o.privileged);
  const byStage = selectHooks(files, {
    annotations,
    command: c.config.init ? '/run/podman-init' : (c.config.command[0] ?? ''),
    hasBindMounts: (c.config.mounts ?? []).length > 0,
  });
  if (byStage.precreate?.length) {
    throw new TscRunError(`hook ${byStage.precreate[0]!.path}: the precreate stage is not supported: it rewrites the OCI runtime configuration, which tsc-run does not have`);
  }
  const args: string[] = [];
  for (const stage of ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart'] as const) {
    for (const h of byStage[stage] ?? []) args.push('--hook', hookArg(stage, h));
  }
  const head = `{"ociVersion":"1.0.2-dev","id":${JSON.stringify(c.id)}`;
  const tail = `,"bundle":${JSON.stringify(o.userdata)},"annotations":${JSON.stringify(annotations)}}`;
  if (args.length) args.push('--hook-state-head', head, '--hook-state-tail', tail, '--hook-cwd', o.userdata);
  if (byStage.poststop?.length) {
    const rec: PoststopRecord = {
      id: c.id,
      state: { ociVersion: '1.0.2-dev', id: c.id, status: 'stopped', bundle: o.userdata, annotations },
      cwd: o.userdata,
      hooks: byStage.poststop,
    };
    await fs.promises.mkdir(o.runtimeDir, { recursive: true, mode: 0o700 });
    await writeJsonAtomic(stale, rec, { mode: 0o600 });
  } else {
    await fs.promises.rm(stale, { force: true });
  }
  return args;
}
