import { describe, expect, it } from 'vitest';
import { ManifestMedia, parseManifest, selectFromIndex, wantedPlatform, type IndexEntry } from '../../../../src/image/registry/manifest-select.js';

const d = (c: string) => 'sha256:' + c.repeat(64);
const enc = (v: unknown) => Buffer.from(JSON.stringify(v));
const image = (mediaType?: string, layerType = 'application/vnd.oci.image.layer.v1.tar+gzip') => ({
  schemaVersion: 2,
  ...(mediaType ? { mediaType } : {}),
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 10 },
  layers: [{ mediaType: layerType, digest: d('1'), size: 5 }],
});
const entry = (digit: string, os: string, architecture: string, variant?: string): IndexEntry => ({
  mediaType: ManifestMedia.ociManifest,
  digest: d(digit),
  size: 100,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

describe('parseManifest', () => {
  it('tells images from lists by header, own mediaType, or shape', () => {
    expect(parseManifest(enc(image(ManifestMedia.ociManifest)), ManifestMedia.ociManifest).kind).toBe('image');
    expect(parseManifest(enc(image()), 'application/json').mediaType).toBe(ManifestMedia.ociManifest);
    const docker = { ...image(ManifestMedia.dockerManifest), config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: d('c'), size: 1 } };
    expect(parseManifest(enc(docker), `${ManifestMedia.dockerManifest}; charset=utf-8`).mediaType).toBe(ManifestMedia.dockerManifest);
    const list = { schemaVersion: 2, mediaType: ManifestMedia.dockerList, manifests: [entry('a', 'linux', 'amd64')] };
    const p = parseManifest(enc(list), undefined);
    expect(p.kind).toBe('index');
    expect(p.mediaType).toBe(ManifestMedia.dockerList);
  });

  it('refuses schema 1, encrypted layers, odd configs and malformed documents', () => {
    expect(() => parseManifest(enc({ schemaVersion: 1 }), ManifestMedia.dockerV1Signed)).toThrow(/schema 1/);
    expect(() => parseManifest(enc({ schemaVersion: 1, fsLayers: [] }), 'application/json')).toThrow(/schema 1/);
    expect(() => parseManifest(enc(image(undefined, 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted')), undefined)).toThrow(/encrypted/);
    expect(() => parseManifest(enc({ ...image(), config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: d('c'), size: 1 } }), undefined)).toThrow(/config media type/);
    expect(() => parseManifest(Buffer.from('not json'), undefined)).toThrow(/not valid JSON/);
    expect(() => parseManifest(enc({ ...image(), layers: [{ digest: 'sha256:short', size: 1, mediaType: 'x' }] }), undefined)).toThrow(/malformed/);
    expect(() => parseManifest(enc(image(ManifestMedia.ociIndex)), ManifestMedia.ociManifest)).toThrow(/says it is/);
  });
});

describe('platform choice', () => {
  const list = [entry('a', 'linux', 'amd64'), entry('b', 'linux', 'arm64', 'v8'), entry('c', 'linux', 'arm', 'v6'), entry('d', 'linux', 'arm', 'v7'), entry('e', 'unknown', 'unknown')];

  it('picks os/arch/variant', () => {
    expect(selectFromIndex(list, { os: 'linux', architecture: 'amd64' }).digest).toBe(d('a'));
    expect(selectFromIndex(list, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest).toBe(d('d'));
    expect(selectFromIndex(list, { os: 'linux', architecture: 'arm64' }).digest).toBe(d('b'));
    expect(selectFromIndex([entry('f', 'linux', 'arm64')], { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest).toBe(d('f'));
  });

  it("says what it looked for when nothing fits", () => {
    expect(() => selectFromIndex(list, { os: 'linux', architecture: 's390x' })).toThrow('no image found in manifest list for architecture "s390x", variant "", OS "linux"');
    expect(() => selectFromIndex(list, { os: 'linux', architecture: 'arm', variant: 'v5' })).toThrow(/variant "v5"/);
  });

  it('reads --platform, --os, --arch, --variant over the host', () => {
    const host = { os: 'linux', architecture: 'amd64' };
    expect(wantedPlatform({}, host)).toEqual({ os: 'linux', architecture: 'amd64', variant: undefined });
    expect(wantedPlatform({ platform: 'linux/arm/v7' }, host)).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(wantedPlatform({ arch: 'arm64' }, host)).toEqual({ os: 'linux', architecture: 'arm64', variant: undefined });
    expect(wantedPlatform({ arch: 'arm', variant: 'v6', os: 'linux' }, host)).toEqual({ os: 'linux', architecture: 'arm', variant: 'v6' });
    expect(() => wantedPlatform({ platform: 'linux' }, host)).toThrow(/OS\/ARCH/);
    expect(() => wantedPlatform({ platform: 'linux/amd64', arch: 'arm64' }, host)).toThrow(/can not be specified/);
  });
});
