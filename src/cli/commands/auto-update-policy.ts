// podman 4.3 checks a container's io.containers.autoupdate label when it is
// created (libpod/container_validate.go): the registry policy (and its old
// name `image`) needs the image as a fully-qualified docker reference,
// because auto-update later pulls that very name. Pure.

import { TscRunError } from '../../errors.js';
import { parseImageSource } from '../../image/acquire/transport.js';
import { isShortName } from '../../storage/image-reference.js';

export const AUTO_UPDATE_LABEL = 'io.containers.autoupdate';

/** Throws podman's error when the label asks for registry updates of an image named so that none can be pulled. */
export function checkAutoUpdateImage(labels: Readonly<Record<string, string>> | undefined, rawImage: string): void {
  const policy = labels?.[AUTO_UPDATE_LABEL];
  if (policy !== 'registry' && policy !== 'image') return;
  const source = parseImageSource(rawImage);
  if (source) {
    if (source.transport !== 'docker') throw new TscRunError(`auto updates require the docker image transport but image is of transport "${source.transport}"`);
    return;
  }
  let short: boolean;
  try {
    short = isShortName(rawImage);
  } catch {
    return; // not a reference at all: podman lets it through here too
  }
  if (short) throw new TscRunError(`short name: auto updates require fully-qualified image reference: "${rawImage}"`);
}
