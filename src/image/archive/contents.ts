// The view the format readers (docker-archive, oci-archive) get of an
// archive after it was streamed once: small metadata files by path, large
// ones already in the blob store by digest. An interface, so the readers
// stay free of I/O and are unit-tested with an in-memory archive.

import type { Compression } from '../../storage/layers/compression.js';

export interface StoredBlob {
  digest: string;
  size: number;
  /** Detected from the first bytes, whatever the file name or media type says. */
  compression: Compression;
}

export interface ArchiveContents {
  /** Every regular file's path (links resolved to their targets' paths excluded). */
  paths(): string[];
  /** Whether the path names a file (following links). */
  has(path: string): boolean;
  /** A (small) file's bytes; ArchiveFormatError if missing. */
  read(path: string): Promise<Buffer>;
  /** The file as a blob in the store (storing it first if it was kept in memory). */
  blob(path: string): Promise<StoredBlob>;
}
