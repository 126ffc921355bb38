// load and save on real stores in a temp dir, as the current user: the
// helper's jobs (ownership fixups, removal of sub-id-owned trees) are done
// by plain fs calls here, since these layers hold only the user's files.
// The built CLI with the real helper is tested in test/integration/archive.test.ts.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerArchiveEntries, ociArchiveEntries } from '../../harness/archives.js';
import { buildOciImage, sha256Digest, writeTar, type OciImage, type TarEntry } from '../../harness/images.js';
import { loadArchive, loadedLines } from '../../../src/image/archive/load.js';
import { saveImages, type ArchiveFormat } from '../../../src/image/archive/save.js';
import type { CopyEvent } from '../../../src/image/progress.js';
import { noProgress } from '../../../src/image/progress.js';
import { ImageStore } from '../../../src/storage/images.js';
import type { TreeOps } from '../../../src/storage/layers/layer-store.js';
import { plainUnpack } from '../../harness/plain-unpack.js';

const ops: TreeOps = {
  devices: false,
  unpack: plainUnpack,
  fixup: async () => {},
  rmtree: async (...paths) => {
    for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
  },
};

let dir: string;
/** A policy file that admits anything: the tests do not depend on the host's policy.json. */
let acceptAll: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-archive-'));
  acceptAll = path.join(dir, 'policy.json');
  fs.writeFileSync(acceptAll, '{"default":[{"type":"insecureAcceptAnything"}]}');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const ls = (p: string) => (fs.existsSync(p) ? fs.readdirSync(p).sort() : []);
/** What a store holds (temp files included), to check that a failed load left nothing. */
async function storeState(root: string) {
  return {
    images: (await new ImageStore(root).list()).map((i) => i.id),
    layers: ls(path.join(root, 'layers')),
    links: ls(path.join(root, 'l')),
    blobs: ls(path.join(root, 'blobs', 'sha256')),
  };
}

async function archiveFile(name: string, entries: TarEntry[], wrap: (b: Buffer) => Buffer = (b) => b): Promise<string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, wrap(await writeTar(entries)));
  return file;
}

const load = (root: string, input: string, progress = noProgress) => loadArchive({ dataRoot: root, input, progress, treeOps: ops, policy: { signaturePolicy: acceptAll } });
const save = (root: string, images: string[], format: ArchiveFormat, output: string, multiImage = false) =>
  saveImages({ dataRoot: root, images, format, output, multiImage, progress: noProgress });

async function twoLayerImage(extra = 'x'): Promise<OciImage> {
  return buildOciImage({
    layers: [
      await writeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/hostname', content: 'box\n' }, { name: 'bin/', type: 'directory' }]),
      await writeTar([{ name: 'etc/extra', content: extra }, { name: 'etc/.wh.hostname' }]),
    ],
    config: { Cmd: ['sh'] },
  });
}

