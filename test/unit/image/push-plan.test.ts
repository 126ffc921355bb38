import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPushManifest, layerAction, parseCompressionFormat, parseManifestFormat, type SentLayer } from '../../../src/image/convert/push-plan.js';
import type { ImageManifest } from '../../../src/image/oci.js';

const sha = (s: string) => `sha256:${crypto.createHash('sha256').update(s).digest('hex')}`;
const CONFIG = sha('config');
const TAR = sha('tar');
const GZ = sha('gz');

const ociStored: ImageManifest = {
  schemaVersion: 2,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: CONFIG, size: 409 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: TAR, size: 1000 }],
};
const ociBytes = Buffer.from(JSON.stringify(ociStored));
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const V2S2 = 'application/vnd.docker.distribution.manifest.v2+json';

describe('push plan', () => {
  it('--format: oci, v2s2 and docker (podman takes both); v2s1 refused; anything else in podman words', () => {
    expect(parseManifestFormat(undefined)).toBeUndefined();
    expect(parseManifestFormat('oci')).toBe('oci');
    expect(parseManifestFormat('v2s2')).toBe('v2s2');
    expect(parseManifestFormat('docker')).toBe('v2s2');
    expect(() => parseManifestFormat('v2s1')).toThrow(/schema 1/);
    expect(() => parseManifestFormat('bogus')).toThrow(`unknown format "bogus". Choose on of the supported formats: 'oci', 'v2s1', or 'v2s2'`);
  });

  it('--compression-format: gzip and zstd; zstd:chunked refused; unknown as podman', () => {
    expect(parseCompressionFormat('gzip')).toBe('gzip');
    expect(parseCompressionFormat('zstd')).toBe('zstd');
    expect(() => parseCompressionFormat('zstd:chunked')).toThrow(/zstd:chunked/);
    expect(() => parseCompressionFormat('lz4')).toThrow('cannot find compressor for "lz4"');
  });

  it('layer actions follow containers/image: compress plain layers, re-compress to another algorithm only when asked, decompress for docker-archive', () => {
    expect(layerAction('none', 'compress', undefined)).toEqual({ kind: 'encode', to: 'gzip' });
    expect(layerAction('none', 'compress', 'zstd')).toEqual({ kind: 'encode', to: 'zstd' });
    expect(layerAction('gzip', 'compress', undefined)).toEqual({ kind: 'copy' });
    expect(layerAction('gzip', 'compress', 'gzip')).toEqual({ kind: 'copy' });
    expect(layerAction('gzip', 'compress', 'zstd')).toEqual({ kind: 'encode', to: 'zstd' });
    expect(layerAction('zstd', 'decompress', undefined)).toEqual({ kind: 'encode', to: 'none' });
    expect(layerAction('none', 'preserve', 'zstd')).toEqual({ kind: 'copy' });
  });

  const same: SentLayer[] = [{ original: ociStored.layers[0]!, digest: TAR, size: 1000, compression: 'none' }];
  const gzipped: SentLayer[] = [{ original: ociStored.layers[0]!, digest: GZ, size: 500, compression: 'gzip' }];

  it('nothing changes: the stored bytes go out as they are', () => {
    const m = buildPushManifest({ manifest: ociStored, bytes: ociBytes, mediaType: OCI }, undefined, same);
    expect(m.bytes).toBe(ociBytes);
    expect(buildPushManifest({ manifest: ociStored, bytes: ociBytes, mediaType: OCI }, 'oci', same).bytes).toBe(ociBytes);
  });

  it('a compressed layer: the OCI manifest is rewritten in containers/image key order, keeping its own mediaType field (absent here)', () => {
    const m = buildPushManifest({ manifest: ociStored, bytes: ociBytes, mediaType: OCI }, undefined, gzipped);
    expect(m.mediaType).toBe(OCI);
    expect(m.bytes.toString()).toBe(
      `{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${CONFIG}","size":409},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"${GZ}","size":500}]}`,
    );
  });

  it('--format v2s2 converts media types and key order as podman pushes it (config unchanged)', () => {
    const m = buildPushManifest({ manifest: ociStored, bytes: ociBytes, mediaType: OCI }, 'v2s2', gzipped);
    expect(m.mediaType).toBe(V2S2);
    expect(m.bytes.toString()).toBe(
      `{"schemaVersion":2,"mediaType":"${V2S2}","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":409,"digest":"${CONFIG}"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":500,"digest":"${GZ}"}]}`,
    );
  });

  it('--format oci of a Docker image names the OCI manifest type, as containers/image converts it', () => {
    const docker: ImageManifest = {
      schemaVersion: 2,
      mediaType: V2S2,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: CONFIG, size: 409 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: GZ, size: 500 }],
    };
    const m = buildPushManifest({ manifest: docker, bytes: Buffer.from(JSON.stringify(docker)), mediaType: V2S2 }, 'oci', [
      { original: docker.layers[0]!, digest: GZ, size: 500, compression: 'gzip' },
    ]);
    expect(m.bytes.toString()).toBe(
      `{"schemaVersion":2,"mediaType":"${OCI}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${CONFIG}","size":409},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"${GZ}","size":500}]}`,
    );
  });

  it('zstd layers cannot be described by a Docker manifest: podman error', () => {
    const z: SentLayer[] = [{ original: ociStored.layers[0]!, digest: GZ, size: 500, compression: 'zstd' }];
    expect(() => buildPushManifest({ manifest: ociStored, bytes: ociBytes, mediaType: OCI }, 'v2s2', z)).toThrow(
      `preparing updated manifest, layer "${TAR}": zstd compression is not supported for type "application/vnd.docker.image.rootfs.diff.tar"`,
    );
  });
});
