// images.json: every local image (id = config digest hex, names, manifest
// digest, layer chain), changed only by read-modify-write under its lock.
// Lookup follows podman: full id, exact name, normalised names of a short
// name (localhost/, docker.io/), a stored name ending in the short name,
// then a unique id prefix.

import fs from 'node:fs/promises';
import path from 'node:path';
import { NoSuchObjectError, TscRunError } from '../errors.js';
import { formatReference, localCandidates, parseReference, repositoryOf, shortNameMatches } from './image-reference.js';
import { readJson, updateJson } from './json-store.js';

export interface ImageRecord {
  /** Hex digest of the config blob. */
  id: string;
  /** Fully qualified names (`localhost/demo:latest`); empty for an unnamed image. */
  names: string[];
  /** `sha256:` digest of the manifest blob. */
  digest: string;
  manifestMediaType: string;
  /** Chain ids of its layers, bottom first. */
  layers: string[];
  /** When the image was made (its config's `created`). */
  created: string;
  /** When it was stored here. */
  added: string;
  /** Uncompressed bytes of all its layers. */
  size: number;
  /**
   * Every manifest digest it is known by (pulled: the image manifest and the
   * list it was chosen from), so `name@digest` of either finds it.
   */
  digests?: string[];
  /** Every name it ever had, most recent first (podman's NamesHistory). */
  namesHistory?: string[];
  /**
   * Being removed (rmi, prune): invisible to list() and lookups while its
   * layers and blobs go; a removal cut short is finished by the next one.
   */
  removing?: boolean;
  /**
   * Set on a manifest list (`manifest create`, `build --manifest`): the
   * record has no config or layers; `id` is random, as podman's, and
   * `digest` names the list as last serialised (see src/image/manifest-list.ts).
   */
  list?: StoredManifestList;
}

/** A manifest list's entries, each with where its image comes from (push copies from there). */
export interface StoredManifestList {
  instances: StoredListInstance[];
}

export interface StoredListInstance {
  mediaType: string;
  size: number;
  digest: string;
  platform: {
    architecture: string;
    os: string;
    'os.version'?: string;
    'os.features'?: string[];
    variant?: string;
    features?: string[];
  };
  annotations?: Record<string, string>;
  /** `containers-storage:<image id>` (a local image) or `docker://<name>@<digest>` (a registry's). */
  source: string;
}

export interface ImagesFile {
  images: ImageRecord[];
}

/** Podman's wording when a name or id matches no local image. */
export class ImageUnknownError extends NoSuchObjectError {
  constructor(readonly nameOrId: string) {
    super('image', nameOrId);
    this.message = `${nameOrId}: image not known`;
  }
}

function validate(v: unknown): ImagesFile {
  const f = v as Partial<ImagesFile> | null;
  if (!f || !Array.isArray(f.images)) throw new Error('no "images" list');
  for (const r of f.images) {
    if (typeof r?.id !== 'string' || !Array.isArray(r.names) || !Array.isArray(r.layers)) throw new Error('malformed image record');
  }
  return f as ImagesFile;
}

const HEX_RE = /^[0-9a-f]+$/;

/** NamesHistory after setting `names`: each current name moves to the front, in order (as containers/storage keeps it). Pure. */
export function withNamesHistory(history: readonly string[] | undefined, names: readonly string[]): string[] {
  let out = [...(history ?? [])];
  for (const n of names) out = [n, ...out.filter((h) => h !== n)];
  return out;
}

/** A layer or blob the record names is gone: it was removed while the image was being stored. */
export class ImageContentMissingError extends TscRunError {}

/** `layers[].digest` of a manifest file; none if it is not a manifest we can read. */
async function manifestLayerDigests(file: string): Promise<string[]> {
  try {
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as { layers?: Array<{ digest?: unknown }> };
    return (m.layers ?? []).map((l) => l.digest).filter((d): d is string => typeof d === 'string' && /^sha256:[0-9a-f]{64}$/.test(d));
  } catch {
    return [];
  }
}

