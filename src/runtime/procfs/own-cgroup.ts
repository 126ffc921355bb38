// A container's own cgroup v2 directory, when it has one: made for its
// limits under a delegated subtree (container-cgroup.ts names it
// `tsc-run-<id>`), found from /proc/<pid>/cgroup of its process. pause
// freezes it, stats reads it; without one both work from /proc alone.

import fs from 'node:fs';
import path from 'node:path';

export function containerCgroupDir(id: string, pid: number): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  const rel = /^0::(\/.*)$/m.exec(text)?.[1];
  if (!rel || path.basename(rel) !== `tsc-run-${id}`) return undefined;
  for (const mount of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    const dir = path.join(mount, rel);
    if (fs.existsSync(path.join(dir, 'cgroup.freeze'))) return dir;
  }
  return undefined;
}
