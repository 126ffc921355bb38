// docker-archive → planned images: manifest.json names each image's config
// and layer files; the config's diff_ids say what the layers must hash to.
// No I/O of its own (reads through ArchiveContents).

import { DigestMismatchError, sha256Digest } from '../../storage/blob-store.js';
import { parseImageConfig } from '../oci.js';
import type { ArchiveContents } from './contents.js';
import { buildDockerManifest, digestInConfigName, dockerLayerMediaType, DockerMediaType, parseDockerArchiveManifest } from './docker-manifest.js';
import { ArchiveFormatError } from './errors.js';
import { nameFromRepoTag } from './names.js';
import { archivePath } from './paths.js';
import type { PlannedImage, PlannedLayer } from './plan.js';

export const DOCKER_ARCHIVE_MANIFEST = 'manifest.json';

export async function planDockerArchive(c: ArchiveContents): Promise<PlannedImage[]> {
  const entries = parseDockerArchiveManifest((await c.read(DOCKER_ARCHIVE_MANIFEST)).toString('utf8'));
  const plans: PlannedImage[] = [];
  for (const e of entries) {
    const configPath = archivePath(e.Config);
    const config = await c.read(configPath);
    const configDigest = sha256Digest(config);
    const promised = digestInConfigName(configPath);
    if (promised !== undefined && promised !== configDigest) throw new DigestMismatchError(promised, configDigest, `config ${e.Config}`);
    const parsed = parseImageConfig(config.toString('utf8'), `config ${e.Config}`);
    const diffIds = parsed.rootfs.diff_ids;
    if (diffIds.length !== e.Layers.length) {
      throw new ArchiveFormatError(`manifest.json lists ${e.Layers.length} layers for ${e.Config}, but its config has ${diffIds.length} diff_ids`);
    }
    const layers: PlannedLayer[] = [];
    for (const [i, lp] of e.Layers.entries()) layers.push({ blob: await c.blob(archivePath(lp)), diffId: diffIds[i]! });
    const manifest = buildDockerManifest(
      { digest: configDigest, size: config.length },
      layers.map((l) => ({ mediaType: dockerLayerMediaType(l.blob.compression), digest: l.blob.digest, size: l.blob.size })),
    );
    plans.push({
      config,
      configDigest,
      created: parsed.created,
      manifest,
      manifestDigest: sha256Digest(manifest),
      manifestMediaType: DockerMediaType.manifest,
      layers,
      names: e.RepoTags.map(nameFromRepoTag),
    });
  }
  return plans;
}
