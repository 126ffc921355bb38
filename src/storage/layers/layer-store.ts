// Unpacked layers: layers/<id>/diff with layers/<id>/layer.json, keyed by
// chain id (the digest of the layer and everything below it), so an
// identical stack of layers is stored once whichever image brought it. A
// layer exists only once its layer.json does: that file is written last,
// atomically; a directory without it is a leftover of an interrupted unpack
// and is removed (through the helper: it may hold sub-id-owned files) before
// the layer is unpacked again.

import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { TscRunError } from '../../errors.js';
import { pathExists } from '../atomic-file.js';
import { DigestMismatchError, digestHex } from '../blob-store.js';
import { readJson, writeJsonAtomic } from '../json-store.js';
import { withLock } from '../lock.js';
import { ensureShortLink } from './short-links.js';

export interface LayerRecord {
  /** Chain id (hex): the directory name under layers/. */
  id: string;
  /** `sha256:` of the uncompressed tar. */
  diffId: string;
  /** Chain id of the layer below, null for a base layer. */
  parent: string | null;
  /** Digest of the blob it was unpacked from, when known. */
  compressedDigest: string | null;
  /** Bytes of the uncompressed tar. */
  size: number;
  /** Short link name under l/ (see short-links.ts). */
  link: string;
  created: string;
}

/** What the layer store needs from the helper: run the `unpack`, `fixup` and `rmtree` modes. Functions, not methods: callers pass them on alone. */
export interface TreeOps {
  /** Unpack a layer tar into the empty directory `root` (helper `unpack ROOT`, the tar on stdin). */
  unpack: (root: string, tar: AsyncIterable<Uint8Array>) => Promise<void>;
  /** Apply a fixup list (helper `fixup ROOT`, list on stdin). */
  fixup: (root: string, list: string) => Promise<void>;
  /** Remove trees that may hold sub-id-owned files (helper `rmtree`). */
  rmtree: (...paths: string[]) => Promise<void>;
  /** Whether device nodes can be created (false in a user namespace). */
  devices: boolean;
}

/** Chain id: diffID for a base layer, else sha256(parent chain id + " " + diffID) (OCI image spec). */
export function chainId(parent: string | null, diffId: string): string {
  digestHex(diffId);
  if (parent === null) return digestHex(diffId);
  return createHash('sha256').update(`sha256:${parent} ${diffId}`).digest('hex');
}

function isLayerRecord(v: unknown): LayerRecord {
  const r = v as Partial<LayerRecord> | null;
  if (!r || typeof r.id !== 'string' || typeof r.diffId !== 'string' || typeof r.size !== 'number' || typeof r.link !== 'string') {
    throw new Error('not a layer record');
  }
  return r as LayerRecord;
}

export interface EnsureLayerInput {
  parent: string | null;
  /** The diffID the tar must hash to (from the image config, or measured when the blob was stored). */
  diffId: string;
  compressedDigest: string | null;
  /** Opens the layer blob (plain, gzip or zstd). */
  open: () => Promise<Readable>;
}

/** The chunks of `stream`, each added to `hash` and counted on the way through. */
async function* hashed(stream: Readable, hash: Hash, measured: { size: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    hash.update(b);
    measured.size += b.length;
    yield b;
  }
}

export class LayerStore {
  readonly dir: string;
  private readonly locks: string;

  constructor(
    readonly dataRoot: string,
    private readonly ops: TreeOps,
  ) {
    this.dir = path.join(dataRoot, 'layers');
    this.locks = path.join(dataRoot, 'locks');
  }

  layerDir(id: string): string {
    return path.join(this.dir, id);
  }

  diffDir(id: string): string {
    return path.join(this.dir, id, 'diff');
  }

  /** The complete layer `id`, or undefined (missing or incomplete). */
  async get(id: string): Promise<LayerRecord | undefined> {
    return readJson<LayerRecord | undefined>(path.join(this.layerDir(id), 'layer.json'), {
      missing: undefined,
      validate: isLayerRecord,
    });
  }

  /** The layer for (parent, diffId), unpacking it unless it is already complete. */
  async ensure(input: EnsureLayerInput): Promise<LayerRecord> {
    const id = chainId(input.parent, input.diffId);
    const done = await this.get(id);
    if (done) return done;
    return withLock(path.join(this.locks, `layer-${id}.lock`), async () => {
      const again = await this.get(id);
      if (again) return again;
      const dir = this.layerDir(id);
      if (await pathExists(dir)) await this.ops.rmtree(dir);
      try {
        return await this.unpack(id, dir, input);
      } catch (err) {
        await this.ops.rmtree(dir).catch(() => undefined);
        throw err;
      }
    });
  }

  private async unpack(id: string, dir: string, input: EnsureLayerInput): Promise<LayerRecord> {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const diff = path.join(dir, 'diff');
    await fs.mkdir(diff, { mode: 0o700 });
    // Loaded here, not at the top: `run` reads layers but must not pay for zlib.
    const { decompressed } = await import('./compression.js');
    const { stream } = await decompressed(await input.open());
    // The helper writes the tree; the tar is hashed on its way there (its sha256 is the diffID).
    const hash = createHash('sha256');
    const measured = { size: 0 };
    await this.ops.unpack(diff, hashed(stream, hash, measured));
    const diffId = 'sha256:' + hash.digest('hex');
    if (diffId !== input.diffId) throw new DigestMismatchError(input.diffId, diffId, 'layer');
    const link = await ensureShortLink(this.dataRoot, id);
    const record: LayerRecord = {
      id,
      diffId: input.diffId,
      parent: input.parent,
      compressedDigest: input.compressedDigest,
      size: measured.size,
      link,
      created: new Date().toISOString(),
    };
    await writeJsonAtomic(path.join(dir, 'layer.json'), record);
    return record;
  }

  /** Layers of a stack, bottom first, each verified complete. */
  async stack(ids: readonly string[]): Promise<LayerRecord[]> {
    const out: LayerRecord[] = [];
    for (const id of ids) {
      const l = await this.get(id);
      if (!l) throw new TscRunError(`layer ${id} is missing or incomplete; remove the image and import or pull it again`);
      out.push(l);
    }
    return out;
  }
}

