import { describe, expect, it } from 'vitest';
import { buildCommitConfig, commitContainerConfig, setEnv } from '../../../src/container-fs/commit-config.js';
import { isOverlayXattr, layerEntriesOf, whiteoutFor } from '../../../src/container-fs/layer-entries.js';
import type { FsEntry } from '../../../src/container-fs/records.js';
import type { ImageConfig } from '../../../src/image/oci.js';
import type { ContainerConfig as RecordConfig } from '../../../src/storage/containers.js';

const T = { sec: 1000, nsec: 0 };
const e = (o: Partial<FsEntry> & Pick<FsEntry, 'type' | 'path'>): FsEntry => ({ mode: 0o755, uid: 0, gid: 0, size: 0, mtime: T, xattrs: [], ...o });

describe('upper dir → OCI layer entries', () => {
  it('a whiteout device becomes an empty .wh.NAME file beside it', () => {
    const out = layerEntriesOf(e({ type: 'char', path: 'etc/motd', devmajor: 0, devminor: 0, uid: 7 }));
    expect(out).toHaveLength(1);
    expect(out[0]!.name).toBe('etc/.wh.motd');
    expect(out[0]!.entry).toMatchObject({ type: 'file', size: 0, mode: 0o600, uid: 7 });
    expect(layerEntriesOf(e({ type: 'char', path: 'top', devmajor: 0, devminor: 0 }))[0]!.name).toBe('.wh.top');
  });

  it('an opaque dir keeps its entry without overlay xattrs and gains .wh..wh..opq', () => {
    const dir = e({
      type: 'dir',
      path: 'dir1',
      mode: 0o750,
      xattrs: [
        { name: 'user.overlay.opaque', value: Buffer.from('y') },
        { name: 'user.keep', value: Buffer.from('v') },
      ],
    });
    const out = layerEntriesOf(dir);
    expect(out.map((o) => o.name)).toEqual(['dir1', 'dir1/.wh..wh..opq']);
    expect(out[0]!.entry.xattrs.map((x) => x.name)).toEqual(['user.keep']);
    expect(out[1]!.entry).toMatchObject({ type: 'file', size: 0, mode: 0o750 });
  });

  it('files carry their data; the upper root and fuse-overlayfs markers are no entries; a real device stays one', () => {
    expect(layerEntriesOf(e({ type: 'file', path: 'a', size: 3 }))).toEqual([expect.objectContaining({ name: 'a', withData: true })]);
    expect(layerEntriesOf(e({ type: 'dir', path: '' }))).toEqual([]);
    expect(layerEntriesOf(e({ type: 'file', path: 'd/.wh..wh..opq' }))).toEqual([]);
    expect(layerEntriesOf(e({ type: 'char', path: 'dev/null', devmajor: 1, devminor: 3 }))[0]!.name).toBe('dev/null');
    expect(whiteoutFor('a/b', T).name).toBe('a/.wh.b');
    expect(isOverlayXattr('trusted.overlay.origin')).toBe(true);
    expect(isOverlayXattr('security.capability')).toBe(false);
  });
});

const recordConfig: RecordConfig = {
  command: ['sh'],
  entrypoint: [],
  cmd: ['sh'],
  env: ['PATH=/usr/bin:/bin', 'TERM=xterm', 'HOME=/root', 'HOSTNAME=abc', 'container=podman', 'A=from-run'],
  workingDir: '/w',
  user: '',
  uid: 0,
  gid: 0,
  hostname: 'abc',
  network: 'host',
  labels: { l1: 'v1' },
  ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
};

