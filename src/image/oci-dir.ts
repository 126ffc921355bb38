// `push IMAGE oci:DIR[:REF]`: write an image into an OCI image layout
// directory (created, or extended: other images in its index stay; an
// entry with the same ref name is replaced). Blobs are copied (reflinked
// where the filesystem can) from the store under their digests.

import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { digestHex } from '../storage/blob-store.js';
import { TscRunError, errorText } from '../errors.js';
import { REF_NAME_ANNOTATION } from './archive/names.js';
import { OCI_LAYOUT_FILE, OciIndexMediaType, parseOciIndex, type OciIndex } from './archive/oci-layout.js';

export interface OciDirImage {
  /** Every blob but the manifest: digest → file in the store. */
  blobs: ReadonlyArray<{ digest: string; file: string }>;
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
}

export async function writeOciDir(dir: string, image: OciDirImage, refName: string | undefined): Promise<void> {
  const blobDir = path.join(dir, 'blobs', 'sha256');
  await fs.promises.mkdir(blobDir, { recursive: true });
  const layoutFile = path.join(dir, 'oci-layout');
  if (!fs.existsSync(layoutFile)) await writeFileAtomic(layoutFile, OCI_LAYOUT_FILE);
  for (const b of image.blobs) {
    const target = path.join(blobDir, digestHex(b.digest));
    if (fs.existsSync(target)) continue;
    const tmp = `${target}.tmp-${process.pid}`;
    await fs.promises.copyFile(b.file, tmp, fs.constants.COPYFILE_FICLONE);
    await fs.promises.rename(tmp, target);
  }
  const manifestPath = path.join(blobDir, digestHex(image.manifestDigest));
  if (!fs.existsSync(manifestPath)) await writeFileAtomic(manifestPath, image.manifest);
  const indexPath = path.join(dir, 'index.json');
  let index: OciIndex = { schemaVersion: 2, mediaType: OciIndexMediaType, manifests: [] };
  if (fs.existsSync(indexPath)) {
    try {
      index = parseOciIndex(await fs.promises.readFile(indexPath, 'utf8'), `${indexPath}`);
    } catch (err) {
      throw new TscRunError(`${dir} is not a usable OCI layout: ${errorText(err)}`, undefined, { cause: err });
    }
  }
  index.manifests = index.manifests.filter((m) => (refName === undefined ? m.digest !== image.manifestDigest : m.annotations?.[REF_NAME_ANNOTATION] !== refName));
  index.manifests.push({
    mediaType: image.manifestMediaType,
    digest: image.manifestDigest,
    size: image.manifest.length,
    ...(refName !== undefined ? { annotations: { [REF_NAME_ANNOTATION]: refName } } : {}),
  });
  await writeFileAtomic(indexPath, JSON.stringify(index));
}
