// The helper `run` options that the run/create flags of
// src/runtime/create-flags/ add at every start: the generated files bound
// over the image's (passwd, group, localtime, /run/.containerenv), the
// process settings (umask, oom_score_adj, keep-groups), and the monitor's
// --timeout.

import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import type { ContainerRecord } from '../../storage/containers.js';
import { VERSION } from '../../version.js';
import { escapeField } from '../../volume/helper-args.js';
import { ETC_FILE_TARGETS } from './etc-files.js';

/** podman's /run/.containerenv: empty, except under --privileged where it names the container. */
export function containerEnvContent(c: Pick<ContainerRecord, 'id' | 'name' | 'image' | 'imageName'>, privileged: boolean, rootless: boolean): string {
  if (!privileged) return '';
  return `engine="tsc-run-${VERSION}"\nname=${JSON.stringify(c.name)}\nid=${JSON.stringify(c.id)}\nimage=${JSON.stringify(c.imageName)}\nimageid=${JSON.stringify(c.image)}\nrootless=${rootless ? 1 : 0}\n`;
}

/** Whether one of the user's mounts is at target or above it (podman then leaves the target alone). */
function covered(c: ContainerRecord, target: string): boolean {
  return (c.config.mounts ?? []).some((m) => target === m.destination || target.startsWith(`${m.destination.replace(/\/$/, '')}/`));
}

/** Bind options of the generated files, placed after every other mount (a tmpfs /run would cover them). */
export async function generatedFileArgs(userdata: string, c: ContainerRecord, privileged: boolean): Promise<string[]> {
  const args: string[] = [];
  for (const f of c.config.etcFiles ?? []) {
    const target = ETC_FILE_TARGETS[f];
    if (target && !covered(c, target)) args.push('--bind', `${escapeField(path.join(userdata, f))}:${target}:`);
  }
  // --chrootdirs: the generated /etc files also at DIR/etc/ (podman's mountIntoRootDirs).
  for (const dir of c.config.chrootDirs ?? []) {
    for (const f of ['hosts', 'resolv.conf', 'hostname']) {
      if (fs.existsSync(path.join(userdata, f))) args.push('--bind', `${escapeField(path.join(userdata, f))}:${path.posix.join(dir, 'etc', f)}:`);
    }
  }
  // --sdnotify=container under systemd: the unit's notify socket, at podman's path in the container.
  const notify = process.env.NOTIFY_SOCKET;
  if ((c.config.sdNotify ?? 'container') === 'container' && notify?.startsWith('/') && c.config.sdNotify !== undefined) {
    args.push('--bind', `${escapeField(notify)}:/run/notify/notify.sock:`, '--env', 'NOTIFY_SOCKET=/run/notify/notify.sock');
  }
  // --device: the host's node bound in (rootless podman does the same; cgroup device rules do not exist here).
  for (const d of c.config.devices ?? []) args.push('--bind', `${escapeField(d.host)}:${d.container}:`);
  if (!covered(c, '/run/.containerenv')) {
    const env = path.join(userdata, '.containerenv');
    // Written again at every start, as hosts and hostname: atomic, no fsync (nothing to keep across a power loss).
    await writeFileAtomic(env, containerEnvContent(c, privileged, process.getuid!() !== 0), { mode: 0o644, durable: false });
    args.push('--bind', `${escapeField(env)}:/run/.containerenv:`);
  }
  return args;
}

/** Process settings of the container's command (helper `run` options). */
export function processArgs(c: ContainerRecord): string[] {
  const a: string[] = ['--container-id', c.id];
  const cfg = c.config;
  if (cfg.umask !== undefined) a.push('--umask', cfg.umask);
  if (cfg.oomScoreAdj !== undefined) a.push('--oom-score-adj', String(cfg.oomScoreAdj));
  if (cfg.groupAdd?.includes('keep-groups')) a.push('--keep-groups');
  for (const u of cfg.ulimits ?? []) a.push('--rlimit', u);
  for (const [k, v] of Object.entries(cfg.sysctls ?? {})) a.push('--sysctl', `${k}=${v}`);
  if (cfg.shmSize !== undefined) a.push('--shm-size', String(cfg.shmSize));
  if (cfg.personality !== undefined) a.push('--personality', cfg.personality === 'LINUX32' ? '8' : '0');
  const ns = cfg.namespaces ?? {};
  if (ns.pid === 'host') a.push('--pidns=host');
  if (ns.ipc === 'host') a.push('--ipcns=host');
  if (ns.ipc === 'none') a.push('--no-shm');
  if (ns.uts === 'host') a.push('--utsns=host');
  if (ns.cgroupns === 'private') a.push('--cgroupns=private');
  return a;
}

/** Monitor options: --timeout. */
export function monitorFlagArgs(c: ContainerRecord): string[] {
  return c.config.timeout ? ['--timeout', String(c.config.timeout)] : [];
}
