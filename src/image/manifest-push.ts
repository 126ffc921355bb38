// `manifest push LIST DEST`: every entry's image first (with --all, the
// default), each under its digest in DEST's repository: a local one as
// `push` sends it (byte for byte, so its digest is the one the list names),
// a registry's one copied blob by blob (mounted when it lives on the same
// registry); then the list itself under DEST's tag.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { TscRunError, UsageError } from '../errors.js';
import { helperTreeOps } from '../host/helper/tree-ops.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { BlobStore, sha256Digest } from '../storage/blob-store.js';
import { ImageStore, type StoredListInstance } from '../storage/images.js';
import { LayerStore } from '../storage/layers/layer-store.js';
import { formatReference, normalizeReference, repositoryOf, type ImageReference } from '../storage/image-reference.js';
import { pushMediaType, serializeList } from './manifest-list.js';
import { lookupList } from './manifest-store.js';
import type { CopyProgress } from './progress.js';
import { scopeFor } from './registry/auth.js';
import { uploadBlob } from './registry/blob-upload.js';
import { withContext } from './registry/client.js';
import { readLocalImage } from './registry/local-image.js';
import { parseManifest } from './registry/manifest-select.js';
import { parsePushDestination } from './registry/push-destination.js';
import { pushToRegistry } from './registry/push.js';
import { loadRegistriesConf, type RegistriesConf } from './registry/registries-conf.js';
import { openRemote, type Remote, type RemoteOptions } from './registry/remote.js';

export interface ManifestPushOptions extends RemoteOptions {
  dataRoot: string;
  list: string;
  destination: string;
  /** Push the entries' images too (podman's default). */
  all: boolean;
  /** --format: oci or v2s2. */
  format?: string | undefined;
  progress: CopyProgress;
}

function destinationRef(dest: string): ImageReference {
  const d = parsePushDestination(dest);
  if (d.transport !== 'docker') throw new UsageError(`${dest}: tsc-run pushes manifest lists to registries (docker://) only`);
  return d.ref;
}

/** Copy a registry's image (manifest, config, layers) into `to` under its digest. */
async function copyRemoteInstance(inst: StoredListInstance, to: Remote, conf: RegistriesConf, o: ManifestPushOptions): Promise<void> {
  const srcRef = normalizeReference(inst.source.slice('docker://'.length));
  const from = openRemote(repositoryOf(srcRef), conf, o);
  try {
    const m = await from.client.getManifest(from.repository, inst.digest);
    if (m.digest !== inst.digest) throw new TscRunError(`the registry answered ${m.digest} for ${inst.digest}`);
    const parsed = parseManifest(m.bytes, m.mediaType);
    if (parsed.kind !== 'image') throw new TscRunError(`entry ${inst.digest} is itself a list, which tsc-run does not nest`);
    o.progress.emit({ type: 'start' });
    const sameRegistry = from.registry === to.registry;
    for (const b of [...parsed.manifest.layers, parsed.manifest.config]) {
      o.progress.emit(b === parsed.manifest.config ? { type: 'config', digest: b.digest } : { type: 'blob', digest: b.digest, size: b.size });
      if (await to.client.blobExists(to.repository, b.digest, [scopeFor(to.repository, ['pull', 'push'])])) {
        o.progress.emit({ type: 'blob-done', digest: b.digest, skipped: true });
        continue;
      }
      if (sameRegistry) {
        const r = await to.client.startUpload(to.repository, { digest: b.digest, from: from.repository });
        if (r.mounted) {
          o.progress.emit({ type: 'blob-done', digest: b.digest, skipped: true });
          continue;
        }
      }
      // Through a private temporary file, checked against its digest before it goes out.
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsc-run-copy-'));
      try {
        const file = path.join(dir, 'blob');
        const res = await from.client.openBlob(from.repository, b.digest);
        await pipeline(res.body, createWriteStream(file, { mode: 0o600 }));
        const got = sha256Digest(await fs.readFile(file));
        if (got !== b.digest) throw new TscRunError(`blob ${b.digest} from ${repositoryOf(srcRef)} arrived as ${got}`);
        await uploadBlob(to.client, to.repository, { digest: b.digest, size: b.size, file });
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
      o.progress.emit({ type: 'blob-done', digest: b.digest, skipped: false });
    }
    o.progress.emit({ type: 'manifest' });
    await to.client.putManifest(to.repository, inst.digest, m.bytes, parsed.mediaType);
    o.progress.emit({ type: 'stored' });
  } finally {
    from.client.close();
  }
}

/** Push the list; its digest as the registry stores it. */
export async function pushManifestList(o: ManifestPushOptions): Promise<string> {
  const list = await lookupList(o.dataRoot, o.list).catch((err: unknown) => {
    throw withContext(err, `retrieving local image from image name ${o.list}`);
  });
  const ref = destinationRef(o.destination);
  const instances = list.list!.instances;
  const mediaType = pushMediaType(instances, o.format);
  const conf = loadRegistriesConf(o.env);
  const to = openRemote(repositoryOf(ref), conf, o);
  const note = (line: string) => o.progress.emit({ type: 'note', line });
  try {
    if (o.all) {
      note('Getting image list signatures');
      note(`Copying ${instances.length} of ${instances.length} images in list`);
      const store = new ImageStore(o.dataRoot);
      for (const [n, inst] of instances.entries()) {
        note(`Copying image ${inst.digest} (${n + 1}/${instances.length})`);
        if (inst.source.startsWith('docker://')) {
          await copyRemoteInstance(inst, to, conf, o).catch((err: unknown) => {
            throw withContext(err, `copying image ${inst.digest} from ${inst.source}`);
          });
          continue;
        }
        const id = inst.source.slice('containers-storage:'.length);
        const rec = (await store.list()).find((i) => i.id === id);
        if (!rec) throw new TscRunError(`entry ${inst.digest}: its image ${id.slice(0, 12)} is no longer in local storage; remove the entry or add the image again`);
        const image = await readLocalImage(rec, new BlobStore(o.dataRoot), new LayerStore(o.dataRoot, helperTreeOps()));
        if (image.manifestDigest !== inst.digest) {
          throw new TscRunError(`entry ${inst.digest}: the stored image ${id.slice(0, 12)} now has manifest ${image.manifestDigest}; add it to the list again`);
        }
        await pushToRegistry(image, ref, { ...o, source: id, registriesConf: conf }, inst.digest);
      }
    }
    note('Writing manifest list to image destination');
    const bytes = serializeList(instances, mediaType);
    const digest = sha256Digest(bytes);
    await to.client.putManifest(to.repository, ref.tag ?? 'latest', bytes, mediaType);
    note('Storing list signatures');
    return digest;
  } catch (err) {
    throw withContext(err, `pushing manifest list ${o.list} to docker://${formatReference(ref)}`);
  } finally {
    to.client.close();
  }
}

/** --digestfile. */
export async function writeDigestFile(file: string, digest: string): Promise<void> {
  await writeFileAtomic(file, digest);
}
