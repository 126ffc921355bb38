// What `manifest add/create docker://NAME` and `manifest inspect NAME` read
// from a registry: the manifest NAME names (a list or one image) and, for an
// image, its config's platform. Nothing is pulled into the store.

import type { StoredListInstance } from '../storage/images.js';
import { normalizeReference, repositoryOf } from '../storage/image-reference.js';
import { withContext } from './registry/client.js';
import { ListMedia } from './manifest-list.js';
import { remoteSource } from './manifest-store.js';
import { hostPlatform, parseManifest, selectFromIndex } from './registry/manifest-select.js';
import { loadRegistriesConf } from './registry/registries-conf.js';
import { openRemote, type RemoteOptions } from './registry/remote.js';
import { resolvePullCandidates } from './registry/short-names.js';

interface Fetched {
  name: string;
  bytes: Buffer;
  mediaType: string;
  digest: string;
  parsed: ReturnType<typeof parseManifest>;
  configPlatform?: StoredListInstance['platform'];
}

async function fetchManifest(input: string, o: RemoteOptions, withConfig: boolean): Promise<Fetched> {
  const conf = loadRegistriesConf(o.env);
  const name = resolvePullCandidates(input, conf).candidates[0]!;
  const ref = normalizeReference(name);
  const remote = openRemote(repositoryOf(ref), conf, o);
  try {
    const m = await remote.client.getManifest(remote.repository, ref.digest ?? ref.tag ?? 'latest');
    const parsed = parseManifest(m.bytes, m.mediaType);
    const out: Fetched = { name, bytes: m.bytes, mediaType: parsed.mediaType, digest: m.digest, parsed };
    if (withConfig && parsed.kind === 'image') {
      const c = JSON.parse((await remote.client.readBlob(remote.repository, parsed.manifest.config.digest, 4 << 20, 'config')).toString('utf8')) as Record<string, unknown>;
      const s = (k: string) => (typeof c[k] === 'string' && c[k] !== '' ? (c[k]) : undefined);
      out.configPlatform = {
        architecture: s('architecture') ?? '',
        os: s('os') ?? '',
        ...(s('os.version') ? { 'os.version': s('os.version') } : {}),
        ...(Array.isArray(c['os.features']) && c['os.features'].length ? { 'os.features': c['os.features'] as string[] } : {}),
        ...(s('variant') ? { variant: s('variant') } : {}),
      };
    }
    return out;
  } catch (err) {
    throw withContext(err, `setting up to read manifest and configuration from "docker://${name}"`);
  } finally {
    remote.client.close();
  }
}

/** Entries a registry's image or list gives (a list: all with --all, else the host's). */
export async function remoteInstances(input: string, all: boolean, o: RemoteOptions): Promise<StoredListInstance[]> {
  const f = await fetchManifest(input, o, true);
  if (f.parsed.kind === 'image') {
    return [{ mediaType: f.mediaType, size: f.bytes.length, digest: f.digest, platform: f.configPlatform!, source: remoteSource(f.name, f.digest) }];
  }
  const entries = all ? f.parsed.manifests : [selectFromIndex(f.parsed.manifests, hostPlatform())];
  return entries.map((e) => {
    const p = e.platform;
    const annotations = (e as { annotations?: Record<string, string> }).annotations;
    return {
      mediaType: e.mediaType,
      size: e.size,
      digest: e.digest,
      platform: {
        architecture: p?.architecture ?? '',
        os: p?.os ?? '',
        ...(p?.['os.version'] ? { 'os.version': p['os.version'] } : {}),
        ...(p?.['os.features']?.length ? { 'os.features': p['os.features'] } : {}),
        ...(p?.variant ? { variant: p.variant } : {}),
      },
      ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
      source: remoteSource(f.name, e.digest),
    };
  });
}

/**
 * `manifest inspect` of a name with no local list: the registry's manifest,
 * a list shown in the Docker form (as podman converts it), an image as it is;
 * four-space indented.
 */
export async function remoteInspectText(input: string, o: RemoteOptions, warn: (msg: string) => void): Promise<string> {
  const f = await fetchManifest(input, o, false);
  const doc = JSON.parse(f.bytes.toString('utf8')) as Record<string, unknown>;
  if (f.parsed.kind === 'image') {
    if (f.mediaType === ListMedia.dockerManifest) warn(`The manifest type ${f.mediaType} is not a manifest list but a single image.`);
    return JSON.stringify(doc, null, 4);
  }
  const manifests = f.parsed.manifests.map((e) => ({ mediaType: e.mediaType, size: e.size, digest: e.digest, platform: { architecture: e.platform?.architecture ?? '', os: e.platform?.os ?? '', ...(e.platform?.variant ? { variant: e.platform.variant } : {}) } }));
  return JSON.stringify({ schemaVersion: 2, mediaType: ListMedia.dockerList, manifests }, null, 4);
}
