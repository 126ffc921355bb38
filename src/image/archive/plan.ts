// What loading an archive will store, image by image, decided from the
// archive's metadata before anything is unpacked or recorded.

import type { StoredBlob } from './contents.js';

export interface PlannedLayer {
  /** The layer's blob as stored (compressed or not). */
  blob: StoredBlob;
  /** `sha256:` of the uncompressed tar, from the config. */
  diffId: string;
}

export interface PlannedImage {
  config: Buffer;
  configDigest: string;
  /** The config's `created`, when it has one. */
  created: string | undefined;
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
  /** Bottom first. */
  layers: PlannedLayer[];
  /** Local names (already normalised); empty for an unnamed image. */
  names: string[];
}
