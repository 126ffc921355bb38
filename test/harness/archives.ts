// Image archives built without any tool, for load tests: the tar entries of
// a docker-archive (manifest.json + `<diffid>.tar` layers + `<id>.json`
// config, as podman 4 writes it) and of an oci-archive (an OCI layout),
// from an OciImage of images.ts. Pure: tests can drop, damage or add
// entries before writing the tar.

import { MEDIA, REF_NAME, type OciImage, type TarEntry } from './images.js';
import { gunzipSync } from 'node:zlib';

const hex = (digest: string) => digest.slice('sha256:'.length);

/** Entries of an oci-archive holding `images` (each under its ref name, if any). */
export function ociArchiveEntries(images: ReadonlyArray<{ image: OciImage; name?: string }>): TarEntry[] {
  const blobs = new Map<string, Buffer>();
  for (const { image } of images) for (const [d, b] of image.blobs) blobs.set(d, b);
  const index = {
    schemaVersion: 2,
    manifests: images.map(({ image, name }) => ({
      mediaType: MEDIA.manifest,
      digest: image.manifestDigest,
      size: image.manifest.length,
      ...(name !== undefined ? { annotations: { [REF_NAME]: name } } : {}),
    })),
  };
  return [
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...[...blobs].map(([d, b]): TarEntry => ({ name: `blobs/sha256/${hex(d)}`, content: b })),
    { name: 'index.json', content: JSON.stringify(index) },
    { name: 'oci-layout', content: '{"imageLayoutVersion": "1.0.0"}' },
  ];
}

/** Entries of a docker-archive holding `images` with their RepoTags (layers stored uncompressed). */
export function dockerArchiveEntries(images: ReadonlyArray<{ image: OciImage; repoTags?: string[] }>): TarEntry[] {
  const entries: TarEntry[] = [];
  const seen = new Set<string>();
  const manifest = images.map(({ image, repoTags }) => {
    const layers = image.layers.map((l) => {
      const name = `${hex(l.diffId)}.tar`;
      if (!seen.has(name)) {
        const blob = image.blobs.get(l.digest)!;
        entries.push({ name, content: l.mediaType === MEDIA.layerGzip ? gunzipSync(blob) : blob });
        seen.add(name);
      }
      return name;
    });
    const config = `${hex(image.configDigest)}.json`;
    if (!seen.has(config)) entries.push({ name: config, content: image.config });
    seen.add(config);
    return { Config: config, RepoTags: repoTags ?? [], Layers: layers };
  });
  entries.push({ name: 'manifest.json', content: JSON.stringify(manifest) });
  return entries;
}
