// `pull` against Debian's docker-registry on 127.0.0.1, as the test user
// (and a subset as root): podman's output, ids, what is stored, layer
// reuse (with other pulls and with import), digests and manifest lists,
// Docker schema 2, zstd layers, --all-tags, registries.conf, the TTY view.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBinary, sharedUserDir } from '../harness/binary.js';
import { tscRun, tscRunOk } from '../harness/cli.js';
import {
  MEDIA,
  buildBusyboxImage,
  buildOciImage,
  busyboxRootfsEntries,
  ociArch,
  sha256Digest,
  writeTar,
  type OciImage,
} from '../harness/images.js';
import { pushImage, startRegistry, type Registry } from '../harness/registry.js';
import { storePool } from '../harness/fixtures.js';
import type { Sandbox } from '../harness/sandbox.js';
import { isRoot, runAs, userFor } from '../harness/user.js';

let reg: Registry;
let bb: OciImage;
const stores = storePool('pull');
const sandbox = (name: string, as: 'user' | 'root' = 'user'): Promise<Sandbox> => stores.empty(name, as);

/** The same image with another config (platform), so its digests differ. */
function withConfig(image: OciImage, change: (config: Record<string, unknown>) => void, mediaTypes?: { manifest: string; config: string; layer: string }): OciImage {
  const config = JSON.parse(image.config.toString('utf8')) as Record<string, unknown>;
  change(config);
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256Digest(configBytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes?.manifest ?? MEDIA.manifest,
      config: { mediaType: mediaTypes?.config ?? MEDIA.config, digest: configDigest, size: configBytes.length },
      layers: image.layers.map((l) => ({ mediaType: mediaTypes?.layer ?? l.mediaType, digest: l.digest, size: l.size })),
    }),
  );
  const manifestDigest = sha256Digest(manifest);
  const blobs = new Map(image.blobs);
  blobs.delete(image.configDigest);
  blobs.delete(image.manifestDigest);
  blobs.set(configDigest, configBytes);
  blobs.set(manifestDigest, manifest);
  return { ...image, config: configBytes, configDigest, manifest, manifestDigest, blobs };
}

