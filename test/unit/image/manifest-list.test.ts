import { describe, expect, it } from 'vitest';
import { annotateInstance, inspectText, ListMedia, parseAnnotations, parseInstanceDigest, pushMediaType, serializeList, withInstance, withoutInstance } from '../../../src/image/manifest-list.js';
import type { StoredListInstance } from '../../../src/storage/images.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const entry = (c: string, mediaType: string = ListMedia.ociManifest): StoredListInstance => ({
  mediaType,
  size: 400,
  digest: d(c),
  platform: { architecture: 'amd64', os: 'linux' },
  source: `containers-storage:${c.repeat(64)}`,
});

describe('manifest list model', () => {
  it('inspects as podman: Docker form, null manifests when empty, annotations kept, four-space indent', () => {
    expect(inspectText([])).toBe('{\n    "schemaVersion": 2,\n    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",\n    "manifests": null\n}');
    const a = annotateInstance([entry('a')], d('a'), { annotations: ['k=v'], arch: 'arm64', variant: 'v8', osVersion: '1.0', features: ['f1'], osFeatures: ['x'] });
    const doc = JSON.parse(inspectText(a)) as { manifests: Array<Record<string, unknown>> };
    expect(Object.keys(doc.manifests[0]!)).toEqual(['mediaType', 'size', 'digest', 'platform', 'annotations']);
    expect(doc.manifests[0]!.platform).toEqual({ architecture: 'arm64', os: 'linux', 'os.version': '1.0', 'os.features': ['x'], variant: 'v8', features: ['f1'] });
    expect(doc.manifests[0]!.annotations).toEqual({ k: 'v' });
  });

  it('serialises both forms: OCI keeps annotations and drops features, Docker drops annotations', () => {
    const a = annotateInstance([entry('a')], d('a'), { annotations: ['k=v'], features: ['f1'] });
    const oci = JSON.parse(serializeList(a, ListMedia.ociIndex).toString()) as { mediaType: string; manifests: Array<Record<string, unknown>> };
    expect(oci.mediaType).toBe(ListMedia.ociIndex);
    expect(Object.keys(oci.manifests[0]!)).toEqual(['mediaType', 'digest', 'size', 'platform', 'annotations']);
    expect(oci.manifests[0]!.platform).toEqual({ architecture: 'amd64', os: 'linux' });
    const docker = JSON.parse(serializeList(a, ListMedia.dockerList).toString()) as { manifests: Array<Record<string, unknown>> };
    expect(docker.manifests[0]!.annotations).toBeUndefined();
    expect(docker.manifests[0]!.platform).toEqual({ architecture: 'amd64', os: 'linux', features: ['f1'] });
  });

  it('one entry per digest, replaced in place; remove and annotate need a known digest', () => {
    const two = withInstance([entry('a')], entry('b'));
    const replaced = withInstance(two, { ...entry('a'), size: 1 });
    expect(replaced.map((i) => [i.digest, i.size])).toEqual([
      [d('a'), 1],
      [d('b'), 400],
    ]);
    expect(withoutInstance(two, d('a')).map((i) => i.digest)).toEqual([d('b')]);
    expect(() => withoutInstance(two, d('c'))).toThrow(`no instance matching digest "${d('c')}" found in manifest list`);
    expect(() => annotateInstance(two, d('c'), {})).toThrow('no instance matching digest');
  });

  it("checks digests and annotations with podman's words", () => {
    expect(parseInstanceDigest(d('a'))).toBe(d('a'));
    expect(() => parseInstanceDigest('localhost/bb:1')).toThrow('invalid image digest "localhost/bb:1": invalid checksum digest format');
    expect(() => parseInstanceDigest('bb:1')).toThrow('unsupported digest algorithm');
    expect(() => parseInstanceDigest('sha256:abc')).toThrow('invalid checksum digest length');
    expect(parseAnnotations(['a=b=c', 'e='])).toEqual({ a: 'b=c', e: '' });
    expect(() => parseAnnotations(['k'])).toThrow('no value given for annotation "k"');
  });

  it('pushes an OCI index when every entry is OCI, else a Docker list; --format never converts entries', () => {
    expect(pushMediaType([entry('a')], undefined)).toBe(ListMedia.ociIndex);
    expect(pushMediaType([entry('a'), entry('b', ListMedia.dockerManifest)], undefined)).toBe(ListMedia.dockerList);
    expect(pushMediaType([], undefined)).toBe(ListMedia.dockerList);
    expect(pushMediaType([entry('a')], 'oci')).toBe(ListMedia.ociIndex);
    expect(() => pushMediaType([entry('a')], 'v2s2')).toThrow('does not convert image manifests');
    expect(() => pushMediaType([entry('a')], 'tar')).toThrow(`unknown format "tar"`);
  });
});
