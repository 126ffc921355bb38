// Volume names: podman's rule for named volumes, and the 64-hex names of
// anonymous ones. Pure.

import { TscRunError } from '../errors.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** podman's refusal of a bad name (from `volume create` and `-v bad$:/x` alike). */
export function checkVolumeName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new TscRunError('running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
  }
}

/** An anonymous volume's name: 32 random bytes in hex, like a container id. */
export function anonymousVolumeName(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('hex');
}
