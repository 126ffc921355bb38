// `push IMAGE oci-archive:FILE[:REF]`: one image, as push encoded it, as an
// OCI layout in a tar (what containers/image writes: blobs/sha256/<hex>,
// index.json naming the manifest, with REF as its ref name, oci-layout).
// The file appears only when complete.

import fs from 'node:fs';
import type { CopyProgress } from '../progress.js';
import { REF_NAME_ANNOTATION } from './names.js';
import { OCI_LAYOUT_FILE } from './oci-layout.js';
import { openArchiveOutput } from './output-file.js';
import { ociBlobPath } from './paths.js';
import { TarWriter } from './tar-writer.js';

export interface OciArchiveImage {
  /** Layers then config: digest, size and the file with its bytes. */
  blobs: ReadonlyArray<{ digest: string; size: number; file: string }>;
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
}

export async function writeOciArchiveImage(output: string, image: OciArchiveImage, refName: string | undefined, progress: CopyProgress): Promise<void> {
  const out = await openArchiveOutput(output, { refuseExisting: false });
  const w = new TarWriter(out.stream, { endDest: out.endStream });
  try {
    await w.directory('blobs/');
    await w.directory('blobs/sha256/');
    const written = new Set<string>();
    for (const b of image.blobs) {
      if (written.has(b.digest)) continue;
      written.add(b.digest);
      const source = fs.createReadStream(b.file, { highWaterMark: 1 << 20 });
      source.on('data', (c: Buffer | string) => progress.emit({ type: 'blob-bytes', digest: b.digest, bytes: c.length }));
      await w.stream(ociBlobPath(b.digest), b.size, source);
    }
    await w.file(ociBlobPath(image.manifestDigest), image.manifest);
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: image.manifestMediaType,
          digest: image.manifestDigest,
          size: image.manifest.length,
          ...(refName !== undefined ? { annotations: { [REF_NAME_ANNOTATION]: refName } } : {}),
        },
      ],
    };
    await w.file('index.json', Buffer.from(JSON.stringify(index), 'utf8'));
    await w.file('oci-layout', OCI_LAYOUT_FILE);
    await w.finish();
    await out.commit();
  } catch (err) {
    w.abort(err as Error);
    await out.discard();
    throw err;
  }
}