describe('load', () => {
  it('loads an oci-archive: id, manifest and layer blobs exactly as in the archive', async () => {
    const image = await twoLayerImage();
    const root = path.join(dir, 'store');
    const events: CopyEvent[] = [];
    const loaded = await load(root, await archiveFile('o.tar', ociArchiveEntries([{ image, name: 'app:1' }])), { emit: (e) => events.push(e) });
    expect(loaded).toEqual([{ id: image.configDigest.slice(7), names: ['localhost/app:1'] }]);
    expect(loadedLines(loaded)).toEqual(['Loaded image: localhost/app:1']);
    const [rec] = await new ImageStore(root).list();
    expect(rec).toMatchObject({ digest: image.manifestDigest, manifestMediaType: 'application/vnd.oci.image.manifest.v1+json', layers: expect.any(Array) });
    expect(rec!.layers).toHaveLength(2);
    expect(ls(path.join(root, 'blobs', 'sha256')).sort()).toEqual([...image.blobs.keys()].map((d) => d.slice(7)).sort());
    expect(fs.readFileSync(path.join(root, 'layers', rec!.layers[0]!, 'diff', 'etc', 'hostname'), 'utf8')).toBe('box\n');
    // Layers unpack side by side, so blob and blob-done interleave; the blob events keep layer order.
    const shown = new Set(['start', 'blob', 'config', 'manifest', 'stored']);
    expect(events.filter((e) => shown.has(e.type)).map((e) => (e.type === 'blob' ? e.digest : e.type))).toEqual([
      'start',
      ...image.layers.map((l) => l.digest),
      'config',
      'manifest',
      'stored',
    ]);
    expect(events.filter((e) => e.type === 'blob-done')).toHaveLength(2);
  });

  it('loads a docker-archive, also gzip- and zstd-compressed, to the same image', async () => {
    const image = await twoLayerImage();
    const entries = dockerArchiveEntries([{ image, repoTags: ['app:1', 'example.com/app:2'] }]);
    for (const [name, wrap] of [['d.tar', (b: Buffer) => b], ['d.tar.gz', zlib.gzipSync], ['d.tar.zst', zlib.zstdCompressSync]] as const) {
      const root = path.join(dir, `store-${name}`);
      const loaded = await load(root, await archiveFile(name, entries, wrap));
      expect(loaded, name).toEqual([{ id: image.configDigest.slice(7), names: ['localhost/app:1', 'example.com/app:2'] }]);
      const [rec] = await new ImageStore(root).list();
      expect(rec!.manifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
      // Layers are stored as they came, uncompressed: their blobs are the diffIDs.
      for (const l of image.layers) expect(fs.existsSync(path.join(root, 'blobs', 'sha256', l.diffId.slice(7)))).toBe(true);
    }
  });

  it('loads every image of a multi-image archive; shared layers once; an unnamed image by its id', async () => {
    const a = await twoLayerImage('a');
    const b = await twoLayerImage('b');
    const root = path.join(dir, 'store');
    const loaded = await load(root, await archiveFile('m.tar', dockerArchiveEntries([{ image: a, repoTags: ['a:1'] }, { image: b }])));
    expect(loadedLines(loaded)).toEqual(['Loaded image: localhost/a:1', `Loaded image: sha256:${b.configDigest.slice(7)}`]);
    expect(ls(path.join(root, 'layers'))).toHaveLength(3);
  });

  it('prefers manifest.json when an archive is both (docker save of Docker 25+: an OCI layout plus manifest.json)', async () => {
    const image = buildOciImage({ layers: [await writeTar([{ name: 'a', content: 'x' }])], uncompressed: true });
    const hex = (d: string) => d.slice('sha256:'.length);
    const manifest = [{ Config: `blobs/sha256/${hex(image.configDigest)}`, RepoTags: ['docker.io/library/app:1'], Layers: image.layers.map((l) => `blobs/sha256/${hex(l.digest)}`) }];
    const entries = [...ociArchiveEntries([{ image, name: 'latest' }]), { name: 'manifest.json', content: JSON.stringify(manifest) }];
    const root = path.join(dir, 'store');
    expect(await load(root, await archiveFile('d25.tar', entries))).toEqual([{ id: hex(image.configDigest), names: ['docker.io/library/app:1'] }]);
  });

  it('follows podman\'s legacy <id>/layer.tar symlinks', async () => {
    const image = await twoLayerImage();
    const entries = dockerArchiveEntries([{ image, repoTags: ['app:1'] }]);
    const manifest = JSON.parse(String(entries.at(-1)!.content)) as Array<{ Layers: string[] }>;
    const links: TarEntry[] = manifest[0]!.Layers.map((l, i) => ({ name: `legacy${i}/layer.tar`, type: 'symlink', linkname: `../${l}` }));
    manifest[0]!.Layers = links.map((l) => l.name);
    const root = path.join(dir, 'store');
    await load(root, await archiveFile('l.tar', [...entries.slice(0, -1), ...links, { name: 'manifest.json', content: JSON.stringify(manifest) }]));
    expect((await new ImageStore(root).list())[0]!.layers).toHaveLength(2);
  });

  it('a repeat load after an interrupted one completes and clears what the dead process left', async () => {
    const image = await twoLayerImage();
    const file = await archiveFile('o.tar', ociArchiveEntries([{ image, name: 'app:1' }]));
    const root = path.join(dir, 'store');
    await load(root, file);
    const [rec] = await new ImageStore(root).list();
    // What a SIGKILL mid-load leaves: no images.json entry, an incomplete top layer, a temp blob of a dead pid.
    fs.rmSync(path.join(root, 'images.json'));
    fs.rmSync(path.join(root, 'layers', rec!.layers[1]!, 'layer.json'));
    fs.writeFileSync(path.join(root, 'layers', rec!.layers[1]!, 'diff', 'junk'), 'x');
    const temp = path.join(root, 'blobs', 'sha256', '.blob.tmp-999999999-abcdef');
    fs.writeFileSync(temp, 'partial');
    await load(root, file);
    expect((await new ImageStore(root).list()).map((i) => i.id)).toEqual([rec!.id]);
    // (The whiteout of etc/hostname is the helper's job, not done here.)
    expect(ls(path.join(root, 'layers', rec!.layers[1]!, 'diff', 'etc'))).toEqual(['extra']);
    expect(fs.existsSync(path.join(root, 'layers', rec!.layers[1]!, 'diff', 'junk'))).toBe(false);
    expect(fs.existsSync(temp)).toBe(false);
  });
});

describe('compressed layer files in a docker-archive', () => {
  /** A docker-archive whose layer files are gzip'd (docker and containers/image accept these). */
  async function gzippedLayers(image: OciImage, repoTags: string[], replace?: Buffer): Promise<TarEntry[]> {
    return dockerArchiveEntries([{ image, repoTags }]).map((e) =>
      e.name.endsWith('.tar') ? { ...e, content: zlib.gzipSync(replace ?? (e.content as Buffer)) } : e,
    );
  }

  it('keeps the gzip blobs; save decompresses them for docker-archive and labels them for oci-archive', async () => {
    const image = await twoLayerImage();
    const root = path.join(dir, 'store');
    await load(root, await archiveFile('gz-layers.tar', await gzippedLayers(image, ['app:1'])));
    const [rec] = await new ImageStore(root).list();
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'blobs', 'sha256', rec!.digest.slice(7)), 'utf8'));
    expect(manifest.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual([
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
    ]);
    for (const format of ['docker-archive', 'oci-archive'] as const) {
      const out = path.join(dir, `gz-${format}.tar`);
      await save(root, ['app:1'], format, out);
      const again = path.join(dir, `again-${format}`);
      await load(again, out);
      const [back] = await new ImageStore(again).list();
      expect(back!.id, format).toBe(rec!.id);
      expect(back!.layers, format).toEqual(rec!.layers);
      const m = JSON.parse(fs.readFileSync(path.join(again, 'blobs', 'sha256', back!.digest.slice(7)), 'utf8'));
      // docker-archive: uncompressed layers (blob = diffID); oci-archive: the same gzip blobs, OCI media types.
      if (format === 'docker-archive') expect(m.layers.map((l: { digest: string }) => l.digest)).toEqual(image.layers.map((l) => l.diffId));
      else expect(m.layers.map((l: { digest: string; mediaType: string }) => [l.digest, l.mediaType])).toEqual(manifest.layers.map((l: { digest: string }) => [l.digest, 'application/vnd.oci.image.layer.v1.tar+gzip']));
    }
  });

  it('a compressed layer file is checked against its diffID even when that layer is already unpacked', async () => {
    const image = await twoLayerImage();
    const root = path.join(dir, 'store');
    await load(root, await archiveFile('plain.tar', dockerArchiveEntries([{ image, repoTags: ['app:1'] }])));
    const before = await storeState(root);
    const liar = await gzippedLayers(image, ['liar:1'], await writeTar([{ name: 'not-the-layer', content: 'x' }]));
    await expect(load(root, await archiveFile('liar.tar', liar))).rejects.toThrow(/layer sha256:[0-9a-f]+ digest did not match/);
    expect(await storeState(root)).toEqual(before);
  });
});

