// Finding host programs (pasta, slirp4netns, fuse-overlayfs...) without a
// shell: $PATH first, then the usual system directories, which minimal
// environments (sudo, setpriv --reset-env, systemd units) often leave out.

import fs from 'node:fs';
import path from 'node:path';

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/libexec/podman'];

export function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `/bin` → `/usr/bin` on merged-/usr systems; the program's own symlink (pasta → passt) is kept. */
function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Absolute path of `name`, or undefined when it is nowhere to be found. */
export function findExecutable(name: string, envPath: string | undefined = process.env.PATH): string | undefined {
  if (name.includes('/')) return isExecutableFile(name) ? path.resolve(name) : undefined;
  const dirs = [...(envPath ?? '').split(':').filter((d) => d && path.isAbsolute(d)), ...SYSTEM_DIRS];
  for (const dir of new Set(dirs)) {
    const p = path.join(dir, name);
    if (isExecutableFile(p)) return path.join(realDir(dir), name);
  }
  return undefined;
}

/** The device (or file) can be opened read-write by this process. */
export function readWritable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
