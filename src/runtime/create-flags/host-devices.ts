// parseDevices' view of the host's files (process-flags.ts stays pure): a
// device node, or a directory whose device nodes are all taken.

import fs from 'node:fs';
import path from 'node:path';

export const hostDeviceInfo = {
  kind: (f: string): 'device' | 'dir' | 'other' | 'missing' => {
    const st = fs.statSync(f, { throwIfNoEntry: false });
    if (!st) return 'missing';
    return st.isCharacterDevice() || st.isBlockDevice() ? 'device' : st.isDirectory() ? 'dir' : 'other';
  },
  list: (dir: string): string[] =>
    fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((e) => path.join(dir, e))
      .filter((f) => {
        const st = fs.lstatSync(f, { throwIfNoEntry: false });
        return st !== undefined && (st.isCharacterDevice() || st.isBlockDevice());
      }),
};