describe('load refuses bad archives and keeps nothing', () => {
  const cases: Array<[string, () => Promise<TarEntry[]>, string | RegExp, ((b: Buffer) => Buffer)?]> = [
    ['no manifest.json or index.json', async () => dockerArchiveEntries([{ image: await twoLayerImage() }]).slice(0, -1), 'neither manifest.json nor index.json'],
    [
      'an OCI blob whose content does not match its name',
      async () => {
        const image = await twoLayerImage();
        const layer = image.layers[1]!.digest;
        image.blobs.set(layer, zlib.gzipSync(await writeTar([{ name: 'evil', content: 'x' }])));
        return ociArchiveEntries([{ image, name: 'x:1' }]);
      },
      /blob digest did not match: expected sha256:/,
    ],
    [
      'a docker-archive layer that is not what the config says',
      async () => {
        const e = dockerArchiveEntries([{ image: await twoLayerImage(), repoTags: ['x:1'] }]);
        e[1] = { ...e[1]!, content: await writeTar([{ name: 'evil', content: 'x' }]) };
        return e;
      },
      /layer sha256:[0-9a-f]+ digest did not match/,
    ],
    [
      'a tampered docker-archive config',
      async () => {
        const e = dockerArchiveEntries([{ image: await twoLayerImage(), repoTags: ['x:1'] }]);
        const i = e.findIndex((x) => x.name.endsWith('.json') && x.name !== 'manifest.json');
        e[i] = { ...e[i]!, content: String(e[i]!.content).replace('"sh"', '"bash"') };
        return e;
      },
      /config .* digest did not match/,
    ],
    [
      'a layer entry escaping the layer (second layer: the first one is taken back)',
      async () => {
        const image = buildOciImage({ layers: [await writeTar([{ name: 'ok', content: 'x' }]), await writeTar([{ name: '../escape', content: 'x' }])] });
        return ociArchiveEntries([{ image, name: 'x:1' }]);
      },
      'refusing layer entry "../escape"',
    ],
    ['an archive entry outside the archive', async () => [{ name: '../manifest.json', content: '[]' }], 'refusing archive entry "../manifest.json"'],
    [
      'a truncated archive',
      async () => ociArchiveEntries([{ image: await twoLayerImage(), name: 'x:1' }]),
      'unexpected EOF',
      (b) => b.subarray(0, 2048 + 100),
    ],
    [
      'a truncated gzip archive',
      async () => ociArchiveEntries([{ image: await twoLayerImage(), name: 'x:1' }]),
      /unexpected EOF|decompressing/,
      (b) => zlib.gzipSync(b).subarray(0, 300),
    ],
    ['not a tar', async () => [], 'not a tar archive', () => Buffer.alloc(4096, 'x')],
    ['a corrupt bzip2 archive', async () => [], 'bzip2 data invalid', () => Buffer.from('BZh91AY&SY')],
    [
      'an index naming a missing manifest',
      async () => ociArchiveEntries([{ image: await twoLayerImage(), name: 'x:1' }]).filter((e) => !e.name.startsWith('blobs/sha256/')),
      /manifest sha256:[0-9a-f]+ is missing from the archive/,
    ],
    [
      'a config with fewer diff_ids than layers',
      async () => {
        const e = dockerArchiveEntries([{ image: await twoLayerImage(), repoTags: ['x:1'] }]);
        const m = JSON.parse(String(e.at(-1)!.content));
        m[0].Layers.push(m[0].Layers[0]);
        e[e.length - 1] = { name: 'manifest.json', content: JSON.stringify(m) };
        return e;
      },
      'lists 3 layers',
    ],
    [
      'a RepoTag without a tag',
      async () => dockerArchiveEntries([{ image: await twoLayerImage(), repoTags: ['foo'] }]),
      'does not contain a tag',
    ],
  ];

  it.each(cases)('%s', async (_label, entries, message, wrap) => {
    const root = path.join(dir, 'store');
    // A store that already has an image: it must come out untouched.
    await load(root, await archiveFile('base.tar', ociArchiveEntries([{ image: await twoLayerImage('base'), name: 'base:1' }])));
    const before = await storeState(root);
    const file = await archiveFile('bad.tar', await entries(), wrap);
    await expect(load(root, file)).rejects.toThrow(message);
    expect(await storeState(root)).toEqual(before);
  });
});

