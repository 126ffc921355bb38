// The image `run`/`create` start from, by podman's pull policy: a local
// image is used as it is (missing, never; newer unless the registry has
// another manifest; a chosen platform must match), else it is pulled as
// `pull` would (short names through registries.conf, progress on the
// caller's reporter). The local case reads images.json once and loads no
// registry code, so auto-pull costs nothing when the image is here. An
// image named with a transport (docker-archive:, oci-archive:, oci:, dir:)
// is read from there; docker:// is a registry reference.

import { emitImage } from '../../events/emit.js';
import { ImageStore, ImageUnknownError, type ImageRecord } from '../../storage/images.js';
import type { CopyProgress } from '../progress.js';
import { checkImageName } from '../resolve.js';
import type { Platform } from '../registry/manifest-select.js';
import type { RemoteOptions } from '../registry/remote.js';
import type { PullPolicy } from './pull-policy.js';
import { parseImageSource } from './transport.js';

/** What a pull needs from the command: made only when a registry is contacted. */
export interface PullContext {
  progress: CopyProgress;
  warn: (msg: string) => void;
  /** The registry flags. */
  remote: RemoteOptions;
}

export interface EnsureImageOptions {
  dataRoot: string;
  /** What the user typed. */
  image: string;
  policy: PullPolicy;
  /** --platform/--arch/--os/--variant when given: a local image must be of it too; else the host's. */
  platform: Platform | undefined;
  pulling: () => Promise<PullContext>;
}

/** The name or id to create the container from, and its record when it was here already. */
export async function ensureImage(opts: EnsureImageOptions): Promise<{ image: string; record?: ImageRecord }> {
  const source = parseImageSource(opts.image);
  if (source && source.transport !== 'docker') {
    // A file or directory is read every time (podman's policy is for registries).
    const [{ fetchFromSource }, ctx] = await Promise.all([import('./fetch-source.js'), opts.pulling()]);
    const [stored] = await fetchFromSource({
      dataRoot: opts.dataRoot,
      source,
      progress: ctx.progress,
      platform: opts.platform,
      policy: { signaturePolicy: ctx.remote.signaturePolicy, env: ctx.remote.env },
    });
    emitPull(opts);
    return { image: stored!.id };
  }
  const o = source ? { ...opts, image: source.ref } : opts;
  const local = await localImage(o);
  if (local && o.policy !== 'always' && (o.policy !== 'newer' || !(await remoteDiffers(local, o)))) return { image: o.image, record: local };
  checkImageName(o.image);
  if (o.policy === 'never') throw new ImageUnknownError(o.image);
  const [{ pullImages }, { hostPlatform }] = await Promise.all([import('../registry/pull.js'), import('../registry/manifest-select.js')]);
  const ctx = await o.pulling();
  const [pulled] = await pullImages({ ...ctx.remote, dataRoot: o.dataRoot, reference: o.image, platform: o.platform ?? hostPlatform(), progress: ctx.progress, warn: ctx.warn });
  emitPull(opts);
  return { image: pulled!.names[0] ?? pulled!.id };
}

/** As `pull` and podman 4.3's run (libimage): an image pull event naming the image as given, without an id. */
function emitPull(opts: EnsureImageOptions): void {
  emitImage(opts.dataRoot, 'pull', '', opts.image);
}

async function localImage(o: EnsureImageOptions): Promise<ImageRecord | undefined> {
  let rec: ImageRecord;
  try {
    rec = await new ImageStore(o.dataRoot).lookup(o.image);
  } catch (err) {
    if (err instanceof ImageUnknownError) return undefined;
    throw err;
  }
  const p = o.platform;
  if (!p) return rec;
  const [{ BlobStore }, { parseImageConfig }] = await Promise.all([import('../../storage/blob-store.js'), import('../oci.js')]);
  const c = parseImageConfig((await new BlobStore(o.dataRoot).read(`sha256:${rec.id}`)).toString('utf8'));
  const same = c.os === p.os && c.architecture === p.architecture && (p.variant === undefined || (c.variant ?? '') === p.variant);
  return same ? rec : undefined;
}

/** --pull=newer: whether the registry's manifest for the name is another one; an unreachable registry keeps the local image (podman). */
async function remoteDiffers(local: ImageRecord, o: EnsureImageOptions): Promise<boolean> {
  const [{ loadRegistriesConf }, { resolvePullCandidates }, { openRemote }, ref] = await Promise.all([
    import('../registry/registries-conf.js'),
    import('../registry/short-names.js'),
    import('../registry/remote.js'),
    import('../../storage/image-reference.js'),
  ]);
  try {
    const { remote: options } = await o.pulling();
    const conf = loadRegistriesConf(options.env);
    const { candidates } = resolvePullCandidates(o.image, conf, local.names);
    const r = ref.normalizeReference(candidates[0]!);
    if (r.digest !== undefined) return false;
    const remote = openRemote(ref.repositoryOf(r), conf, options);
    try {
      await remote.client.ping();
      const m = await remote.client.getManifest(remote.repository, r.tag ?? 'latest');
      return m.digest !== local.digest && !(local.digests ?? []).includes(m.digest);
    } finally {
      remote.client.close();
    }
  } catch {
    return false;
  }
}