async function putIndex(r: Registry, repo: string, tag: string, entries: Array<{ image: OciImage; os: string; architecture: string; variant?: string }>): Promise<string> {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.index,
      manifests: entries.map((e) => ({
        mediaType: MEDIA.manifest,
        digest: e.image.manifestDigest,
        size: e.image.manifest.length,
        platform: { os: e.os, architecture: e.architecture, ...(e.variant ? { variant: e.variant } : {}) },
      })),
    }),
  );
  for (const e of entries) await pushImage(r, repo, e.image.manifestDigest, e.image);
  const res = await fetch(`${r.url}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { 'content-type': MEDIA.index }, body: index });
  if (res.status !== 201) throw new Error(`put index: ${res.status} ${await res.text()}`);
  return sha256Digest(index);
}

function images(sb: Sandbox): Array<{ id: string; names: string[]; digest: string; manifestMediaType: string; layers: string[]; digests?: string[] }> {
  const f = path.join(sb.root, 'images.json');
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as { images: never[] }).images : [];
}

const layerDirs = (sb: Sandbox) => (fs.existsSync(path.join(sb.root, 'layers')) ? fs.readdirSync(path.join(sb.root, 'layers')).sort() : []);
const id = (img: OciImage) => img.configDigest.slice('sha256:'.length);

beforeAll(async () => {
  reg = await startRegistry();
  bb = await buildBusyboxImage({ extraLayers: [[{ name: 'hello.txt', content: 'hello from the registry\n' }]] });
  await pushImage(reg, 'bb', 'latest', bb);
  await pushImage(reg, 'team/bb', '1.0', bb);
});
afterAll(async () => {
  await stores.dispose();
  await reg.stop();
});

describe('pull as the test user', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await sandbox('basic');
  });

  it("prints podman's progress on stderr and the image id on stdout", async () => {
    const r = await tscRun(['pull', '--tls-verify=false', `${reg.host}/bb:latest`], { sandbox: sb });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${id(bb)}\n`);
    expect(r.stderr).toBe(
      [
        `Trying to pull ${reg.host}/bb:latest...`,
        'Getting image source signatures',
        ...bb.layers.map((l) => `Copying blob ${l.digest}`),
        `Copying config ${bb.configDigest}`,
        'Writing manifest to image destination',
        'Storing signatures',
        '',
      ].join('\n'),
    );
    const [img] = images(sb);
    expect(img).toMatchObject({ id: id(bb), names: [`${reg.host}/bb:latest`], digest: bb.manifestDigest, manifestMediaType: MEDIA.manifest });
    expect(img!.layers).toHaveLength(2);
    // Manifest, config and the compressed layers are kept, byte for byte.
    for (const [digest, blob] of bb.blobs) {
      expect(fs.readFileSync(path.join(sb.root, 'blobs', 'sha256', digest.slice(7))).equals(blob), digest).toBe(true);
    }
  });

  it('runs the pulled image', async () => {
    const r = await tscRun(['run', '--rm', `${reg.host}/bb`, 'cat', '/hello.txt'], { sandbox: sb });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('hello from the registry\n');
  });

  it('-q prints only the id; a second pull reuses every layer', async () => {
    const before = layerDirs(sb);
    const r = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/team/bb:1.0`], { sandbox: sb });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${id(bb)}\n`);
    expect(r.stderr).toBe('');
    expect(layerDirs(sb)).toEqual(before);
    expect(images(sb)).toHaveLength(1);
    expect(images(sb)[0]!.names.sort()).toEqual([`${reg.host}/bb:latest`, `${reg.host}/team/bb:1.0`].sort());
  });

  it('refuses plain HTTP unless told (--tls-verify=false or insecure in registries.conf)', async () => {
    const r = await tscRun(['pull', `${reg.host}/bb:latest`], { sandbox: sb });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toBe(
      `Trying to pull ${reg.host}/bb:latest...\nError: initializing source docker://${reg.host}/bb:latest: pinging container registry ${reg.host}: Get "https://${reg.host}/v2/": http: server gave HTTP response to HTTPS client (use --tls-verify=false for a plain-HTTP registry)\n`,
    );
  });

  it('pulls by digest and by tag+digest, naming the image repo@digest', async () => {
    const s = await sandbox('digest');
    const r = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/bb@${bb.manifestDigest}`], { sandbox: s });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${id(bb)}\n`);
    expect(images(s)[0]!.names).toEqual([`${reg.host}/bb@${bb.manifestDigest}`]);
    const both = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/bb:latest@${bb.manifestDigest}`], { sandbox: s });
    expect(both.exitCode, both.stderr).toBe(0);
    const wrong = `sha256:${'0'.repeat(64)}`;
    const bad = await tscRun(['pull', '--tls-verify=false', `${reg.host}/bb@${wrong}`], { sandbox: s });
    expect(bad.exitCode).toBe(125);
    expect(bad.stderr).toContain(`Error: initializing source docker://${reg.host}/bb@${wrong}: reading manifest ${wrong} in ${reg.host}/bb: manifest unknown: manifest unknown\n`);
  });

  it('shares layers with import (chain ids): the layer is not unpacked again, only its blob fetched', async () => {
    const s = await sandbox('share');
    const tar = await writeTar(busyboxRootfsEntries());
    fs.writeFileSync(path.join(s.dir, 'rootfs.tar'), tar);
    s.chown(path.join(s.dir, 'rootfs.tar'));
    await tscRunOk(['import', '-q', path.join(s.dir, 'rootfs.tar'), 'local:1'], { sandbox: s });
    expect(layerDirs(s)).toHaveLength(1);
    const r = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/bb:latest`], { sandbox: s });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(layerDirs(s)).toHaveLength(2);
    // The base layer is still the one import unpacked from its tarball...
    const base = JSON.parse(fs.readFileSync(path.join(s.root, 'layers', bb.layers[0]!.diffId.slice(7), 'layer.json'), 'utf8')) as { compressedDigest: string };
    expect(base.compressedDigest).toBe(sha256Digest(tar));
    // ...and the image's own gzip blob is kept for push and save.
    expect(fs.existsSync(path.join(s.root, 'blobs', 'sha256', bb.layers[0]!.digest.slice(7)))).toBe(true);
  });
});

describe('manifest kinds', () => {
  it('chooses from a manifest list by platform, and pulls the list by its digest', async () => {
    const arm = withConfig(bb, (c) => {
      c.architecture = ociArch() === 'arm64' ? 'amd64' : 'arm64';
      c.variant = ociArch() === 'arm64' ? undefined : 'v8';
    });
    const other = JSON.parse(arm.config.toString('utf8')) as { architecture: string };
    const indexDigest = await putIndex(reg, 'multi', 'latest', [
      { image: bb, os: 'linux', architecture: ociArch() },
      { image: arm, os: 'linux', architecture: other.architecture, ...(other.architecture === 'arm64' ? { variant: 'v8' } : {}) },
    ]);
    const s = await sandbox('index');
    const host = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/multi:latest`], { sandbox: s });
    expect(host.exitCode, host.stderr).toBe(0);
    expect(host.stdout).toBe(`${id(bb)}\n`);
    expect(images(s)[0]!.digests).toEqual([bb.manifestDigest, indexDigest]);
    const foreign = await tscRun(['pull', '-q', '--tls-verify=false', '--arch', other.architecture, `${reg.host}/multi:latest`], { sandbox: s });
    expect(foreign.exitCode, foreign.stderr).toBe(0);
    expect(foreign.stdout).toBe(`${id(arm)}\n`);
    const platform = await tscRun(['pull', '-q', '--tls-verify=false', '--platform', `linux/${other.architecture}`, `${reg.host}/multi@${indexDigest}`], { sandbox: s });
    expect(platform.stdout).toBe(`${id(arm)}\n`);
    const none = await tscRun(['pull', '--tls-verify=false', '--platform', 'linux/s390x', `${reg.host}/multi:latest`], { sandbox: s });
    expect(none.exitCode).toBe(125);
    expect(none.stderr).toContain(
      `Error: initializing source docker://${reg.host}/multi:latest: choosing an image from manifest list docker://${reg.host}/multi:latest: no image found in manifest list for architecture "s390x", variant "", OS "linux"\n`,
    );
  });

  it('pulls Docker schema 2 images and zstd layers', async () => {
    const docker = withConfig(bb, (c) => (c.author = 'docker'), {
      manifest: 'application/vnd.docker.distribution.manifest.v2+json',
      config: 'application/vnd.docker.container.image.v1+json',
      layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    });
    await pushImage(reg, 'docker', 'v2', docker);
    const zstdTar = await writeTar([{ name: 'zstd.txt', content: 'zstd layer\n' }]);
    const base = await writeTar(busyboxRootfsEntries());
    const zimg = buildOciImage({ layers: [base] });
    const zblob = zlib.zstdCompressSync(zstdTar);
    const zdigest = sha256Digest(zblob);
    const withZstd = withConfig(
      { ...zimg, layers: [...zimg.layers, { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: zdigest, diffId: sha256Digest(zstdTar), size: zblob.length }], blobs: new Map([...zimg.blobs, [zdigest, zblob]]) },
      (c) => ((c.rootfs as { diff_ids: string[] }).diff_ids.push(sha256Digest(zstdTar))),
    );
    await pushImage(reg, 'zstd', 'latest', withZstd);
    const s = await sandbox('kinds');
    const a = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/docker:v2`], { sandbox: s });
    expect(a.exitCode, a.stderr).toBe(0);
    expect(images(s)[0]!.manifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const z = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/zstd:latest`], { sandbox: s });
    expect(z.exitCode, z.stderr).toBe(0);
    expect(z.stdout).toBe(`${id(withZstd)}\n`);
    const run = await tscRun(['run', '--rm', `${reg.host}/zstd`, 'cat', '/zstd.txt'], { sandbox: s });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('zstd layer\n');
  });

  it('--all-tags pulls every tag', async () => {
    const second = withConfig(bb, (c) => (c.author = 'second'));
    await pushImage(reg, 'tags', 'a', bb);
    await pushImage(reg, 'tags', 'b', second);
    const s = await sandbox('alltags');
    const r = await tscRun(['pull', '-a', '-q', '--tls-verify=false', `${reg.host}/tags`], { sandbox: s });
    expect(r.exitCode, r.stderr).toBe(0);
    // One id per tag, in the registry's tag-list order.
    expect(r.stdout.trim().split('\n').sort()).toEqual([id(bb), id(second)].sort());
    const tagged = await tscRun(['pull', '-a', '--tls-verify=false', `${reg.host}/tags:a`], { sandbox: s });
    expect(tagged.exitCode).toBe(125);
    expect(tagged.stderr).toBe("Error: tag can't be used with --all-tags/-a\n");
  });
});