describe('save', () => {
  async function loaded(format: 'oci' | 'docker'): Promise<{ root: string; image: OciImage }> {
    const image = await twoLayerImage();
    const root = path.join(dir, `src-${format}`);
    const entries = format === 'oci' ? ociArchiveEntries([{ image, name: 'app:1' }]) : dockerArchiveEntries([{ image, repoTags: ['app:1'] }]);
    await load(root, await archiveFile(`${format}.tar`, entries));
    return { root, image };
  }

  it.each(['oci', 'docker'] as const)('round trip of a %s-loaded image through both formats keeps the id, names and layers', async (from) => {
    const { root, image } = await loaded(from);
    const [orig] = await new ImageStore(root).list();
    for (const format of ['docker-archive', 'oci-archive'] as const) {
      const out = path.join(dir, `${from}-${format}.tar`);
      await save(root, ['app:1'], format, out);
      const again = path.join(dir, `again-${from}-${format}`);
      expect(await load(again, out)).toEqual([{ id: image.configDigest.slice(7), names: ['localhost/app:1'] }]);
      const [rec] = await new ImageStore(again).list();
      expect(rec!.layers, format).toEqual(orig!.layers);
      // oci-archive carries the stored manifest itself when it is OCI: same digest.
      if (format === 'oci-archive' && from === 'oci') expect(rec!.digest).toBe(image.manifestDigest);
      // A Docker manifest made from the same blobs is the same on every round trip.
      if (format === 'docker-archive' && from === 'docker') expect(rec!.digest).toBe(orig!.digest);
    }
  });

  it('writes the same bytes twice (fixed metadata), podman\'s docker-archive layout', async () => {
    const { root, image } = await loaded('oci');
    await save(root, ['app:1'], 'docker-archive', path.join(dir, 'a.tar'));
    await save(root, ['app:1'], 'docker-archive', path.join(dir, 'b.tar'));
    const a = fs.readFileSync(path.join(dir, 'a.tar'));
    expect(sha256Digest(a)).toBe(sha256Digest(fs.readFileSync(path.join(dir, 'b.tar'))));
    const text = a.toString('latin1');
    expect(text).toContain(`${image.layers[0]!.diffId.slice(7)}.tar`);
    expect(text).toContain(`[{"Config":"${image.configDigest.slice(7)}.json","RepoTags":["localhost/app:1"],"Layers":[`);
  });

  it('refuses to overwrite a non-empty file with a docker-archive, as podman; unknown images write nothing', async () => {
    const { root } = await loaded('oci');
    const out = path.join(dir, 'exists.tar');
    fs.writeFileSync(out, 'keep');
    await expect(save(root, ['app:1'], 'docker-archive', out)).rejects.toThrow("docker-archive doesn't support modifying existing images");
    expect(fs.readFileSync(out, 'utf8')).toBe('keep');
    await expect(save(root, ['app:1', 'nope'], 'docker-archive', path.join(dir, 'n.tar'), true)).rejects.toThrow('nope: image not known');
    expect(ls(dir).filter((n) => n.startsWith('n.tar') || n.startsWith('.n.tar'))).toEqual([]);
    await expect(save(root, ['app:1', 'app:1'], 'oci-archive', path.join(dir, 'm.tar'), true)).rejects.toThrow('for saving multiple images');
    await expect(save(root, ['app:1'], 'oci-archive', path.join(dir, 'missing-dir', 'x.tar'))).rejects.toThrow(/opening file .*no such file or directory/);
  });

  it('a multi-image docker-archive holds each image once with all its names', async () => {
    const { root } = await loaded('oci');
    const b = await twoLayerImage('b');
    await load(root, await archiveFile('b.tar', ociArchiveEntries([{ image: b, name: 'b:1' }])));
    const out = path.join(dir, 'multi.tar');
    await save(root, ['app:1', 'b:1', 'localhost/app:1'], 'docker-archive', out, true);
    const again = path.join(dir, 'again');
    expect(loadedLines(await load(again, out))).toEqual(['Loaded image: localhost/app:1', 'Loaded image: localhost/b:1']);
  });
});
