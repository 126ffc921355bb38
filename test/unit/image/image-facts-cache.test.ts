// `images` reads each image's config and manifest from one cache file
// (src/image/image-facts-cache.ts). Its entries are keyed by the blobs'
// digests, so only the blobs' presence can differ from them: a missing
// config still leaves the image out (damage is still reported), a missing
// manifest still counts as missing, and a damaged cache is rebuilt.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ociArchiveEntries } from '../../harness/archives.js';
import { buildOciImage, writeTar } from '../../harness/images.js';
import { plainUnpack } from '../../harness/plain-unpack.js';
import { loadArchive } from '../../../src/image/archive/load.js';
import { damagedImage, loadCatalog } from '../../../src/image/catalog.js';
import { noProgress } from '../../../src/image/progress.js';
import type { TreeOps } from '../../../src/storage/layers/layer-store.js';

const ops: TreeOps = {
  devices: false,
  unpack: plainUnpack,
  fixup: async () => {},
  rmtree: async (...paths) => {
    for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
  },
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-facts-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function storeWithImages(n: number): Promise<string> {
  const root = path.join(dir, 'store');
  const policy = path.join(dir, 'policy.json');
  fs.writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
  const layer = await writeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/hostname', content: 'box\n' }]);
  const images = [];
  for (let i = 0; i < n; i++) images.push({ image: buildOciImage({ layers: [layer], config: { Cmd: ['sh'], Labels: { n: String(i) } } }), name: `app${i}:1` });
  const tar = path.join(dir, 'in.tar');
  fs.writeFileSync(tar, await writeTar(ociArchiveEntries(images)));
  await loadArchive({ dataRoot: root, input: tar, progress: noProgress, treeOps: ops, policy: { signaturePolicy: policy } });
  return root;
}

const cacheFile = (root: string): string => path.join(root, 'images-index', 'facts.json');
const strip = (c: Awaited<ReturnType<typeof loadCatalog>>) => c.images.map((f) => ({ id: f.record.id, config: f.config, manifest: f.manifest, metaSize: f.metaSize }));

describe('image facts cache', () => {
  it('a second catalog comes from the cache and equals the first; a damaged cache is rebuilt', async () => {
    const root = await storeWithImages(3);
    const first = strip(await loadCatalog(root));
    expect(first).toHaveLength(3);
    expect(fs.existsSync(cacheFile(root))).toBe(true);
    const before = fs.statSync(cacheFile(root)).mtimeMs;
    expect(strip(await loadCatalog(root))).toEqual(first);
    expect(fs.statSync(cacheFile(root)).mtimeMs).toBe(before); // nothing new: not rewritten
    fs.writeFileSync(cacheFile(root), '{"v":1,"entr');
    expect(strip(await loadCatalog(root))).toEqual(first);
    expect(Object.keys((JSON.parse(fs.readFileSync(cacheFile(root), 'utf8')) as { entries: object }).entries)).toHaveLength(3);
  });

  it('a config blob gone leaves the image out (reported as damaged) though cached; a manifest gone counts as gone', async () => {
    const root = await storeWithImages(2);
    const first = await loadCatalog(root);
    const [a, b] = first.images;
    fs.rmSync(path.join(root, 'blobs', 'sha256', a!.record.id));
    const manifestBytes = fs.statSync(path.join(root, 'blobs', b!.record.digest.replace(':', '/'))).size;
    fs.rmSync(path.join(root, 'blobs', b!.record.digest.replace(':', '/')));
    const again = await loadCatalog(root);
    expect(again.images.map((f) => f.record.id)).toEqual([b!.record.id]);
    expect(await damagedImage(root, again)).toBe(a!.record.id);
    expect(again.images[0]!.manifest).toBeUndefined();
    expect(again.images[0]!.metaSize).toBe(b!.metaSize - 2 * manifestBytes); // counted twice, as containers/storage
    // The cache now says the manifest is missing; it would not be believed if the blob came back.
    expect(Object.values((JSON.parse(fs.readFileSync(cacheFile(root), 'utf8')) as { entries: Record<string, { manifest?: unknown }> }).entries)[0]!.manifest).toBeUndefined();
  });
});
