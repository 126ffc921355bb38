// The pure parts of image archives: archive paths and links, docker-archive
// manifest.json, OCI index.json and platform choice, names in and out.

import { describe, expect, it } from 'vitest';
import {
  buildDockerArchiveManifest,
  buildDockerManifest,
  digestInConfigName,
  parseDockerArchiveManifest,
} from '../../../src/image/archive/docker-manifest.js';
import { ArchiveFormatError } from '../../../src/image/archive/errors.js';
import { matchedName, nameFromRefName, nameFromRepoTag } from '../../../src/image/archive/names.js';
import { buildOciIndex, choosePlatform, parseOciIndex, toOciManifest } from '../../../src/image/archive/oci-layout.js';
import { archivePath, isMetadataPath, ociBlobDigest, symlinkTarget } from '../../../src/image/archive/paths.js';
import { multiImageItems, singleImageItem } from '../../../src/image/archive/save-plan.js';
import type { ImageRecord } from '../../../src/storage/images.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe('archive paths', () => {
  it('cleans names and refuses ones leaving the archive', () => {
    expect(archivePath('./manifest.json')).toBe('manifest.json');
    expect(archivePath('a//b/./c/')).toBe('a/b/c');
    expect(() => archivePath('../x')).toThrow(ArchiveFormatError);
    expect(() => archivePath('a/../../x')).toThrow('path contains a ".." component');
    expect(() => archivePath('/etc/passwd')).toThrow('absolute path');
  });

  it('resolves symlinks inside the archive only', () => {
    expect(symlinkTarget('abc/layer.tar', '../123.tar')).toBe('123.tar');
    expect(symlinkTarget('abc/layer.tar', 'other.tar')).toBe('abc/other.tar');
    expect(symlinkTarget('abc/layer.tar', '../../x')).toBeUndefined();
    expect(symlinkTarget('x', '/etc/passwd')).toBeUndefined();
  });

  it('knows OCI blob paths and metadata files', () => {
    expect(ociBlobDigest(`blobs/sha256/${'a'.repeat(64)}`)).toBe(D('a'));
    expect(ociBlobDigest(`blobs/sha256/${'A'.repeat(64)}`)).toBeUndefined();
    expect(ociBlobDigest('blobs/sha256/abc')).toBeUndefined();
    for (const p of ['manifest.json', 'index.json', 'oci-layout', 'repositories', 'x/json', 'x/VERSION', `${'a'.repeat(64)}.json`]) {
      expect(isMetadataPath(p), p).toBe(true);
    }
    expect(isMetadataPath('x/layer.tar')).toBe(false);
  });
});

describe('docker-archive manifest.json', () => {
  it('parses entries; RepoTags may be null or missing', () => {
    const m = parseDockerArchiveManifest(JSON.stringify([{ Config: 'c.json', RepoTags: null, Layers: ['a.tar'] }, { Config: 'd.json', Layers: [] }]));
    expect(m).toEqual([
      { Config: 'c.json', RepoTags: [], Layers: ['a.tar'] },
      { Config: 'd.json', RepoTags: [], Layers: [] },
    ]);
  });

  it.each([
    ['not json', '{', 'manifest.json is not valid JSON'],
    ['empty', '[]', 'manifest.json lists no images'],
    ['no Config', '[{"Layers":[]}]', 'entry 0 is malformed'],
    ['bad RepoTags', '[{"Config":"c","Layers":[],"RepoTags":"x"}]', 'malformed "RepoTags"'],
  ])('refuses %s', (_l, text, msg) => {
    expect(() => parseDockerArchiveManifest(text)).toThrow(msg);
  });

  it('writes podman\'s compact manifest.json', () => {
    expect(buildDockerArchiveManifest([{ Config: 'c.json', RepoTags: ['localhost/a:1'], Layers: ['l.tar'] }]).toString()).toBe(
      '[{"Config":"c.json","RepoTags":["localhost/a:1"],"Layers":["l.tar"]}]',
    );
  });

  it('builds the schema 2 manifest in containers/image field order', () => {
    const m = buildDockerManifest({ digest: D('c'), size: 409 }, [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: D('1'), size: 10 }]);
    expect(m.toString()).toBe(
      `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":409,"digest":"${D('c')}"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":10,"digest":"${D('1')}"}]}`,
    );
  });

  it('reads the digest a config file name promises', () => {
    expect(digestInConfigName(`${'b'.repeat(64)}.json`)).toBe(D('b'));
    expect(digestInConfigName(`blobs/sha256/${'b'.repeat(64)}`)).toBe(D('b'));
    expect(digestInConfigName('config.json')).toBeUndefined();
  });
});

