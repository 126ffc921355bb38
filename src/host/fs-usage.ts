// Size and type of the filesystem holding a path that may not exist yet
// (the graph root before the first pull): statfs of its nearest ancestor.

import fs from 'node:fs';
import path from 'node:path';

/** statfs f_type → the names containers/storage prints as "Backing Filesystem". */
const FS_NAMES: Record<number, string> = {
  0xef53: 'extfs',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
  0x65735546: 'fuseblk',
  0x6969: 'nfs',
  0xf2f52010: 'f2fs',
  0x5346544e: 'ntfs',
  0x4d44: 'msdos',
  0x858458f6: 'ramfs',
  0x73717368: 'squashfs',
};

export function fsTypeName(type: number): string {
  return FS_NAMES[type] ?? `0x${type.toString(16)}`;
}

export interface FsUsage {
  allocated: number;
  used: number;
  type: string;
}

export function fsUsage(p: string): FsUsage {
  let dir = path.resolve(p);
  for (;;) {
    try {
      const s = fs.statfsSync(dir);
      return { allocated: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize, type: fsTypeName(s.type) };
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return { allocated: 0, used: 0, type: 'unknown' };
      dir = up;
    }
  }
}
