// images.json: every local image (id = config digest hex, names, manifest
// digest, layer chain), changed only by read-modify-write under its lock.
// Lookup follows podman: full id, exact name, normalised names of a short
// name (localhost/, docker.io/), a stored name ending in the short name,
// then a unique id prefix.

import path from 'node:path';
import { NoSuchObjectError, TscRunError } from '../errors.js';
import { formatReference, localCandidates, parseReference, repositoryOf, shortNameMatches } from '../image/reference.js';
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
}

interface ImagesFile {
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
        ? images.find((i) => i.digest === c.digest && i.names.some((n) => repositoryOf(parseReference(n)) === repositoryOf(c)))
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

export class ImageStore {
  readonly file: string;
  private readonly lock: string;

  constructor(dataRoot: string) {
    this.file = path.join(dataRoot, 'images.json');
    this.lock = path.join(dataRoot, 'locks', 'images.lock');
  }

  async list(): Promise<ImageRecord[]> {
    return (await readJson<ImagesFile>(this.file, { missing: { images: [] }, validate })).images;
  }

  /** The image a name, id or id prefix refers to; ImageUnknownError if none. */
  async lookup(nameOrId: string): Promise<ImageRecord> {
    const hit = findImage(await this.list(), nameOrId);
    if (!hit) throw new ImageUnknownError(nameOrId);
    return hit;
  }

  /**
   * Record an image. An image already stored under the same id gains the
   * new names; a name moves from whichever image had it (that one may end
   * up unnamed, as in podman).
   */
  async add(record: ImageRecord): Promise<ImageRecord> {
    let result = record;
    await updateJson<ImagesFile>(
      this.file,
      this.lock,
      { images: [] },
      (f) => {
        for (const other of f.images) {
          if (other.id !== record.id) other.names = other.names.filter((n) => !record.names.includes(n));
        }
        const existing = f.images.find((i) => i.id === record.id);
        if (existing) {
          existing.names = [...new Set([...existing.names, ...record.names])];
          result = existing;
        } else {
          f.images.push(record);
        }
      },
      { validate },
    );
    return result;
  }
}
