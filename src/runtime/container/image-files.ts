// Reading a small file (/etc/passwd, /etc/group) of an image without
// mounting it: look through its layer dirs from the top, the way overlay
// would, stopping at a whiteout of the file or of a directory above it.
// Opaque directories are not seen (their marker is an xattr Node cannot
// read), so a file hidden by one could be found in a lower layer.

import fs from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../../storage/atomic-file.js';

const MAX_SIZE = 4 * 1024 * 1024;

/** Content of `rel` (e.g. `etc/passwd`) in the merged view of `diffDirs` (top-most first), or undefined. */
export async function readImageFile(diffDirs: readonly string[], rel: string): Promise<string | undefined> {
  const parts = rel.split('/').filter(Boolean);
  for (const diff of diffDirs) {
    // A whiteout (char 0:0) of the file or any parent hides everything below.
    for (let i = 1; i <= parts.length; i++) {
      const st = await fs.lstat(path.join(diff, ...parts.slice(0, i))).catch((err: unknown) => {
        if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR' || errnoCode(err) === 'EACCES') return undefined;
        throw err;
      });
      if (!st) break;
      if (st.isCharacterDevice() && st.rdev === 0) return undefined;
      if (i === parts.length) {
        if (!st.isFile() || st.size > MAX_SIZE) return undefined;
        try {
          return await fs.readFile(path.join(diff, ...parts), 'utf8');
        } catch (err) {
          if (errnoCode(err) === 'EACCES') return undefined;
          throw err;
        }
      }
      if (!st.isDirectory()) break;
    }
  }
  return undefined;
}
