import { describe, expect, it } from 'vitest';
import {
  baseName,
  cleanArchiveName,
  containerPathAbs,
  destinationName,
  dirName,
  endsWithDot,
  mountFor,
  parseCpArgs,
  parseCpEnd,
  preserveBasePath,
} from '../../../src/container-fs/cp-paths.js';

describe('cp arguments (podman parseUserInput)', () => {
  it('CONTAINER:PATH, unless the argument starts with . or /', () => {
    expect(parseCpEnd('c1:/etc')).toEqual({ container: 'c1', path: '/etc' });
    expect(parseCpEnd('c1:etc/x:y')).toEqual({ container: 'c1', path: 'etc/x:y' });
    expect(parseCpEnd('./file:name.txt')).toEqual({ path: './file:name.txt' });
    expect(parseCpEnd('/abs:x')).toEqual({ path: '/abs:x' });
    expect(parseCpEnd('-')).toEqual({ path: '-' });
    expect(parseCpEnd('plain')).toEqual({ path: 'plain' });
  });

  it('at least one container (two: copied between them), and both paths', () => {
    expect(parseCpArgs('c1:/a', '/tmp/b')).toEqual({ src: { container: 'c1', path: '/a' }, dest: { path: '/tmp/b' } });
    expect(() => parseCpArgs('/a', '/b')).toThrow('name or ID cannot be empty');
    expect(() => parseCpArgs('c1:', '/tmp/b')).toThrow('invalid arguments "c1:", "/tmp/b": you must specify paths');
    expect(() => parseCpArgs(':/x', '/tmp/b')).toThrow('name or ID cannot be empty');
    expect(parseCpArgs('a:/x', 'b:/y')).toEqual({ src: { container: 'a', path: '/x' }, dest: { container: 'b', path: '/y' } });
  });
});

describe('container paths', () => {
  it('relative to the working directory, / meaning its contents, trailing / and /. kept', () => {
    expect(containerPathAbs('/etc', '/w')).toBe('/etc');
    expect(containerPathAbs('etc', '/')).toBe('/etc');
    expect(containerPathAbs('x/y', '/work')).toBe('/work/x/y');
    expect(containerPathAbs('x/.', '/work')).toBe('/work/x/.');
    expect(containerPathAbs('x/', '/work')).toBe('/work/x/');
    expect(containerPathAbs('.', '/')).toBe('/.');
    expect(containerPathAbs('/', '/w')).toBe('/.');
  });

  it('preserveBasePath and Go-like Base/Dir', () => {
    expect(preserveBasePath('/pwlink', '/etc/passwd')).toBe('/etc/passwd');
    expect(preserveBasePath('/etc/.', '/etc')).toBe('/etc/.');
    expect(preserveBasePath('/etc/', '/etc')).toBe('/etc/');
    expect(preserveBasePath('/.', '/')).toBe('/');
    expect(endsWithDot('/etc/.')).toBe(true);
    expect(endsWithDot('/etc.')).toBe(false);
    expect(baseName('/etc/passwd')).toBe('passwd');
    expect(baseName('/etc/')).toBe('etc');
    expect(baseName('/')).toBe('/');
    expect(dirName('/etc/.')).toBe('/etc');
    expect(dirName('/etc/passwd')).toBe('/etc');
    expect(dirName('/etc')).toBe('/');
    expect(dirName('rel')).toBe('.');
  });

  it('names entries: the top kept, renamed, or only its contents', () => {
    expect(destinationName('', { topName: 'etc', keepTop: true })).toBe('etc');
    expect(destinationName('passwd', { topName: 'etc', keepTop: true })).toBe('etc/passwd');
    expect(destinationName('passwd', { topName: 'etc', keepTop: true, rename: 'out' })).toBe('out/passwd');
    expect(destinationName('', { topName: 'etc', keepTop: false })).toBeUndefined();
    expect(destinationName('a/b', { topName: 'etc', keepTop: false })).toBe('a/b');
  });

  it('cleans archive names as a chroot would: .. stops at the destination', () => {
    expect(cleanArchiveName('./a//b/')).toBe('a/b');
    expect(cleanArchiveName('../escape')).toBe('escape');
    expect(cleanArchiveName('/abs/../../x')).toBe('x');
    expect(cleanArchiveName('./')).toBe('');
  });
});

describe('volumes and bind mounts (podman resolvePath)', () => {
  const mounts = [
    { type: 'volume', source: '/vols/v/_data', destination: '/data' },
    { type: 'bind', source: '/host/dir', destination: '/data/inner/' },
    { type: 'tmpfs', destination: '/tmp' },
  ];
  it('the deepest mount a path falls in, and the path inside it', () => {
    expect(mountFor(mounts, '/data/x')).toEqual({ mount: expect.objectContaining({ source: '/vols/v/_data' }), rest: '/x' });
    expect(mountFor(mounts, '/data/inner/y/.')).toEqual({ mount: expect.objectContaining({ source: '/host/dir' }), rest: '/y/.' });
    expect(mountFor(mounts, '/data')?.rest).toBe('/');
    expect(mountFor(mounts, '/data/.')?.rest).toBe('/.');
    expect(mountFor(mounts, '/data/x/')?.rest).toBe('/x/');
    expect(mountFor(mounts, '/database')).toBeUndefined();
    expect(mountFor(mounts, '/tmp/x')).toBeUndefined(); // tmpfs: nothing on the host to reach
  });
});
