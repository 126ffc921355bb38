// Image arguments with a transport, as containers/image spells them:
// `docker://REF`, `docker-archive:PATH[:REF|:@N]`, `oci-archive:PATH[:REF]`,
// `oci:DIR[:REF]`, `dir:DIR`. A name without a known transport prefix is a
// registry reference (`localhost:5000/app` included). Pure.

import { UsageError } from '../../errors.js';

export type ImageSource =
  | { transport: 'docker'; ref: string }
  | { transport: 'docker-archive'; path: string; ref?: string | undefined; index?: number | undefined }
  | { transport: 'oci-archive' | 'oci'; path: string; ref?: string | undefined }
  | { transport: 'dir'; path: string };

const LOCAL = ['docker-archive', 'oci-archive', 'oci', 'dir'] as const;
const REFUSED: Record<string, string> = {
  'containers-storage': 'images in containers-storage are podman\'s own store; use `podman save` and `tsc-run load`',
  'docker-daemon': 'there is no Docker daemon to read from here; use `docker save` and `tsc-run load`',
  ostree: 'the ostree transport is not supported',
  sif: 'the sif transport is not supported',
  tarball: 'the tarball transport is not supported; use `tsc-run import`',
};

/** The source an image argument names, or undefined when it has no transport prefix (a plain reference). */
export function parseImageSource(input: string): ImageSource | undefined {
  if (input.startsWith('docker://')) {
    const ref = input.slice('docker://'.length);
    if (!ref) throw new UsageError(`invalid image reference ${JSON.stringify(input)}: no name after docker://`);
    return { transport: 'docker', ref };
  }
  const m = /^([a-z-]+):(.*)$/s.exec(input);
  if (!m) return undefined;
  const [, name, rest] = m as unknown as [string, string, string];
  if (name in REFUSED) throw new UsageError(`unsupported transport "${name}" in ${JSON.stringify(input)}: ${REFUSED[name]}`);
  if (name === 'docker') throw new UsageError(`invalid image reference ${JSON.stringify(input)}: the docker transport is written docker://NAME`);
  if (!(LOCAL as readonly string[]).includes(name)) return undefined;
  // PATH[:REF]: the path ends at the first colon, as containers/image splits it.
  const at = rest.indexOf(':');
  const path = at < 0 ? rest : rest.slice(0, at);
  const ref = at < 0 || rest.slice(at + 1) === '' ? undefined : rest.slice(at + 1);
  if (!path) throw new UsageError(`invalid image reference ${JSON.stringify(input)}: no path`);
  if (name === 'dir') {
    if (ref !== undefined) throw new UsageError(`invalid image reference ${JSON.stringify(input)}: the dir transport takes a directory only`);
    return { transport: 'dir', path };
  }
  if (name === 'docker-archive' && ref?.startsWith('@')) {
    const index = Number(ref.slice(1));
    if (!Number.isInteger(index) || index < 0 || !/^@\d+$/.test(ref)) throw new UsageError(`invalid image reference ${JSON.stringify(input)}: @N wants an image index`);
    return { transport: 'docker-archive', path, index };
  }
  return { transport: name as 'docker-archive' | 'oci-archive' | 'oci', path, ref };
}
