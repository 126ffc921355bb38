// Where `push` sends an image: `[docker://]REF` (a registry), or one of
// the local transports podman takes: `oci:DIR[:REF]`, `oci-archive:FILE[:REF]`,
// `docker-archive:FILE[:REF]`, `dir:DIR`. Pure.

import { UsageError } from '../../errors.js';
import { formatReference, normalizeReference, type ImageReference } from '../../storage/image-reference.js';

export type PushDestination =
  | { transport: 'docker'; ref: ImageReference }
  | { transport: 'oci' | 'oci-archive' | 'docker-archive'; path: string; ref: string | undefined }
  | { transport: 'dir'; path: string; ref?: undefined };

const LOCAL = ['oci', 'oci-archive', 'docker-archive'] as const;
const UNSUPPORTED = ['containers-storage', 'docker-daemon', 'ostree', 'sif'];

/** `PATH[:REF]` splits at the first colon, as containers/image does (a path cannot hold one). */
function splitPathRef(rest: string): { path: string; ref: string | undefined } {
  const at = rest.indexOf(':');
  if (at < 0) return { path: rest, ref: undefined };
  const ref = rest.slice(at + 1);
  return { path: rest.slice(0, at), ref: ref === '' ? undefined : ref };
}

export function parsePushDestination(dest: string): PushDestination {
  const m = /^([a-z-]+):(?!\/\/)(.*)$/.exec(dest);
  if (dest.startsWith('docker://')) return { transport: 'docker', ref: registryRef(dest.slice('docker://'.length)) };
  // dir:PATH is all path (no reference in a dir: image).
  if (m && m[1] === 'dir') {
    if (!m[2]) throw new UsageError(`invalid destination ${JSON.stringify(dest)}: no path`);
    return { transport: 'dir', path: m[2] };
  }
  if (m && (LOCAL as readonly string[]).includes(m[1]!)) {
    const { path, ref } = splitPathRef(m[2]!);
    if (!path) throw new UsageError(`invalid destination ${JSON.stringify(dest)}: no path`);
    return { transport: m[1] as (typeof LOCAL)[number], path, ref };
  }
  if (m && UNSUPPORTED.includes(m[1]!)) throw new UsageError(`unsupported transport "${m[1]}" in ${JSON.stringify(dest)}: tsc-run pushes to docker://, oci:, oci-archive:, docker-archive: and dir:`);
  return { transport: 'docker', ref: registryRef(dest) };
}

/** A registry destination: tag defaults to latest; a digest cannot be pushed to. */
export function registryRef(input: string): ImageReference {
  const ref = normalizeReference(input);
  if (ref.digest !== undefined) {
    throw new UsageError(`cannot push to ${formatReference(ref)}: a destination names a tag, not a digest (the registry computes the digest)`);
  }
  return ref;
}