async function missing(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return false;
  } catch {
    return true;
  }
}

/** Find an image in a list (pure; see the header for the order). */
export function findImage(images: readonly ImageRecord[], input: string): ImageRecord | undefined {
  const bare = input.startsWith('sha256:') ? input.slice('sha256:'.length) : input;
  if (/^[0-9a-f]{64}$/.test(bare)) {
    const byId = images.find((i) => i.id === bare);
    if (byId || input !== bare) return byId;
  }
  const exact = images.find((i) => i.names.includes(input));
  if (exact) return exact;
  if (input === bare) {
    let candidates;
    try {
      candidates = localCandidates(input);
    } catch {
      candidates = undefined; // not a reference: maybe an id prefix
    }
    for (const c of candidates ?? []) {
      const hit = c.digest
        ? images.find((i) => (i.digest === c.digest || i.digests?.includes(c.digest!)) && i.names.some((n) => repositoryOf(parseReference(n)) === repositoryOf(c)))
        : images.find((i) => i.names.includes(formatReference(c)));
      if (hit) return hit;
    }
    if (candidates) {
      const suffix = images.find((i) => i.names.some((n) => shortNameMatches(input, n)));
      if (suffix) return suffix;
    }
  }
  if (HEX_RE.test(bare)) {
    const byPrefix = images.filter((i) => i.id.startsWith(bare));
    if (byPrefix.length > 1) throw new TscRunError(`short ID ${JSON.stringify(bare)} is ambiguous: it matches ${byPrefix.length} images`);
    return byPrefix[0];
  }
  return undefined;
}

/**
 * The name `input` reached `image` by, as libimage resolves it (`zz` ->
 * `localhost/zz:latest`); undefined when it named the image by id. A
 * container records this name, so `ps` shows the tag it was made from even
 * when the image carries several.
 */
export function resolvedName(image: ImageRecord, input: string): string | undefined {
  if (image.names.includes(input)) return input;
  let candidates;
  try {
    candidates = localCandidates(input);
  } catch {
    return undefined;
  }
  for (const c of candidates) {
    if (c.digest) {
      const sameRepo = image.names.some((n) => repositoryOf(parseReference(n)) === repositoryOf(c));
      if (sameRepo && (image.digest === c.digest || image.digests?.includes(c.digest))) return formatReference(c);
    } else if (image.names.includes(formatReference(c))) return formatReference(c);
  }
  return image.names.find((n) => shortNameMatches(input, n));
}

const HOST_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/**
 * A manifest list's name used where an image is meant (run, FROM, inspect):
 * the local image of the list's entry for this machine, as podman's lookup
 * does.
 */
function listInstanceFor(images: readonly ImageRecord[], list: ImageRecord, input: string): ImageRecord {
  const arch = HOST_ARCH[process.arch] ?? process.arch;
  for (const entry of list.list!.instances) {
    if (entry.platform.os !== 'linux' || entry.platform.architecture !== arch) continue;
    const img = images.find((i) => !i.list && (i.digest === entry.digest || i.digests?.includes(entry.digest)));
    if (img) return img;
  }
  const e = new ImageUnknownError(input);
  e.message = `${input}: no image found in image index for architecture ${arch}, variant "", OS linux: image not known`;
  throw e;
}

export class ImageStore {
  readonly file: string;
  readonly lock: string;

  constructor(readonly dataRoot: string) {
    this.file = path.join(dataRoot, 'images.json');
    this.lock = path.join(dataRoot, 'locks', 'images.lock');
  }

  /** Every live image (not those being removed). */
  async list(): Promise<ImageRecord[]> {
    return (await this.listAll()).filter((i) => !i.removing);
  }