describe('OCI index.json', () => {
  const desc = (digest: string, platform?: object) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1, ...(platform ? { platform } : {}) });

  it('parses and refuses malformed ones', () => {
    expect(parseOciIndex(JSON.stringify({ schemaVersion: 2, manifests: [desc(D('a'))] })).manifests).toHaveLength(1);
    expect(() => parseOciIndex('{"schemaVersion":1,"manifests":[]}')).toThrow('index.json is malformed');
    expect(() => parseOciIndex('{"schemaVersion":2,"manifests":[{"digest":1}]}')).toThrow('malformed manifest descriptor');
  });

  it('chooses the host platform from a nested index', () => {
    const index = parseOciIndex(
      JSON.stringify({ schemaVersion: 2, manifests: [desc(D('a'), { os: 'linux', architecture: 'arm64' }), desc(D('b'), { os: 'linux', architecture: 'amd64' })] }),
    );
    expect(choosePlatform(index, 'linux', 'amd64').digest).toBe(D('b'));
    expect(() => choosePlatform(index, 'linux', 's390x')).toThrow('no image for linux/s390x');
    expect(choosePlatform(parseOciIndex(JSON.stringify({ schemaVersion: 2, manifests: [desc(D('c'))] })), 'linux', 'amd64').digest).toBe(D('c'));
  });

  it('writes podman\'s index.json: a ref name only when the image was saved by name', () => {
    expect(JSON.parse(buildOciIndex([{ digest: D('a'), size: 3, name: 'localhost/x:1' }, { digest: D('b'), size: 4, name: undefined }]).toString())).toEqual({
      schemaVersion: 2,
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('a'), size: 3, annotations: { 'org.opencontainers.image.ref.name': 'localhost/x:1' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('b'), size: 4 },
      ],
    });
  });

  it('rewrites a Docker manifest as OCI around the same blobs, media types from the blobs', () => {
    const m = { schemaVersion: 2 as const, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'x', digest: D('c'), size: 5 }, layers: [{ mediaType: 'y', digest: D('1'), size: 6 }, { mediaType: 'y', digest: D('2'), size: 7 }] };
    const out = JSON.parse(toOciManifest(m, (d) => (d === D('1') ? 'none' : 'gzip')).toString());
    expect(out.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('c'), size: 5 });
    expect(out.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar', 'application/vnd.oci.image.layer.v1.tar+gzip']);
  });
});

describe('names', () => {
  it('gives short names of archives the localhost/ domain, as podman 4.3', () => {
    expect(nameFromRepoTag('busybox:1')).toBe('localhost/busybox:1');
    expect(nameFromRepoTag('docker.io/library/busybox:1')).toBe('docker.io/library/busybox:1');
    expect(() => nameFromRepoTag('foo')).toThrow('does not contain a tag');
    expect(nameFromRefName('latest')).toBe('localhost/latest:latest');
    expect(nameFromRefName('example.com/a:b')).toBe('example.com/a:b');
    expect(() => nameFromRefName('Bad:Name')).toThrow('repository name must be lowercase');
  });

  const img = (id: string, names: string[]): ImageRecord => ({ id: id.repeat(64), names, digest: D('m'), manifestMediaType: '', layers: [], created: '', added: '', size: 0 });

  it('saves the name the image was asked for, nothing for an id', () => {
    const i = img('c', ['localhost/bb:latest', 'docker.io/library/bb:1']);
    expect(matchedName(i, 'bb')).toBe('localhost/bb:latest');
    expect(matchedName(i, 'bb:1')).toBe('docker.io/library/bb:1');
    expect(matchedName(i, 'localhost/bb:latest')).toBe('localhost/bb:latest');
    expect(matchedName(i, 'c'.repeat(64))).toBeUndefined();
    expect(matchedName(i, 'ccccccc')).toBeUndefined();
    expect(matchedName(i, `bb@${D('m')}`)).toBeUndefined();
  });

  it('without -m extra arguments are tags (listed first); with -m images, repeats merged', () => {
    const a = img('a', ['localhost/a:latest']);
    const b = img('b', ['localhost/b:1', 'localhost/b:2']);
    expect(singleImageItem({ input: 'a', image: a }, ['x:1'])).toEqual({ image: a, names: ['localhost/x:1', 'localhost/a:latest'], refName: 'localhost/a:latest' });
    expect(multiImageItems([{ input: 'a', image: a }, { input: 'b:1', image: b }, { input: 'b:2', image: b }])).toEqual([
      { image: a, names: ['localhost/a:latest'], refName: 'localhost/a:latest' },
      { image: b, names: ['localhost/b:1', 'localhost/b:2'], refName: 'localhost/b:1' },
    ]);
  });
});
