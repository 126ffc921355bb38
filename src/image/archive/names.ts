// Image names in archives: RepoTags of docker-archive and
// org.opencontainers.image.ref.name of oci-archive become local names the
// way podman 4.3 does it (short names go to localhost/), and `save` records
// the name the user asked for. Pure.

import { resolvedName, type ImageRecord } from '../../storage/images.js';
import { formatReference, normalizeLocalName, parseReference } from '../../storage/image-reference.js';
import { ArchiveFormatError } from './errors.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

function normalized(name: string, where: string): string {
  try {
    return formatReference(normalizeLocalName(name));
  } catch (err) {
    throw new ArchiveFormatError(`normalizing name ${JSON.stringify(name)} from ${where}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** A docker-archive RepoTags entry: must carry a tag (podman refuses `foo`). */
export function nameFromRepoTag(tag: string): string {
  let ref;
  try {
    ref = parseReference(tag);
  } catch (err) {
    throw new ArchiveFormatError(`invalid tag ${JSON.stringify(tag)} in manifest.json: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (ref.tag === undefined) throw new ArchiveFormatError(`invalid tag ${JSON.stringify(tag)} in manifest.json: does not contain a tag`);
  return normalized(tag, 'manifest.json');
}

/** An OCI index entry's ref.name: `foo:1` → localhost/foo:1, a bare `latest` → localhost/latest:latest. */
export function nameFromRefName(refName: string): string {
  return normalized(refName, 'index.json');
}

/**
 * The stored name of `image` that `input` (as given to `save`) refers to,
 * or undefined when it was given by id (then the archive names no image).
 */
export function matchedName(image: ImageRecord, input: string): string | undefined {
  if (/^(sha256:)?[0-9a-f]{64}$/.test(input)) return undefined;
  const name = resolvedName(image, input);
  // name@digest: podman saves it unnamed.
  return name?.includes('@') && !image.names.includes(name) ? undefined : name;
}
