// Which storage driver this user gets, and why: a pure decision over probe
// facts, shared by `info`, `system doctor` and whatever mounts a rootfs.

import { UsageError } from '../errors.js';

/** Result of mounting overlay with `userxattr` inside a user namespace (the helper's probe). */
export interface OverlayProbe {
  ok: boolean;
  /** Why it failed (helper output), or a short note when it worked. */
  reason: string;
  /** The probe itself could not run (helper missing, namespace setup failed): no verdict. */
  untested?: boolean;
}

export interface DriverInputs {
  /** Kernel release, e.g. `6.18.44-fc-v669`. */
  kernel: string;
  rootless: boolean;
  /** `--storage-driver`. */
  flagDriver?: string | undefined;
  /** `driver` from storage.conf, with the file it came from. */
  confDriver?: { value: string; source: string } | undefined;
  /** An explicit mount program (`--storage-opt` or storage.conf), resolved by the caller. */
  mountProgram?: { path: string; source: string; executable: boolean } | undefined;
  nativeOverlay: OverlayProbe;
  /** fuse-overlayfs found on PATH, if any. */
  fuseOverlayfs?: string | undefined;
  /** /dev/fuse can be opened read-write by this user. */
  devFuseRW: boolean;
}

export interface DriverChoice {
  driver: 'overlay' | 'vfs';
  /** Set when overlay goes through fuse-overlayfs (or another mount program). */
  mountProgram?: string;
  /** One line for humans: why this driver. */
  reason: string;
  /** The configured driver cannot work here: what is wrong and the command that fixes it. */
  problem?: { message: string; fix?: string };
  /** On the vfs fallback: the command that would make overlay available. */
  fix?: string;
}

/** `6.18.44-fc-v669` → `6.18`. */
export function kernelShort(release: string): string {
  return /^(\d+\.\d+)/.exec(release)?.[1] ?? release;
}

function normalize(driver: string, source: string): 'overlay' | 'vfs' {
  if (driver === 'overlay' || driver === 'overlay2') return 'overlay';
  if (driver === 'vfs') return 'vfs';
  throw new UsageError(`unsupported storage driver "${driver}" (from ${source}): tsc-run supports overlay and vfs`);
}

export function chooseStorageDriver(i: DriverInputs): DriverChoice {
  const requested = i.flagDriver
    ? { driver: normalize(i.flagDriver, '--storage-driver'), source: '--storage-driver' }
    : i.confDriver
      ? { driver: normalize(i.confDriver.value, i.confDriver.source), source: i.confDriver.source }
      : undefined;
  if (requested?.driver === 'vfs') return { driver: 'vfs', reason: `vfs selected by ${requested.source}` };

  const fuseFix = (what: string) => (what.includes('/dev/fuse') ? 'sudo chmod 0666 /dev/fuse' : 'sudo apt-get install fuse-overlayfs');
  const fuseBlocker = (program: string | undefined, executable: boolean) =>
    !program || !executable
      ? program
        ? `mount program ${program} is not an executable`
        : 'fuse-overlayfs is not installed'
      : !i.devFuseRW
        ? '/dev/fuse is not read-write for this user'
        : undefined;

  if (i.mountProgram) {
    const blocker = fuseBlocker(i.mountProgram.path, i.mountProgram.executable);
    const reason = `overlay through mount_program ${i.mountProgram.path} (set by ${i.mountProgram.source})`;
    if (!blocker) return { driver: 'overlay', mountProgram: i.mountProgram.path, reason };
    return { driver: 'overlay', mountProgram: i.mountProgram.path, reason, problem: { message: `${reason} cannot work: ${blocker}`, fix: fuseFix(blocker) } };
  }

  const by = requested ? ` (overlay selected by ${requested.source})` : '';
  const k = kernelShort(i.kernel);
  if (i.nativeOverlay.ok) {
    const where = i.rootless ? 'in a user namespace' : 'as root';
    return { driver: 'overlay', reason: `native overlay works ${where} (kernel ${k})${by}` };
  }
  const native = i.nativeOverlay.untested
    ? `native overlay could not be tested on kernel ${k} (${i.nativeOverlay.reason})`
    : `native overlay does not work in a user namespace on kernel ${k} (${i.nativeOverlay.reason})`;
  const blocker = fuseBlocker(i.fuseOverlayfs, true);
  if (!blocker) {
    return { driver: 'overlay', mountProgram: i.fuseOverlayfs!, reason: `${native}; using fuse-overlayfs${by}` };
  }
  if (requested) {
    return {
      driver: 'overlay',
      reason: `${native}${by}`,
      problem: { message: `overlay (selected by ${requested.source}) cannot work: ${native} and ${blocker}`, fix: fuseFix(blocker) },
    };
  }
  return { driver: 'vfs', reason: `${native} and ${blocker}: falling back to vfs (a full copy of every layer)`, fix: fuseFix(blocker) };
}
