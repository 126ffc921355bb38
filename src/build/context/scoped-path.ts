// A path named in a COPY/ADD source, resolved inside the build context the
// way a chroot would: symlinks on the way are followed but never leave the
// context (an absolute target means the context's root, `..` stops at it).
// So `COPY link-to-etc-shadow /x` names the context's own etc/shadow, not
// the host's.

import fs from 'node:fs/promises';
import path from 'node:path';

const MAX_LINKS = 255;

/** The context-relative path `rel` resolves to (`` = the root), following symlinks inside the root. */
export async function scopedResolve(root: string, rel: string, followLast = true): Promise<string> {
  let todo = rel.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const cur = [...done, part];
    if (!followLast && todo.length === 0) {
      done.push(part);
      break;
    }
    const st = await fs.lstat(path.join(root, ...cur)).catch(() => undefined);
    if (!st?.isSymbolicLink()) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links: ${rel}`);
    const target = await fs.readlink(path.join(root, ...cur));
    if (target.startsWith('/')) done.length = 0;
    todo = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...todo];
  }
  return done.join('/');
}
