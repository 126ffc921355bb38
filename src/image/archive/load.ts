// `load`: read a docker-archive or oci-archive (plain, gzip or zstd; a file
// or stdin) in one pass into the blob store, plan its images from the
// metadata, then unpack and record them (store-images.ts). Anything that
// fails leaves the store as it was: blobs and layers this load added and no
// image uses are taken back.

import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { TscRunError } from '../../errors.js';
import { helperTreeOps } from '../../host/helper/tree-ops.js';
import { sweepTempFiles } from '../../storage/atomic-file.js';
import { BlobStore, sha256Digest } from '../../storage/blob-store.js';
import { decompressed } from '../../storage/layers/compression.js';
import { LayerStore, type TreeOps } from '../../storage/layers/layer-store.js';
import { hostArchitecture } from '../oci.js';
import type { CopyProgress } from '../progress.js';
import { ArchiveFormatError, NO_FORMAT_MATCHES } from './errors.js';
import { DOCKER_ARCHIVE_MANIFEST, planDockerArchive } from './plan-docker.js';
import { OCI_INDEX, planManifest, planOciArchive, type Platform } from './plan-oci.js';
import { readDirectory, type DirectoryLayout } from './read-directory.js';
import type { PlannedImage } from './plan.js';
import { readArchive, StreamedArchive } from './read-archive.js';
import { ImageWriter, mergePlans, type StoredImage } from './store-images.js';
import type { PolicyOptions } from '../policy/enforce.js';
import type { PolicyImage } from '../policy/scopes.js';

export interface LoadOptions {
  dataRoot: string;
  /** Archive file; undefined reads stdin. */
  input: string | undefined;
  progress: CopyProgress;
  platform?: Platform;
  treeOps?: TreeOps;
  /** Which of the archive's images to store (a transport's `:REF`); default all. */
  select?: (plans: PlannedImage[]) => PlannedImage[];
  /** The signature policy to admit the images by (containers-policy.json). */
  policy: PolicyOptions;
  /** The transport reference the images are read through, for the policy (default: the archive's format and path). */
  policyImage?: PolicyImage;
}

/** Temp blobs of writers dead this long are certainly abandoned (a live pid's are never touched before). */
const TEMP_BLOB_MAX_AGE_MS = 24 * 3600 * 1000;

async function openInput(file: string | undefined): Promise<{ stream: Readable; size: number | undefined }> {
  if (file === undefined) return { stream: process.stdin, size: undefined };
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new TscRunError(`stat ${file}: ${why}`, undefined, { cause: err });
  }
  const st = await fh.stat();
  if (st.isDirectory()) {
    await fh.close();
    throw new TscRunError(`${file} is a directory: load reads docker-archive and oci-archive tar files`);
  }
  return { stream: fh.createReadStream({ highWaterMark: 1024 * 1024 }), size: st.isFile() ? st.size : undefined };
}

/** Stream errors (tar-stream, zlib) as the one-line errors a user can act on. */
function archiveError(err: unknown): unknown {
  if (err instanceof TscRunError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/invalid tar header/i.test(msg)) return new ArchiveFormatError(`${NO_FORMAT_MATCHES}: not a tar archive`, undefined, { cause: err });
  if (/unexpected end|truncated/i.test(msg)) return new ArchiveFormatError(`${NO_FORMAT_MATCHES}: unexpected EOF (truncated archive?)`, undefined, { cause: err });
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('Z_')) return new ArchiveFormatError(`decompressing the archive: ${msg}`, undefined, { cause: err });
  return err;
}

async function admit(o: Pick<LoadOptions, 'policy' | 'policyImage'>, fallback: PolicyImage): Promise<void> {
  const { enforcePolicy } = await import('../policy/enforce.js');
  await enforcePolicy(o.policy, o.policyImage ?? fallback);
}

async function plan(archive: StreamedArchive, platform: Platform): Promise<PlannedImage[]> {
  if (archive.has(DOCKER_ARCHIVE_MANIFEST)) return planDockerArchive(archive);
  if (archive.has(OCI_INDEX)) return planOciArchive(archive, platform);
  throw new ArchiveFormatError(`${NO_FORMAT_MATCHES}: the archive has neither manifest.json nor index.json`);
}

