// --memory, --cpus and --pids-limit on a host with a delegated cgroup v2
// subtree: a cgroup per container under it, with the limits written before
// the container's process joins it (the helper's --cgroup; the monitor
// removes it after the last exit). Anything that does not work fails the
// start with the reason: a limit is never dropped silently.

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import type { ContainerConfig } from '../../storage/containers.js';

export type Resources = NonNullable<ContainerConfig['resources']>;

const CPU_PERIOD = 100_000;

/** The interface files and values for the limits, and the controllers they need. Pure. */
export function limitFiles(r: Resources): { controllers: string[]; files: Array<[string, string]> } {
  const files: Array<[string, string]> = [];
  const controllers = new Set<string>();
  if (r.memory !== undefined) {
    controllers.add('memory');
    files.push(['memory.max', String(r.memory)]);
  }
  if (r.cpus !== undefined) {
    controllers.add('cpu');
    files.push(['cpu.max', `${Math.max(1000, Math.round(r.cpus * CPU_PERIOD))} ${CPU_PERIOD}`]);
  }
  if (r.pidsLimit !== undefined) {
    controllers.add('pids');
    files.push(['pids.max', r.pidsLimit > 0 ? String(r.pidsLimit) : 'max']);
  }
  return { controllers: [...controllers], files };
}

function fail(what: string, err: unknown): never {
  const e = err as NodeJS.ErrnoException;
  throw new TscRunError(`cannot apply the container's resource limits: ${what}: ${e.code ?? e.message}; run it without --memory, --cpus and --pids-limit`);
}

/** Make and limit the container's cgroup; returns its directory for the helper. */
export async function prepareContainerCgroup(id: string, r: Resources): Promise<string | undefined> {
  if (r.memory === undefined && r.cpus === undefined && r.pidsLimit === undefined) return undefined;
  const { probeCgroups } = await import('../../host/cgroup-probe.js');
  const facts = probeCgroups(process.getuid!());
  if (!facts.delegation.delegated || !facts.delegation.path) {
    throw new TscRunError(`the container's resource limits need a cgroup v2 subtree delegated to this user, and ${facts.delegation.detail}; run it without --memory, --cpus and --pids-limit`);
  }
  const mount = facts.layout === 'unified' ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
  const base = path.join(mount, facts.delegation.path);
  const { controllers, files } = limitFiles(r);
  const missing = controllers.filter((c) => !facts.delegation.controllers.includes(c));
  if (missing.length) fail(`controller ${missing.join(', ')} is not delegated to ${base}`, { code: 'ENOTSUP' });
  try {
    fs.writeFileSync(path.join(base, 'cgroup.subtree_control'), controllers.map((c) => `+${c}`).join(' '));
  } catch (err) {
    fail(`enable ${controllers.join(' ')} in ${base}`, err);
  }
  const dir = path.join(base, `tsc-run-${id}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    fail(`create ${dir}`, err);
  }
  for (const [file, value] of files) {
    try {
      fs.writeFileSync(path.join(dir, file), value);
    } catch (err) {
      try {
        fs.rmdirSync(dir);
      } catch {
        /* the failure below is the one to report */
      }
      fail(`write ${value} to ${path.join(dir, file)}`, err);
    }
  }
  return dir;
}
