// How a container's root filesystem is made under its storage driver:
//   overlay  the image's layers (l/ short links) under the container's
//            upper/ and work/, mounted natively or served by a mount
//            program (fuse-overlayfs) — chosen when the container is created
//   vfs      a full copy of the layers in containers/<id>/rootfs, made once
//            at create by the helper's `vfs-apply` (files belong to sub-ids)
// A container keeps the storage it was created with for life.

import { HelperError } from '../../errors.js';
import type { DriverChoice } from '../../host/storage-driver.js';
import type { Roots } from '../../config/paths.js';
import type { ContainerStorage } from '../../storage/containers.js';
import { runHelper, type RunSpec } from '../../host/helper/helper.js';

/** What a container records of the driver choice. Pure. */
export function containerStorageOf(choice: Pick<DriverChoice, 'driver' | 'mountProgram'>): ContainerStorage {
  if (choice.driver === 'vfs') return { driver: 'vfs' };
  return choice.mountProgram === undefined ? { driver: 'overlay' } : { driver: 'overlay', mountProgram: choice.mountProgram };
}

export interface ContainerDirs {
  /** Layer directories (short links), top-most first; only read for overlay. */
  lower: () => Promise<string[]>;
  upper: string;
  work: string;
  /** vfs: the container's copy. */
  rootfs: string;
}

/** The root filesystem part of the helper's run spec. Records without storage predate the choice: native overlay. */
export async function rootfsRunSpec(storage: ContainerStorage | undefined, dirs: ContainerDirs): Promise<Pick<RunSpec, 'rootfs' | 'overlay'>> {
  const s = storage ?? { driver: 'overlay' };
  if (s.driver === 'vfs') return { rootfs: dirs.rootfs };
  const overlay: NonNullable<RunSpec['overlay']> = { lower: await dirs.lower(), upper: dirs.upper, work: dirs.work };
  if (s.mountProgram !== undefined) overlay.mountProgram = s.mountProgram;
  return { overlay };
}

/**
 * The storage for a new container, from the same inputs as `info`
 * (`--storage-driver`, `--storage-opt overlay.mount_program=...`,
 * storage.conf, the cached native-overlay probe). HostPrerequisiteError when
 * the configured driver cannot work here.
 */
export async function resolveContainerStorage(o: {
  roots: Roots;
  flagDriver?: string | undefined;
  storageOpts?: readonly string[] | undefined;
}): Promise<ContainerStorage> {
  const { resolveStorageDriver } = await import('../../host/host-facts.js');
  return containerStorageOf(await resolveStorageDriver(o));
}

/** vfs: copy the layers (bottom-most first) into dest, whiteouts and opaque dirs applied. */
export async function makeVfsRootfs(dest: string, layersBottomFirst: readonly string[]): Promise<void> {
  if (layersBottomFirst.length === 0) throw new HelperError('an image without layers has no root filesystem to copy');
  const r = await runHelper({ mode: 'vfs-apply', args: ['--', dest, ...layersBottomFirst] });
  if (r.exitCode !== 0) throw new HelperError(`tsc-run-helper vfs-apply exited with status ${r.exitCode}`);
}
