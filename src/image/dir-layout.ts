// `push IMAGE dir:DIR`: containers/image's dir transport (what `skopeo copy
// ... dir:` and `podman push ... dir:` write, and pull/run read): a
// `version` file, every blob under its digest's hex, `manifest.json`. A
// directory that already holds one is emptied first; any other non-empty
// directory is refused, as podman refuses it.

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../errors.js';
import { errnoCode, writeFileAtomic } from '../storage/atomic-file.js';
import { digestHex } from '../storage/blob-store.js';

export const DIR_VERSION_FILE = 'version';
export const DIR_VERSION = 'Directory Transport Version: 1.1\n';

export interface DirImage {
  /** Config and layers: digest → the file with its bytes. */
  blobs: ReadonlyArray<{ digest: string; file: string }>;
  manifest: Buffer;
}

async function prepare(dir: string): Promise<void> {
  const where = `initializing destination dir:${dir}`;
  let entries: string[];
  try {
    entries = await fs.promises.readdir(dir);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o755 });
      return;
    }
    const why = code === 'ENOTDIR' ? 'not a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new TscRunError(`${where}: readdirent ${dir}: ${why}`, undefined, { cause: err });
  }
  if (!entries.length) return;
  if (!entries.includes(DIR_VERSION_FILE)) throw new TscRunError(`${where}: not a containers image directory, don't want to overwrite important data`);
  for (const e of entries) await fs.promises.rm(path.join(dir, e), { recursive: true, force: true });
}

export async function writeDirImage(dir: string, image: DirImage): Promise<void> {
  await prepare(dir);
  await writeFileAtomic(path.join(dir, DIR_VERSION_FILE), DIR_VERSION);
  for (const b of image.blobs) {
    const target = path.join(dir, digestHex(b.digest));
    if (fs.existsSync(target)) continue;
    const tmp = `${target}.tmp-${process.pid}`;
    await fs.promises.copyFile(b.file, tmp, fs.constants.COPYFILE_FICLONE);
    await fs.promises.rename(tmp, target);
  }
  await writeFileAtomic(path.join(dir, 'manifest.json'), image.manifest);
}