describe('registries.conf', () => {
  it('resolves short names through unqualified-search-registries and honours insecure = true', async () => {
    const s = await sandbox('conf');
    const dir = path.join(s.home, '.config', 'containers');
    fs.mkdirSync(dir, { recursive: true });
    const conf = path.join(dir, 'registries.conf');
    fs.writeFileSync(conf, `unqualified-search-registries = ["${reg.host}"]\n\n[[registry]]\nlocation = "${reg.host}"\ninsecure = true\n`);
    s.chown(path.join(s.home, '.config'));
    const r = await tscRun(['pull', 'bb'], { sandbox: s });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([`Resolving "bb" using unqualified-search registries (${conf})`, `Trying to pull ${reg.host}/bb:latest...`]);
    expect(r.stdout).toBe(`${id(bb)}\n`);
    const none = await tscRun(['pull', 'nothere'], { sandbox: s });
    expect(none.exitCode).toBe(125);
    expect(none.stderr).toContain(`Error: initializing source docker://${reg.host}/nothere:latest: reading manifest latest in ${reg.host}/nothere: manifest unknown: manifest unknown\n`);
  });
});

describe('progress on a terminal', () => {
  it('draws bars on a TTY and plain lines without one', async () => {
    const s = await sandbox('tty');
    const u = userFor('user');
    const cmd = [cliBinary().bin, '--root', s.root, '--runroot', s.runroot, 'pull', '--tls-verify=false', `${reg.host}/bb:latest`].join(' ');
    const r = await runAs('user', 'script', ['-qfec', `stty rows 40 cols 120; ${cmd}`, '/dev/null'], {
      env: { HOME: s.home, XDG_RUNTIME_DIR: s.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', u.uid, u.gid), TERM: 'xterm' },
      cwd: s.dir,
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/\x1b\[/); // redrawn in place
    expect(out).toMatch(new RegExp(`Copying blob ${bb.layers[0]!.digest.slice(7, 19)} (\\[[=>-]+\\]|done|waiting)`));
    expect(out).toContain(`Copying blob ${bb.layers[1]!.digest.slice(7, 19)} done`);
    expect(out).toContain(`Copying config ${bb.configDigest.slice(7, 17)} done`);
    expect(out).toContain('Writing manifest to image destination');
    expect(out).toContain(`${id(bb)}`);
    // Off a TTY (the first test) there is no escape sequence at all.
    const plain = await tscRun(['pull', '--tls-verify=false', `${reg.host}/bb:latest`], { sandbox: s });
    expect(plain.stderr).not.toMatch(/\x1b/);
  });
});

describe.runIf(isRoot())('pull as root', () => {
  it('pulls and runs in root mode', async () => {
    const s = await sandbox('root', 'root');
    const r = await tscRun(['pull', '-q', '--tls-verify=false', `${reg.host}/bb:latest`], { sandbox: s });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${id(bb)}\n`);
    const run = await tscRun(['run', '--rm', `${reg.host}/bb:latest`, 'cat', '/hello.txt'], { sandbox: s });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('hello from the registry\n');
  });
});