export async function loadArchive(o: LoadOptions): Promise<StoredImage[]> {
  const blobs = new BlobStore(o.dataRoot);
  await sweepTempFiles(blobs.dir, { maxAgeMs: TEMP_BLOB_MAX_AGE_MS });
  const { stream, size } = await openInput(o.input);

  // Nothing is shown before the input is known to be a tar: a payload of
  // another kind fails with podman's message alone.
  let isTar = false;
  let read = 0;
  const counted = stream.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        read += chunk.length;
        if (isTar) o.progress.emit({ type: 'read', bytes: read, total: size });
        cb(null, chunk);
      },
    }),
  );
  stream.on('error', (err) => counted.destroy(err));

  const archive = new StreamedArchive(blobs);
  const ops = o.treeOps ?? helperTreeOps();
  const writer = new ImageWriter(o.dataRoot, blobs, new LayerStore(o.dataRoot, ops), ops, o.progress, archive.fresh);
  try {
    let tarStream: Readable;
    try {
      tarStream = (await decompressed(counted)).stream;
    } catch (err) {
      if (err instanceof TscRunError) throw new ArchiveFormatError(`${NO_FORMAT_MATCHES}: unsupported compression (only plain, gzip and zstd archives can be loaded)`);
      throw err;
    }
    try {
      await readArchive(tarStream, archive, () => (isTar = true));
    } catch (err) {
      stream.destroy();
      throw archiveError(err);
    }
    const plans = await plan(archive, o.platform ?? { os: 'linux', architecture: hostArchitecture() });
    const path = o.input ?? '/dev/stdin';
    await admit(o, archive.has(DOCKER_ARCHIVE_MANIFEST) ? { transport: 'docker-archive', path } : { transport: 'oci-archive', path });
    return await storePlans(writer, o.select ? o.select(plans) : plans, o.progress);
  } catch (err) {
    await writer.dropNewLayers().catch(() => undefined);
    await writer.dropUnusedBlobs().catch(() => undefined);
    throw err;
  }
}

async function storePlans(writer: ImageWriter, plans: PlannedImage[], progress: CopyProgress): Promise<StoredImage[]> {
  progress.emit({ type: 'start' });
  const stored: StoredImage[] = [];
  for (const p of mergePlans(plans)) stored.push(await writer.store(p));
  await writer.dropUnusedBlobs();
  return stored;
}

export interface LoadDirectoryOptions extends Omit<LoadOptions, 'input'> {
  dir: string;
  layout: DirectoryLayout;
}

/** `oci:DIR` and `dir:DIR` (pull, run, create): the directory's image(s) into the store, as load does an archive. */
export async function loadDirectory(o: LoadDirectoryOptions): Promise<StoredImage[]> {
  const blobs = new BlobStore(o.dataRoot);
  await sweepTempFiles(blobs.dir, { maxAgeMs: TEMP_BLOB_MAX_AGE_MS });
  const archive = new StreamedArchive(blobs);
  const ops = o.treeOps ?? helperTreeOps();
  const writer = new ImageWriter(o.dataRoot, blobs, new LayerStore(o.dataRoot, ops), ops, o.progress, archive.fresh);
  try {
    await readDirectory(o.dir, o.layout, archive);
    let plans: PlannedImage[];
    if (o.layout === 'oci') {
      if (!archive.has(OCI_INDEX)) throw new ArchiveFormatError(`${o.dir} is not an OCI layout: it has no index.json`);
      plans = await planOciArchive(archive, o.platform ?? { os: 'linux', architecture: hostArchitecture() });
    } else {
      if (!archive.has('manifest.json')) throw new ArchiveFormatError(`${o.dir} is not a dir: image: it has no manifest.json`);
      const manifest = await archive.read('manifest.json');
      // An OCI manifest may leave its media type out.
      plans = [await planManifest(archive, manifest, sha256Digest(manifest), 'application/vnd.oci.image.manifest.v1+json', [])];
    }
    await admit(o, o.layout === 'oci' ? { transport: 'oci', path: o.dir } : { transport: 'dir', path: o.dir });
    return await storePlans(writer, o.select ? o.select(plans) : plans, o.progress);
  } catch (err) {
    await writer.dropNewLayers().catch(() => undefined);
    await writer.dropUnusedBlobs().catch(() => undefined);
    throw err;
  }
}

/** podman's result lines: each name, or the id of an unnamed image. */
export function loadedLines(images: readonly StoredImage[]): string[] {
  return images.flatMap((i) => (i.names.length ? i.names : [`sha256:${i.id}`]).map((n) => `Loaded image: ${n}`));
}