describe('commit config (podman: image config, then the container, then --change)', () => {
  it('takes the container\'s command, env (without the run-time HOME/HOSTNAME), ports, labels, workdir', () => {
    const c = commitContainerConfig({ Env: ['A=image', 'B=b'], Entrypoint: ['/e'], Volumes: { '/v': {} }, Labels: { img: 'x' } }, recordConfig, []);
    expect(c.Entrypoint).toBeUndefined();
    expect(c.Cmd).toEqual(['sh']);
    expect(c.Env).toEqual(['A=from-run', 'B=b', 'PATH=/usr/bin:/bin', 'TERM=xterm', 'container=podman']);
    expect(c.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(c.Labels).toEqual({ img: 'x', l1: 'v1' });
    expect(c.Volumes).toEqual({ '/v': {} });
    expect(c.WorkingDir).toBe('/w');
  });

  it('applies changes: ENV replaces by name, CMD/ENTRYPOINT replace, EXPOSE/LABEL/VOLUME add', () => {
    const c = commitContainerConfig({}, recordConfig, ['ENV A=changed', 'CMD ["x"]', 'ENTRYPOINT /bin/e', 'EXPOSE 53/udp', 'LABEL l2=v2', 'VOLUME /data', 'USER nobody', 'WORKDIR /other', 'STOPSIGNAL TERM']);
    expect(c.Env).toContain('A=changed');
    expect(c.Env).not.toContain('A=from-run');
    expect(c.Cmd).toEqual(['x']);
    expect(c.Entrypoint).toEqual(['/bin/sh', '-c', '/bin/e']);
    expect(c.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(c.Labels).toEqual({ l1: 'v1', l2: 'v2' });
    expect(c.Volumes).toEqual({ '/data': {} });
    expect(c.User).toBe('nobody');
    expect(c.WorkingDir).toBe('/other');
    expect(c.StopSignal).toBe('15');
    expect(() => commitContainerConfig({}, recordConfig, ['BOGUS x'])).toThrow(/invalid change/);
    expect(setEnv(['A=1', 'B=2'], 'A=3')).toEqual(['A=3', 'B=2']);
  });

  it('volumes: the user\'s anonymous ones, or every volume and bind mount with --include-volumes', () => {
    const mounts: RecordConfig['mounts'] = [
      { type: 'volume', name: 'anon', anonymous: true, source: '/s', destination: '/anon', options: [] },
      { type: 'volume', name: 'named', source: '/s', destination: '/named', options: [] },
      { type: 'bind', source: '/h', destination: '/bind', options: [] },
      { type: 'tmpfs', destination: '/tmp', options: [] },
    ];
    expect(commitContainerConfig({}, { ...recordConfig, mounts }, []).Volumes).toEqual({ '/anon': {} });
    expect(commitContainerConfig({}, { ...recordConfig, mounts }, [], true).Volumes).toEqual({ '/anon': {}, '/named': {}, '/bind': {} });
  });

  it('adds the layer, a history entry (podman\'s created_by and FROM comment) and -a; -m only in Docker format', () => {
    const base: ImageConfig = {
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: ['sha256:aa'] },
      history: [{ created_by: 'import', comment: 'imported from tarball' }],
    };
    const input = { base, container: { config: recordConfig }, diffId: 'sha256:bb', fromName: 'localhost/bb:latest', changes: [], author: 'Me', message: 'msg', created: new Date('2024-01-01T00:00:00Z') };
    const oci = buildCommitConfig(input, 'oci');
    expect(oci.rootfs.diff_ids).toEqual(['sha256:aa', 'sha256:bb']);
    expect(oci.author).toBe('Me');
    expect(oci.history![1]).toEqual({ created: '2024-01-01T00:00:00.000Z', created_by: '/bin/sh', author: 'Me', comment: 'FROM localhost/bb:latest' });
    expect(oci.comment).toBeUndefined();
    expect(buildCommitConfig(input, 'docker').comment).toBe('msg');
  });
});

describe('layer entries of one walk', () => {
  it('whiteouts sharing one inode (reported as hard links to the first) are each a whiteout; other hard links stay links', async () => {
    const { layerEntryMapper } = await import('../../../src/container-fs/layer-entries.js');
    const map = layerEntryMapper();
    expect(map(e({ type: 'char', path: 'etc/motd', devmajor: 0, devminor: 0 })).map((x) => x.name)).toEqual(['etc/.wh.motd']);
    expect(map(e({ type: 'hardlink', path: 'etc/passwd', linkname: 'etc/motd' })).map((x) => [x.name, x.entry.type])).toEqual([['etc/.wh.passwd', 'file']]);
    map(e({ type: 'file', path: 'a', size: 1 }));
    expect(map(e({ type: 'hardlink', path: 'b', linkname: 'a' })).map((x) => [x.name, x.entry.type])).toEqual([['b', 'hardlink']]);
  });
});
