// Read an (already decompressed) image archive in one pass: every large
// file goes straight into the blob store while it is hashed (OCI
// `blobs/sha256/<hex>` files are verified against their names), small
// metadata stays in memory, links are remembered. What it returns is the
// ArchiveContents the docker-archive and oci-archive readers plan from.

import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { BlobStore } from '../../storage/blob-store.js';
import { MAGIC_LENGTH, detectCompression } from '../../storage/layers/compression.js';
import type { ArchiveContents, StoredBlob } from './contents.js';
import { ArchiveFormatError } from './errors.js';
import { archivePath, isMetadataPath, ociBlobDigest, symlinkTarget } from './paths.js';

/** Metadata files larger than this go to the blob store like any other file. */
const MAX_IN_MEMORY = 4 * 1024 * 1024;
/** Links followed before giving up (a loop). */
const MAX_LINK_HOPS = 16;

type ArchiveFile = { data: Buffer } | { blob: StoredBlob };

export class StreamedArchive implements ArchiveContents {
  readonly files = new Map<string, ArchiveFile>();
  readonly links = new Map<string, string>();
  /** Blobs this read added to the store (not there before): the caller takes back the ones no image uses. */
  readonly fresh = new Set<string>();

  constructor(private readonly blobs: BlobStore) {}

  private resolve(p: string): string {
    let cur = p;
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const next = this.links.get(cur);
      if (next === undefined) return cur;
      cur = next;
    }
    throw new ArchiveFormatError(`archive entry ${JSON.stringify(p)}: too many levels of links`);
  }

  private file(p: string): ArchiveFile {
    const f = this.files.get(this.resolve(p));
    if (!f) throw new ArchiveFormatError(`${p} is missing from the archive`);
    return f;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  has(p: string): boolean {
    return this.files.has(this.resolve(p));
  }

  async read(p: string): Promise<Buffer> {
    const f = this.file(p);
    return 'data' in f ? f.data : this.blobs.read(f.blob.digest);
  }

  async blob(p: string): Promise<StoredBlob> {
    const key = this.resolve(p);
    const f = this.file(key);
    if ('blob' in f) return f.blob;
    const w = await this.blobs.writer();
    await w.write(f.data);
    const { digest, size, fresh } = await w.commit();
    if (fresh) this.fresh.add(digest);
    const blob = { digest, size, compression: detectCompression(f.data.subarray(0, MAGIC_LENGTH)) };
    this.files.set(key, { blob });
    return blob;
  }

  /** Store one entry's bytes as a blob, checking `expected` when the name promises a digest. */
  async storeEntry(entry: AsyncIterable<Buffer>, expected: string | undefined): Promise<StoredBlob> {
    const w = await this.blobs.writer();
    let head = Buffer.alloc(0);
    try {
      for await (const chunk of entry) {
        if (head.length < MAGIC_LENGTH) head = Buffer.concat([head, chunk.subarray(0, MAGIC_LENGTH - head.length)]);
        await w.write(chunk);
      }
    } catch (err) {
      await w.abort();
      throw err;
    }
    const { digest, size, fresh } = await w.commit(expected);
    if (fresh) this.fresh.add(digest);
    return { digest, size, compression: detectCompression(head) };
  }
}

async function collect(entry: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of entry) chunks.push(c);
  return Buffer.concat(chunks);
}

async function drain(entry: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of entry);
}

/**
 * Read the tar `input` to its end into `archive`. On failure the blobs
 * stored so far are listed in `archive.fresh` for the caller to remove.
 * `onTar` is called at each entry: from the first on, the input is a tar.
 */
export async function readArchive(input: Readable, archive: StreamedArchive, onTar?: () => void): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(input, extract);
  feeding.catch(() => undefined); // observed below
  try {
    for await (const entry of extract) {
      onTar?.();
      const h = entry.header;
      const p = archivePath(h.name);
      const body = entry as AsyncIterable<Buffer>;
      switch (h.type) {
        case 'file':
        case 'contiguous-file': {
          const promised = ociBlobDigest(p);
          if (promised === undefined && isMetadataPath(p) && (h.size ?? 0) <= MAX_IN_MEMORY) {
            archive.files.set(p, { data: await collect(body) });
          } else {
            archive.files.set(p, { blob: await archive.storeEntry(body, promised) });
          }
          break;
        }
        case 'symlink': {
          const target = symlinkTarget(p, h.linkname ?? '');
          if (target === undefined) throw new ArchiveFormatError(`refusing archive entry ${JSON.stringify(h.name)}: link points outside the archive`);
          archive.links.set(p, target);
          await drain(entry);
          break;
        }
        case 'link':
          archive.links.set(p, archivePath(h.linkname ?? ''));
          await drain(entry);
          break;
        default:
          // Directories (and anything else) carry nothing an image needs.
          await drain(entry);
      }
    }
  } catch (err) {
    input.destroy();
    const cause = await feeding.then(
      () => undefined,
      (e: unknown) => e,
    );
    // An entry stream only says it was destroyed; the input's own error (zlib, tar) says why.
    throw (err as { code?: string }).code === 'STREAM_DESTROYED' && cause !== undefined ? cause : err;
  }
  await feeding;
}
