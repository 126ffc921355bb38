// Turning what a user typed into one local image, with podman's errors: a
// malformed name is `invalid reference format` (125) before any lookup, an
// unknown one `<name>: image not known`. Pure.

import { ImageUnknownError, findImage, type ImageRecord } from '../storage/images.js';
import { parseReference } from '../storage/image-reference.js';

const ID_RE = /^(?:sha256:)?[0-9a-f]+$/;

/** Throw UsageError unless `input` could name an image (an id, id prefix or reference). */
export function checkImageName(input: string): void {
  if (ID_RE.test(input)) return;
  parseReference(input);
}

/** The image `input` names among `images`; ImageUnknownError if none. */
export function resolveImage(images: readonly ImageRecord[], input: string): ImageRecord {
  checkImageName(input);
  const hit = findImage(images, input);
  if (!hit) throw new ImageUnknownError(input);
  return hit;
}
