// What a start does for --requires (the containers it needs run first, as
// podman starts a container's dependencies) and --pidfile/--conmon-pidfile.

import fs from 'node:fs/promises';
import type { Roots } from '../../config/paths.js';
import { TscRunError, errorText } from '../../errors.js';
import { ContainerStore, type ContainerConfig, type ContainerRecord } from '../../storage/containers.js';

/** Start each required container that is not running (detached), in order. */
export async function startRequired(ids: readonly string[], start: (c: ContainerRecord) => Promise<unknown>, roots: Roots): Promise<void> {
  const store = new ContainerStore(roots.dataRoot);
  const { liveRecord } = await import('../container/container-observe.js');
  for (const id of ids) {
    const c = await store.get(id);
    if (!c) throw new TscRunError(`container ${id} depends on container ${id} not found in input list: no such container`);
    const live = liveRecord(roots.runRoot, c);
    if (live.state.status === 'running' || live.state.status === 'paused') continue;
    await start(live);
  }
}

/**
 * --pidfile gets the container's process, --conmon-pidfile its monitor's;
 * without it the monitor's pid goes to `conmonDefault`, as podman always
 * writes one (a systemd unit's PIDFile=, generate systemd).
 */
export async function writePidFiles(cfg: ContainerConfig, h: { pid: number; monitorPid: number }, conmonDefault: string): Promise<void> {
  const write = async (file: string, pid: number) => {
    try {
      await fs.writeFile(file, String(pid), { mode: 0o644 });
    } catch (err) {
      throw new TscRunError(`writing pid file ${file}: ${errorText(err)}`);
    }
  };
  if (cfg.pidFile) await write(cfg.pidFile, h.pid);
  await write(cfg.conmonPidFile ?? conmonDefault, h.monitorPid);
}
