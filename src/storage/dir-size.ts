// Bytes of the files under a directory, the way containers/storage's
// directory.Size counts a container's diff: non-directory entries' sizes,
// hard links once. Entries we may not read (sub-id-owned directories
// without search permission for us) or that vanish while we walk are
// skipped: this is a report, not an inventory.

import fs from 'node:fs/promises';
import path from 'node:path';

export async function dirSize(root: string): Promise<number> {
  const seen = new Set<bigint>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = path.join(dir, name);
      let st;
      try {
        st = await fs.lstat(p, { bigint: true });
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        await walk(p);
        continue;
      }
      if (st.size === 0n || seen.has(st.ino)) continue;
      seen.add(st.ino);
      total += Number(st.size);
    }
  };
  await walk(root);
  return total;
}
