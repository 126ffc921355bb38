import { describe, expect, it } from 'vitest';
import { directoryImageName } from '../../../src/image/acquire/fetch-source.js';
import { parseImageSource } from '../../../src/image/acquire/transport.js';

describe('image transports', () => {
  it('a plain name, with or without a registry port, has no transport', () => {
    for (const n of ['bb', 'bb:1', 'localhost:5000/app:1', '127.0.0.1:5000/a/b@sha256:' + 'a'.repeat(64)]) expect(parseImageSource(n)).toBeUndefined();
  });
  it('docker://, the archives with PATH[:REF] (split at the first colon), oci:, dir:', () => {
    expect(parseImageSource('docker://quay.io/x/y:1')).toEqual({ transport: 'docker', ref: 'quay.io/x/y:1' });
    expect(parseImageSource('docker-archive:/a/b.tar')).toEqual({ transport: 'docker-archive', path: '/a/b.tar', ref: undefined });
    expect(parseImageSource('docker-archive:/a/b.tar:app:1')).toEqual({ transport: 'docker-archive', path: '/a/b.tar', ref: 'app:1' });
    expect(parseImageSource('docker-archive:b.tar:@2')).toEqual({ transport: 'docker-archive', path: 'b.tar', index: 2 });
    expect(parseImageSource('oci-archive:o.tar:v1')).toEqual({ transport: 'oci-archive', path: 'o.tar', ref: 'v1' });
    expect(parseImageSource('oci:dir')).toEqual({ transport: 'oci', path: 'dir', ref: undefined });
    expect(parseImageSource('dir:/x/y')).toEqual({ transport: 'dir', path: '/x/y' });
  });
  it('refuses what it cannot read, with a reason', () => {
    expect(() => parseImageSource('containers-storage:bb')).toThrow(/unsupported transport "containers-storage"/);
    expect(() => parseImageSource('docker-daemon:bb:1')).toThrow(/no Docker daemon/);
    expect(() => parseImageSource('docker:bb')).toThrow(/docker:\/\/NAME/);
    expect(() => parseImageSource('docker://')).toThrow(/no name/);
    expect(() => parseImageSource('oci-archive:')).toThrow(/no path/);
    expect(() => parseImageSource('dir:/x:ref')).toThrow(/directory only/);
    expect(() => parseImageSource('docker-archive:a.tar:@x')).toThrow(/image index/);
  });
  it('names an image read from a directory after it, as podman', () => {
    expect(directoryImageName('tx/ocidir')).toBe('localhost/tx/ocidir:latest');
    expect(directoryImageName('/tmp/img/')).toBe('localhost/tmp/img:latest');
    expect(directoryImageName('./Upper')).toBeUndefined();
  });
});
