// `compose config --resolve-image-digests` / `--lock-image-digests`: each
// service's image pinned as compose-go pins it, the reference normalized
// (`busybox` → `docker.io/library/busybox:latest@sha256:...`; one already
// pinned only normalized). The digest is the local store's (the image's
// RepoDigests for that repository), else the registry's for the tag, the
// manifest `pull` would fetch.

import { formatReference, normalizeReference, repositoryOf, type ImageReference } from '../storage/image-reference.js';
import { loadRegistriesConf } from '../image/registry/registries-conf.js';
import { openRemote } from '../image/registry/remote.js';
import { ComposeError } from './errors.js';

export interface DigestSources {
  /** The local image's RepoDigests (`repo@sha256:...`), undefined when it is not in the store. */
  repoDigests: (image: string) => Promise<string[] | undefined>;
  /** The registry's manifest digest for the reference's tag. */
  remote: (ref: ImageReference) => Promise<string>;
}

export async function pinImage(image: string, src: DigestSources): Promise<string> {
  const ref = normalizeReference(image);
  if (ref.digest !== undefined) return formatReference(ref);
  const repo = repositoryOf(ref);
  const local = (await src.repoDigests(image))?.find((d) => d.slice(0, d.lastIndexOf('@')) === repo);
  let digest = local?.slice(local.lastIndexOf('@') + 1);
  if (digest === undefined) {
    try {
      digest = await src.remote(ref);
    } catch (err) {
      throw new ComposeError(`failed to resolve digest for ${formatReference(ref)}: ${(err as Error).message}`);
    }
  }
  return formatReference({ ...ref, digest });
}

/** The manifest digest a registry gives for the reference (registries.conf applies, as for pull). */
export async function registryDigest(ref: ImageReference, env: Record<string, string | undefined>): Promise<string> {
  const remote = openRemote(repositoryOf(ref), loadRegistriesConf(env), { env });
  try {
    return (await remote.client.getManifest(remote.repository, ref.tag ?? 'latest')).digest;
  } finally {
    remote.client.close();
  }
}
