// A file in a private dir whose bytes must be exactly the embedded ones: the
// SEA's copy of the helper, checked by sha256 before each use and rewritten
// atomically when missing or tampered with.

import { closeSync, constants, fchmodSync, lstatSync, openSync, readFileSync, renameSync, rmSync, type Stats, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// node:crypto costs ~3 ms to load: only when something must be hashed or
// written, never on the single executable's fast start path.
const crypto = () => process.getBuiltinModule('node:crypto');

export function sha256(data: string | Uint8Array): string {
  return crypto().createHash('sha256').update(data).digest('hex');
}

export function randomSuffix(): string {
  return crypto().randomBytes(6).toString('hex');
}

/** Why `file` cannot be trusted as the bytes hashing to `sha`, or undefined if it can. */
export function verifyFile(file: string, sha: string, mode: number, uid: number): string | undefined {
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message;
  }
  if (!st.isFile()) return 'not a regular file';
  if (st.uid !== uid) return `owned by uid ${st.uid}`;
  if ((st.mode & 0o7777) !== mode) return `mode ${(st.mode & 0o7777).toString(8)}`;
  if (sha256(readFileSync(file)) !== sha) return 'content does not match its hash';
  return undefined;
}

/** Write `data` to `file` via a temp file and rename, so readers never see it half written. */
export function writeAtomic(file: string, data: Uint8Array, mode: number): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomSuffix()}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    writeFileSync(fd, data);
    fchmodSync(fd, mode); // the umask may have dropped bits
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    // Something that is not a file sits there (EISDIR/ENOTEMPTY): clear it once.
    rmSync(file, { recursive: true, force: true });
    try {
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
      throw err;
    }
  }
}

export interface Installed {
  path: string;
  /** True when the file had to be (re)written. */
  written: boolean;
  /** Why the existing copy was rejected, when it was. */
  rejected?: string;
}

/**
 * Make `dir/name` hold exactly `data()` (which must hash to `sha`) with
 * `mode`; the existing copy is reused only after its hash is checked.
 */
export function installVerified(
  dir: string,
  name: string,
  sha: string,
  data: () => Uint8Array,
  mode: number,
  uid: number,
): Installed {
  const file = join(dir, name);
  const rejected = verifyFile(file, sha, mode, uid);
  if (!rejected) return { path: file, written: false };
  const bytes = data();
  if (sha256(bytes) !== sha) throw new Error(`embedded ${name} does not match its recorded hash: the executable is corrupt`);
  writeAtomic(file, bytes, mode);
  return { path: file, written: true, ...(rejected === 'missing' ? {} : { rejected }) };
}
