// `build --output` (`-o`): the built image's root filesystem written out
// besides the image, as buildah does: `type=local,dest=DIR` (or a bare
// DIR) copies it into DIR the way `cp CONTAINER:/. DIR` does (nothing is
// ever written through a symlink on the host), `type=tar,dest=FILE` writes
// it as `export` does. Both go through a container of the image that is
// removed afterwards.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { Roots } from '../config/paths.js';
import { UsageError } from '../errors.js';
import { withStepContainer } from './exec/step-container.js';

export interface OutputSpec {
  type: 'local' | 'tar';
  dest: string;
}

/** podman's --output forms. Pure. */
export function parseOutput(text: string): OutputSpec {
  if (!text.includes('=') && !text.includes(',')) {
    if (text === '' || text === '-') throw new UsageError(`invalid --output ${JSON.stringify(text)}: a bare value is a directory (type=local); a tar on stdout is not supported, give type=tar,dest=FILE`);
    return { type: 'local', dest: text };
  }
  const kv = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --output ${JSON.stringify(text)}: want type=local|tar,dest=PATH`);
    kv.set(part.slice(0, eq), part.slice(eq + 1));
  }
  for (const k of kv.keys()) if (k !== 'type' && k !== 'dest') throw new UsageError(`invalid --output ${JSON.stringify(text)}: unknown key ${JSON.stringify(k)}`);
  const type = kv.get('type');
  if (type !== 'local' && type !== 'tar') throw new UsageError(`invalid --output ${JSON.stringify(text)}: type must be local or tar`);
  const dest = kv.get('dest');
  if (!dest) throw new UsageError(`invalid --output ${JSON.stringify(text)}: dest= is required`);
  if (dest === '-') throw new UsageError('--output dest=- is not supported: the build writes its step lines on stdout; give a file');
  return { type, dest };
}

export async function writeOutput(roots: Roots, imageId: string, spec: OutputSpec): Promise<void> {
  const dest = path.resolve(spec.dest);
  await withStepContainer(roots, imageId, {}, async (rec) => {
    if (spec.type === 'tar') {
      const { exportContainer } = await import('../container-fs/export.js');
      await exportContainer({ roots, container: rec.id, output: dest, stdout: process.stdout });
      return;
    }
    await fs.mkdir(dest, { recursive: true });
    const { copy } = await import('../container-fs/cp.js');
    await copy({ roots, source: `${rec.id}:/.`, destination: dest, archive: true, overwrite: true, stdin: process.stdin, stdout: process.stdout });
  });
}
