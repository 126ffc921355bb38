// Read an image directory into the same ArchiveContents an archive gives:
// an OCI layout (`oci:DIR`: oci-layout, index.json, blobs/sha256/<hex>) or
// containers/image's `dir:` layout (manifest.json, version, blobs named by
// their hex digest, seen here as blobs/sha256/<hex>). Every blob is hashed
// into the store and checked against its name; only regular files are read
// (a symlink is never followed out of the directory).

import fs from 'node:fs';
import path from 'node:path';
import { TscRunError } from '../../errors.js';
import { ArchiveFormatError } from './errors.js';
import { isMetadataPath, ociBlobDigest } from './paths.js';
import type { StreamedArchive } from './read-archive.js';

export type DirectoryLayout = 'oci' | 'dir';

/** Metadata files larger than this are refused (a manifest or index is a few kB). */
const MAX_METADATA = 4 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

async function regularFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.promises.readdir(path.join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await regularFiles(root, p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export async function readDirectory(dir: string, layout: DirectoryLayout, archive: StreamedArchive): Promise<void> {
  let files: string[];
  try {
    if (!(await fs.promises.stat(dir)).isDirectory()) throw new ArchiveFormatError(`${dir} is not a directory`);
    files = await regularFiles(dir);
  } catch (err) {
    if (err instanceof TscRunError) throw err;
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new TscRunError(`reading ${dir}: ${why}`, undefined, { cause: err });
  }
  for (const rel of files) {
    const file = path.join(dir, rel);
    // dir: names blobs by their bare hex digest.
    const p = layout === 'dir' && HEX64.test(rel) ? `blobs/sha256/${rel}` : rel;
    const promised = ociBlobDigest(p);
    if (promised === undefined) {
      if (!isMetadataPath(p) && !(layout === 'dir' && p === 'version')) continue;
      if ((await fs.promises.stat(file)).size > MAX_METADATA) throw new ArchiveFormatError(`${rel} is too large for image metadata`);
      archive.files.set(p, { data: await fs.promises.readFile(file) });
      continue;
    }
    archive.files.set(p, { blob: await archive.storeEntry(fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), promised) });
  }
}