  /** Every record, including images being removed. */
  async listAll(): Promise<ImageRecord[]> {
    return (await readJson<ImagesFile>(this.file, { missing: { images: [] }, validate })).images;
  }

  /** Read-modify-write of images.json under its lock; nothing is written if mutate throws. */
  async update<T>(mutate: (f: ImagesFile) => T | Promise<T>): Promise<T> {
    let result: T;
    await updateJson<ImagesFile>(
      this.file,
      this.lock,
      { images: [] },
      async (f) => {
        result = await mutate(f);
      },
      { validate },
    );
    return result!;
  }

  /**
   * Throw if a layer or blob of the record is gone. Runs under the images
   * lock, where removal deletes them, so an image is never recorded around
   * content a concurrent rmi just took away.
   */
  private async checkContent(record: ImageRecord): Promise<void> {
    const hex = (d: string) => d.replace(/^sha256:/, '');
    if (record.list) {
      // A manifest list has no config or layers: only its own blob.
      const p = path.join(this.dataRoot, 'blobs', 'sha256', hex(record.digest));
      if (await missing(p)) throw new ImageContentMissingError(`storing manifest list ${record.id}: its blob was removed meanwhile; try again`);
      return;
    }
    const needed = [
      ...record.layers.map((l) => path.join(this.dataRoot, 'layers', l, 'layer.json')),
      path.join(this.dataRoot, 'blobs', 'sha256', record.id),
      path.join(this.dataRoot, 'blobs', 'sha256', hex(record.digest)),
    ];
    const check = async (p: string) => {
      if (await missing(p)) {
        throw new ImageContentMissingError(`storing image ${record.id}: ${path.relative(this.dataRoot, p)} was removed meanwhile (by a concurrent rmi or prune); try again`);
      }
    };
    for (const p of needed) await check(p);
    // The layer blobs the manifest names, too (save and push need them).
    for (const d of await manifestLayerDigests(path.join(this.dataRoot, 'blobs', 'sha256', hex(record.digest)))) {
      await check(path.join(this.dataRoot, 'blobs', 'sha256', hex(d)));
    }
  }

  /** The image a name, id or id prefix refers to; ImageUnknownError if none. */
  async lookup(nameOrId: string): Promise<ImageRecord> {
    const images = await this.list();
    const hit = findImage(images, nameOrId);
    if (!hit) throw new ImageUnknownError(nameOrId);
    return hit.list ? listInstanceFor(images, hit, nameOrId) : hit;
  }

  /**
   * Record an image. An image already stored under the same id gains the
   * new names; a name moves from whichever image had it (that one may end
   * up unnamed, as in podman). An image being removed is replaced. Unless
   * `checkContent` is false (tests of the file alone), its layers and
   * config and manifest blobs must exist (see checkContent).
   */
  async add(record: ImageRecord, options: { checkContent?: boolean } = {}): Promise<ImageRecord> {
    let result = record;
    await this.update(async (f) => {
      if (options.checkContent !== false) await this.checkContent(record);
      for (const other of f.images) {
        // Losing a name to another image leaves the history as it was (containers/storage).
        if (other.id !== record.id) other.names = other.names.filter((n) => !record.names.includes(n));
      }
      const at = f.images.findIndex((i) => i.id === record.id);
      const existing = at >= 0 ? f.images[at] : undefined;
      if (existing && !existing.removing) {
        // New names first, as containers/storage's AddNames (a loaded or pulled name leads `images NAME`).
        existing.names = [...new Set([...record.names, ...existing.names])];
        if (record.digests) existing.digests = [...new Set([...(existing.digests ?? [existing.digest]), ...record.digests])];
        existing.namesHistory = withNamesHistory(existing.namesHistory, existing.names);
        result = existing;
      } else {
        result = { ...record, namesHistory: withNamesHistory(record.namesHistory, record.names) };
        delete result.removing;
        if (existing) f.images[at] = result;
        else f.images.push(result);
      }
    });
    return result;
  }
}
