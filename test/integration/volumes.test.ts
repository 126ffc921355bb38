// Volumes and bind mounts end to end through the built CLI, as the test user
// (rootless) and as root: the `volume` commands (formats, filters, messages
// and exit codes as podman 4.3 prints them), named volumes across runs and
// users, read-only mounts, host directories both ways, host paths that do
// not exist, anonymous volumes and rm -v / --rm, an image's VOLUME seeded
// with the image's content, `:U`, tmpfs mounts, and destinations that are
// symlinks never leading a mount out of the container's root.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociArchiveEntries } from '../harness/archives.js';
import {
  buildBusyboxImage,
  busyboxStore,
  disposeStore,
  isRoot,
  runAs,
  sandboxCli,
  tscRun,
  tscRunOk,
  writeTar,
  type As,
  type Sandbox,
} from '../harness/index.js';

const HEX64 = /^[0-9a-f]{64}$/;
const PODMAN = '/usr/bin/podman';
const hasPodman = isRoot() && fs.existsSync(PODMAN);
if (!hasPodman) console.warn(`volumes.test.ts: the comparison with podman is skipped (${isRoot() ? `no ${PODMAN}` : 'it needs root for a private podman store'})`);

function suite(as: As): void {
  let sb: Sandbox;
  // `ok`: a command that must succeed and print nothing on stderr.
  const { cli, ok } = sandboxCli(() => sb, { quiet: true });
  const volumeNames = async () => (await ok(['volume', 'ls', '-q'])).split('\n').filter(Boolean);
  /** On the host: who owns a path (a file the sandbox owner may not be able to stat as us is fine: we are root or the owner). */
  const ownerOf = (p: string) => fs.lstatSync(p).uid;
  /** Container uid 1000 as the host sees it: the sub-id that maps it rootless (it is never the user), 1000 as root. */
  const isContainerUid1000 = (hostUid: number) => (as === 'user' ? hostUid !== sb.owner.uid && hostUid > 65535 : hostUid === 1000);

  beforeAll(async () => {
    sb = await busyboxStore(`volumes-${as}`, as, { rootfs: { extra: [{ name: 'etclink', type: 'symlink', linkname: '/etc' }] } });
    // An image whose config declares VOLUME /data, with content (owned by 1000) there.
    const image = await buildBusyboxImage({
      extraLayers: [
        [
          { name: 'data/', type: 'directory', mode: 0o750, uid: 1000, gid: 1000 },
          { name: 'data/seed', content: 'from the image\n', mode: 0o640, uid: 1000, gid: 1000 },
          { name: 'data/sub/', type: 'directory', mode: 0o755 },
          { name: 'data/sub/link', type: 'symlink', linkname: '../seed' },
          { name: 'cache/', type: 'directory', mode: 0o755 },
          { name: 'cache/in-image', content: 'cached\n' },
        ],
      ],
      config: { Volumes: { '/data': {} } },
    });
    const archive = sb.file('withvol.tar', await writeTar(ociArchiveEntries([{ image, name: 'withvol:1' }])));
    await tscRunOk(['load', '-q', '-i', archive], { sandbox: sb });
  });
  afterAll(() => disposeStore(sb));

  describe('volume commands', () => {
    it('create: a name or a random one, podman\'s refusals, --ignore; stored as volumes/<name>/{_data,volume.json}', async () => {
      expect(await ok(['volume', 'create', 'v1'])).toBe('v1\n');
      const anon = (await ok(['volume', 'create'])).trim();
      expect(anon).toMatch(HEX64);
      const dup = await cli(['volume', 'create', 'v1']);
      expect(dup).toMatchObject({ exitCode: 125, stdout: '', stderr: 'Error: volume with name v1 already exists: volume already exists\n' });
      expect(await ok(['volume', 'create', '--ignore', 'v1'])).toBe('v1\n');
      const bad = await cli(['volume', 'create', 'bad name']);
      expect(bad.exitCode).toBe(125);
      expect(bad.stderr).toBe('Error: running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument\n');
      expect((await cli(['volume', 'create', '--driver', 'foo', 'd1'])).stderr).toBe(
        'Error: volume d1 uses volume plugin foo but it could not be retrieved: no volume plugin with name foo available: required plugin missing\n',
      );
      expect((await cli(['volume', 'create', '--opt', 'foo=bar', 'd2'])).stderr).toBe("Error: invalid mount option foo for driver 'local': invalid argument\n");
      const dir = path.join(sb.root, 'volumes', 'v1');
      expect(fs.readdirSync(dir).sort()).toEqual(['_data', 'volume.json']);
      expect(fs.statSync(path.join(dir, '_data')).isDirectory()).toBe(true);
      expect(ownerOf(path.join(dir, '_data'))).toBe(sb.owner.uid);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'volume.json'), 'utf8'))).toMatchObject({ name: 'v1', driver: 'local' });
      await ok(['volume', 'rm', anon]);
    });

    it('ls: podman\'s table, -q, --format json/template, filters; nothing at all when nothing matches', async () => {
      await ok(['volume', 'create', '--label', 'team=a', '--label', 'solo', 'lab1']);
      const table = await ok(['volume', 'ls']);
      expect(table.split('\n')[0]).toBe('DRIVER      VOLUME NAME');
      expect(table).toContain('local       lab1\n');
      expect(await ok(['volume', 'ls', '-q', '--filter', 'label=team=a'])).toBe('lab1\n');
      expect(await ok(['volume', 'ls', '-q', '--filter', 'name=^lab'])).toBe('lab1\n');
      expect(await ok(['volume', 'ls', '--filter', 'name=nomatch'])).toBe('');
      expect(await ok(['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Labels}} {{.Scope}} {{.Anonymous}}', '--filter', 'label=solo'])).toBe(
        'lab1 local map[solo: team:a] local false\n',
      );
      const json = JSON.parse(await ok(['volume', 'ls', '--format', 'json', '--filter', 'name=lab1'])) as Array<Record<string, unknown>>;
      expect(json).toHaveLength(1);
      expect(Object.keys(json[0]!)).toEqual(['Name', 'Driver', 'Mountpoint', 'CreatedAt', 'Labels', 'Scope', 'Options', 'MountCount', 'NeedsCopyUp', 'NeedsChown']);
      expect(json[0]).toMatchObject({ Name: 'lab1', Mountpoint: path.join(sb.root, 'volumes', 'lab1', '_data'), Labels: { solo: '', team: 'a' } });
      expect(await cli(['volume', 'ls', '--filter', 'foo=bar'])).toMatchObject({ exitCode: 125, stderr: 'Error: "foo" is an invalid volume filter\n' });
      expect((await cli(['volume', 'ls', '--filter', 'dangling=maybe'])).stderr).toBe(
        'Error: "maybe" is not a valid value for the "dangling" filter - must be true or false\n',
      );
    });

    it('inspect: podman\'s keys and indent, templates, what it found before the error for what it did not', async () => {
      await ok(['volume', 'create', '--opt', 'o=uid=1000', 'owned']);
      const [v] = JSON.parse(await ok(['volume', 'inspect', 'owned'])) as Array<Record<string, unknown>>;
      expect(Object.keys(v!)).toEqual(['Name', 'Driver', 'Mountpoint', 'CreatedAt', 'Labels', 'Scope', 'Options', 'UID', 'MountCount', 'NeedsCopyUp']);
      expect(v).toMatchObject({ Name: 'owned', Driver: 'local', Scope: 'local', Options: { UID: '1000', o: 'uid=1000' }, UID: 1000, MountCount: 0 });
      expect(String(v!.CreatedAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      // o=uid= gives the data its owner at once: uid 1000 of the user namespace (a sub-id rootless).
      expect(isContainerUid1000(ownerOf(path.join(sb.root, 'volumes', 'owned', '_data')))).toBe(true);
      expect(await ok(['volume', 'inspect', '--format', '{{.Name}} {{.UID}} {{.Mountpoint}}', 'owned'])).toBe(
        `owned 1000 ${path.join(sb.root, 'volumes', 'owned', '_data')}\n`,
      );
      const both = await cli(['volume', 'inspect', '--format', '{{.Name}}', 'owned', 'nope']);
      expect(both).toMatchObject({ exitCode: 125, stdout: 'owned\n', stderr: 'Error: inspecting object: no such volume nope\n' });
      expect((await cli(['volume', 'inspect'])).stderr).toBe('Error: provide one or more volume names or use --all\n');
      // The top-level inspect finds volumes too.
      expect(await ok(['inspect', '--format', '{{.Name}} {{.Driver}} {{.Scope}}', 'owned'])).toBe('owned local local\n');
      expect(await cli(['inspect', '--type', 'volume', '--format', '{{.Name}}', 'owned', 'nope'])).toMatchObject({
        exitCode: 125,
        stdout: 'owned\n',
        stderr: 'Error: inspecting object: no such volume nope\n',
      });
      expect((await ok(['volume', 'inspect', '--all'])).startsWith('[\n     {\n          "Name": ')).toBe(true);
    });

    it('exists, rm (in use: exit 2; -f removes the container), rm of a missing one (exit 1), prune', async () => {
      expect((await cli(['volume', 'exists', 'v1'])).exitCode).toBe(0);
      expect(await cli(['volume', 'exists', 'nope'])).toMatchObject({ exitCode: 1, stdout: '', stderr: '' });
      const id = (await ok(['create', '-v', 'used:/u', 'bb', 'true'])).trim();
      const inUse = await cli(['volume', 'rm', 'used']);
      expect(inUse).toMatchObject({
        exitCode: 2,
        stdout: '',
        stderr: `Error: volume used is being used by the following container(s): ${id}: volume is being used\n`,
      });
      expect(await cli(['volume', 'rm', 'nope'])).toMatchObject({ exitCode: 1, stderr: 'Error: no volume with name "nope" found: no such volume\n' });
      expect((await cli(['volume', 'rm', '-f', 'nope'])).exitCode).toBe(0);
      expect(await ok(['volume', 'rm', '-f', 'used'])).toBe('used\n');
      expect(await ok(['ps', '-a', '-q', '--filter', `id=${id}`])).toBe('');
      expect(fs.existsSync(path.join(sb.root, 'volumes', 'used'))).toBe(false);

      // prune: only unused volumes, matching the filters; asks first unless -f.
      await ok(['volume', 'create', '--label', 'prune=me', 'p1']);
      await ok(['volume', 'create', 'p2']);
      await ok(['create', '-v', 'p3:/p', 'bb', 'true']);
      const asked = await cli(['volume', 'prune', '--filter', 'label=prune=me'], { input: 'n\n' });
      expect(asked.stdout).toBe(
        'WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:\np1\nAre you sure you want to continue? [y/N] ',
      );
      expect(await volumeNames()).toContain('p1');
      expect(await ok(['volume', 'prune', '-f', '--filter', 'label=prune=me'])).toBe('p1\n');
      const pruned = (await ok(['volume', 'prune', '-f'])).split('\n').filter(Boolean);
      expect(pruned).toContain('p2');
      expect(pruned).not.toContain('p3');
      expect(await volumeNames()).toContain('p3');
    });
  });

  describe('mounts in containers', () => {
    it('a named volume (made on first use) keeps what a non-root user wrote, readable by that user next run', async () => {
      expect(await ok(['run', '--rm', '-u', '1000', '-v', 'home:/d', 'bb', 'sh', '-c', 'echo secret > /d/f && chmod 600 /d/f && stat -c "%u %a" /d /d/f'])).toBe(
        '1000 755\n1000 600\n',
      );
      expect(await ok(['run', '--rm', '-u', '1000', '-v', 'home:/d', 'bb', 'cat', '/d/f'])).toBe('secret\n');
      // Another user of the container may not read it: ownership is real inside the user namespace.
      const other = await cli(['run', '--rm', '-u', '1001', '-v', 'home:/d', 'bb', 'cat', '/d/f']);
      expect(other.exitCode).not.toBe(0);
      expect(other.stderr).toContain('Permission denied');
      const [v] = JSON.parse(await ok(['volume', 'inspect', 'home'])) as Array<Record<string, unknown>>;
      // The image has no /d: nothing was copied up, so NeedsCopyUp stays set (podman 4.3); the chown is done.
      expect(v).toHaveProperty('NeedsCopyUp', true);
      expect(v).not.toHaveProperty('NeedsChown');
    });

    it('a read-only mount refuses writes (-v :ro, --mount readonly)', async () => {
      const r = await cli(['run', '--rm', '-v', 'home:/d:ro', 'bb', 'touch', '/d/new']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('Read-only file system');
      const m = await cli(['run', '--rm', '--mount', `type=bind,src=${sb.dir},dst=/h,readonly`, 'bb', 'sh', '-c', 'touch /h/new; grep " /h " /proc/mounts']);
      expect(m.stdout).toMatch(/ \/h \S+ ro,/);
      expect(fs.existsSync(path.join(sb.dir, 'new'))).toBe(false);
    });

    it('binds a host directory both ways', async () => {
      const host = path.join(sb.dir, 'host');
      sb.file('host/from-host', 'hello from the host\n');
      sb.chown(host);
      expect(await ok(['run', '--rm', '-v', `${host}:/h`, 'bb', 'sh', '-c', 'cat /h/from-host && echo back > /h/from-ctr'])).toBe('hello from the host\n');
      expect(fs.readFileSync(path.join(host, 'from-ctr'), 'utf8')).toBe('back\n');
      // Root in the container is the user: what it writes is the user's own.
      expect(ownerOf(path.join(host, 'from-ctr'))).toBe(sb.owner.uid);
      // A single file, and a relative source from the working directory.
      expect(await ok(['run', '--rm', '-v', './host/from-host:/etc/motd:ro', 'bb', 'cat', '/etc/motd'])).toBe('hello from the host\n');
    });

    it('a host path that does not exist is an error (125), and nothing is created', async () => {
      const before = await ok(['ps', '-a', '-q']);
      const vols = await volumeNames();
      const missing = path.join(sb.dir, 'no-such-dir');
      const r = await cli(['run', '--rm', '-v', `${missing}:/x`, 'bb', 'true']);
      expect(r).toMatchObject({ exitCode: 125, stdout: '', stderr: `Error: statfs ${missing}: no such file or directory\n` });
      expect(fs.existsSync(missing)).toBe(false);
      const m = await cli(['create', '--mount', `type=bind,src=${missing},dst=/x`, 'bb', 'true']);
      expect(m).toMatchObject({ exitCode: 125, stderr: `Error: statfs ${missing}: no such file or directory\n` });
      expect(await ok(['ps', '-a', '-q'])).toBe(before);
      expect(await volumeNames()).toEqual(vols);
      expect((await cli(['run', '--rm', '-v', '/x:rel', 'bb', 'true'])).stderr).toBe('Error: invalid container path "rel", must be an absolute path\n');
      expect((await cli(['run', '--rm', '-v', `${sb.dir}:/x:ro,rw`, 'bb', 'true'])).stderr).toBe(
        `Error: invalid options "ro, rw", can only specify 1 'rw' or 'ro' option\n`,
      );
    });

    it('anonymous volumes: rm -v and --rm remove them, never a named one; plain rm keeps them', async () => {
      const base = new Set(await volumeNames());
      const fresh = async () => (await volumeNames()).filter((n) => !base.has(n));

      const id = (await ok(['create', '-v', '/data', '-v', 'keepme:/k', 'bb', 'true'])).trim();
      const [anon] = (await fresh()).filter((n) => n !== 'keepme');
      expect(anon).toMatch(HEX64);
      const mounts = JSON.parse(await ok(['inspect', '--format', '{{json .Mounts}}', id])) as Array<Record<string, unknown>>;
      expect(mounts.map((m) => [m.Type, m.Name, m.Destination, m.RW, m.Propagation])).toEqual([
        ['volume', anon, '/data', true, 'rprivate'],
        ['volume', 'keepme', '/k', true, 'rprivate'],
      ]);
      expect(await ok(['inspect', '--format', '{{index .HostConfig.Binds 0}}', id])).toBe(`${anon}:/data:rw,rprivate,nosuid,nodev,rbind\n`);
      await ok(['rm', '-v', id]);
      expect(await fresh()).toEqual(['keepme']);

      const kept = (await ok(['create', '-v', '/data', 'bb', 'true'])).trim();
      await ok(['rm', kept]);
      expect(await fresh()).toHaveLength(2);
      await ok(['volume', 'prune', '-f']);

      expect(await ok(['run', '--rm', '-v', '/data', 'bb', 'sh', '-c', 'echo x > /data/x && cat /data/x'])).toBe('x\n');
      const d = (await ok(['run', '-d', '--rm', '-v', '/data2', 'bb', 'true'])).trim();
      await cli(['wait', d]);
      for (let i = 0; i < 50 && (await fresh()).length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await fresh()).toEqual([]);
    });

    it("an image's VOLUME becomes an anonymous volume seeded with the image's content (owner, mode, links) on first use", async () => {
      const id = (await ok(['create', '--name', 'seeded', 'withvol:1', 'sh', '-c', 'stat -c "%u:%g %a" /data /data/seed; readlink /data/sub/link; cat /data/sub/link; echo more >> /data/seed'])).trim();
      const [m] = JSON.parse(await ok(['inspect', '--format', '{{json .Mounts}}', id])) as Array<Record<string, unknown>>;
      expect(m).toMatchObject({ Type: 'volume', Destination: '/data', Options: ['nodev', 'exec', 'nosuid', 'rbind'], RW: true });
      expect(await ok(['start', '-a', 'seeded'])).toBe('1000:1000 750\n1000:1000 640\n../seed\nfrom the image\n');
      // Second run: the volume's content, not the image's again.
      expect(await ok(['start', '-a', 'seeded'])).toBe('1000:1000 750\n1000:1000 640\n../seed\nfrom the image\nmore\n');
      const data = path.join(sb.root, 'volumes', String(m!.Name), '_data');
      // Ownership is the container's: uid 1000 in the user namespace is a sub-id on the host.
      expect(isContainerUid1000(ownerOf(path.join(data, 'seed')))).toBe(true);
      await ok(['rm', '-v', 'seeded']);
      expect(fs.existsSync(data)).toBe(false);
      // A named volume on an image directory is seeded too, only while empty.
      expect(await ok(['run', '--rm', '-v', 'named-seed:/cache', 'withvol:1', 'cat', '/cache/in-image'])).toBe('cached\n');
      expect(await ok(['run', '--rm', '-v', 'named-seed:/cache:nocopy', 'withvol:1', 'ls', '/cache'])).toBe('in-image\n');
      expect(await ok(['run', '--rm', '-v', 'never-seeded:/cache:nocopy', 'withvol:1', 'ls', '/cache'])).toBe('');
    });

    it(':U gives the source to the container user, recursively', async () => {
      sb.file('owned/sub/file', 'x\n');
      const dir = path.join(sb.dir, 'owned');
      sb.chown(dir);
      expect(await ok(['run', '--rm', '-u', '1000:1000', '-v', `${dir}:/o:U`, 'bb', 'sh', '-c', 'stat -c "%u:%g" /o /o/sub /o/sub/file; touch /o/new'])).toBe(
        '1000:1000\n1000:1000\n1000:1000\n',
      );
      for (const p of ['', 'sub', 'sub/file', 'new']) expect(isContainerUid1000(ownerOf(path.join(dir, p))), p).toBe(true);
      expect(await ok(['run', '--rm', '-u', '123:45', '--mount', 'type=volume,src=uvol,dst=/v,U=true', 'bb', 'stat', '-c', '%u:%g', '/v'])).toBe('123:45\n');
    });

    it('--tmpfs and --mount type=tmpfs: options, the image\'s content copied up, shown in inspect', async () => {
      const out = await ok([
        'run', '--rm', '--tmpfs', '/data:size=1m,mode=700', '--mount', 'type=tmpfs,dst=/cache,notmpcopyup,ro', 'withvol:1',
        'sh', '-c', 'grep " /data " /proc/mounts; grep " /cache " /proc/mounts; stat -c %a /data; ls /data; echo --; ls /cache',
      ]);
      const [data, cache, ...rest] = out.split('\n');
      expect(data).toMatch(/ \/data tmpfs rw,nosuid,nodev,.*size=1024k,mode=700/);
      expect(cache).toMatch(/ \/cache tmpfs ro,nosuid,nodev/);
      // /data: the image's content copied up (tmpcopyup, podman's default); /cache: notmpcopyup.
      expect(rest.join('\n')).toBe('700\nseed\nsub\n--\n');
      const id = (await ok(['create', '--tmpfs', '/t:size=1m', 'bb', 'true'])).trim();
      expect(await ok(['inspect', '--format', '{{json .HostConfig.Tmpfs}} {{json .Mounts}}', id])).toBe(
        '{"/t":"size=1m,rw,rprivate,nosuid,nodev,tmpcopyup"} []\n',
      );
      await ok(['rm', id]);
    });

    it('a destination through a symlink (to /etc, or planted as ../../..) is resolved inside the container root', async () => {
      // /etclink -> /etc in the image: the volume lands on the container's /etc/sub.
      expect(await ok(['run', '--rm', '-v', 'sym:/etclink/sub', 'bb', 'sh', '-c', 'echo in > /etc/sub/f; grep -c " /etc/sub " /proc/mounts'])).toBe('1\n');
      expect(fs.existsSync('/etc/sub')).toBe(false);
      expect(await ok(['run', '--rm', '-v', 'sym:/tmp/v', 'bb', 'cat', '/tmp/v/f'])).toBe('in\n');
      // A container plants /a -> ../../../../../../etc beside its mount point /a/b; its next start resolves it in its own root.
      const script = 'if [ -L /a ]; then cat /etc/b/f; else mv /a /a.old && ln -s ../../../../../../../etc /a && echo planted; fi';
      await ok(['create', '--name', 'planter', '-v', 'sym:/a/b', 'bb', 'sh', '-c', script]);
      expect(await ok(['start', '-a', 'planter'])).toBe('planted\n');
      expect(await ok(['start', '-a', 'planter'])).toBe('in\n');
      expect(fs.existsSync('/etc/b')).toBe(false);
      await ok(['rm', 'planter']);
      // A mount point planted as a symlink to the root itself is refused, not mounted over the whole root.
      await ok(['create', '--name', 'rooter', '-v', 'sym:/x/a', 'bb', 'sh', '-c', 'mv /x /x.old && mkdir /x && ln -s ../../.. /x/a']);
      await ok(['start', '-a', 'rooter']);
      const r = await cli(['start', '-a', 'rooter']);
      expect(r).toMatchObject({ exitCode: 125, stdout: '', stderr: "Error: tsc-run-helper: mount on /x/a: it resolves to the container's root directory\n" });
      await ok(['rm', 'rooter']);
    });

    it('system df counts the local volumes', async () => {
      const out = await ok(['system', 'df', '--format', '{{.Type}} {{.Total}}']);
      expect(out).toContain(`Local Volumes ${(await volumeNames()).length}\n`);
    });
  });
}

describe('as the test user', () => suite('user'));
describe.runIf(isRoot())('as root', () => suite('root'));

// The same flags and commands given to podman 4.3 (a private store, as root): the same option lists,
// Mounts, errors and volume views, names and paths aside.
describe.runIf(hasPodman)('beside podman', () => {
  let sb: Sandbox;
  let pd: string;
  let src: string;
  const podman = (args: string[]) =>
    runAs('root', PODMAN, [
      '--root', path.join(pd, 'root'), '--runroot', path.join(pd, 'runroot'), '--tmpdir', path.join(pd, 'tmp'),
      '--storage-driver', 'vfs', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs', ...args,
    ], { timeoutMs: 120_000 });
  const ours = (args: string[]) => tscRun(args, { sandbox: sb });
  /** Both engines' answers with their own store paths and random volume names made equal. */
  const same = (text: string, volumes: string) => text.split(volumes).join('VOLUMES/').replace(/[0-9a-f]{64}/g, 'ID');

  beforeAll(async () => {
    const store = await busyboxStore('volumes-podman', 'root', { rootfs: { applets: ['sh', 'true'] } });
    sb = store;
    // podman wants a short runroot (50 characters at most).
    pd = fs.mkdtempSync('/tmp/pdv-');
    fs.mkdirSync(path.join(pd, 'tmp'), { recursive: true });
    const imp = await podman(['import', '-q', store.image.tar, 'localhost/bb:latest']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    src = path.join(sb.dir, 'src');
    sb.file('src/file', 'x\n');
  });
  afterAll(async () => {
    await disposeStore(sb);
    if (pd) fs.rmSync(pd, { recursive: true, force: true });
  });

  const mountSets: string[][] = [
    ['-v', 'SRC:/x:ro'],
    ['-v', 'SRC:/x:U,z,noexec,nodev'],
    ['-v', 'SRC:/x:shared,bind,nosuid'],
    ['-v', 'SRC/file:/x/f:ro'],
    ['--mount', 'type=bind,src=SRC,dst=/x,bind-propagation=rslave,ro'],
    ['--mount', 'type=bind,src=SRC,dst=/x,bind-nonrecursive,readonly=false'],
    ['-v', 'nv1:/x:ro,nocopy,exec,suid,dev'],
    ['-v', '/anon'],
    ['--mount', 'type=volume,dst=/x,ro=true'],
    ['--mount', 'type=volume,src=nv2,target=/q,U=true'],
    ['--tmpfs', '/t:ro,size=1m,mode=700,noexec'],
    ['--tmpfs', '/t:U'],
    ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=0700,notmpcopyup'],
    ['-v', 'nv3:/a', '-v', 'SRC:/b', '--tmpfs', '/c', '--mount', 'type=volume,dst=/d'],
    ['-v', 'SRC:/x', '-v', 'SRC:/x', '--tmpfs', '/t', '--tmpfs', '/t'],
  ];
  it.each(mountSets)('create %s: the same Binds, Tmpfs and Mounts', async (...flags) => {
    const args = flags.map((f) => f.replace('SRC', src));
    const fmt = '{{json .HostConfig.Binds}} {{json .HostConfig.Tmpfs}} {{json .Mounts}}';
    const show = async (run: (a: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>, volumes: string) => {
      const c = await run(['create', ...args, 'bb', 'true']);
      expect(c.exitCode, c.stderr).toBe(0);
      const id = c.stdout.trim();
      const r = await run(['inspect', '--format', fmt, id]);
      await run(['rm', '-v', id]);
      // podman's order comes from Go map iteration: compare as sets.
      const [binds, tmpfs, mounts] = same(r.stdout, volumes).trim().split(' ').map((j) => JSON.parse(j) as unknown);
      return { binds: (binds as string[]).sort(), tmpfs, mounts: (mounts as Array<{ Destination: string }>).sort((x, y) => x.Destination.localeCompare(y.Destination)) };
    };
    expect(await show(ours, path.join(sb.root, 'volumes/'))).toEqual(await show(podman, path.join(pd, 'root', 'volumes/')));
  });

  const badSets: string[][] = [
    ['-v', '/nope-nope:/x'],
    ['-v', 'rel'],
    ['-v', 'SRC:rel'],
    ['-v', 'SRC:/x:ro,rw'],
    ['-v', 'SRC:/x:foo'],
    ['-v', ':/x'],
    ['-v', 'a:b:c:d'],
    ['-v', 'SRC:/x', '-v', 'SRC:/x:ro'],
    ['--tmpfs', '/x', '--tmpfs', '/x:ro'],
    ['-v', 'vv:/x', '--tmpfs', '/x'],
    ['-v', 'bad$:/x'],
    ['-v', './nope:/x'],
    ['--tmpfs', 'rel'],
    ['--tmpfs', '/t:foo'],
    ['--tmpfs', '/t:size=1m,size=2m'],
    ['--tmpfs', '/t:rbind'],
    ['--mount', 'type=foo,dst=/x'],
    ['--mount', 'dst=/x'],
    ['--mount', 'type=bind,src=/nope-nope,dst=/x'],
    ['--mount', 'type=bind,src=SRC,dst=/x,foo'],
    ['--mount', 'type=bind,src=SRC,dst=/x,ro,rw'],
    ['--mount', 'type=bind,src=SRC,dst=/x,ro=maybe'],
    ['--mount', 'type=bind,src=SRC,dst=/x,bind-propagation=foo'],
    ['--mount', 'type=bind,source,dst=/x'],
    ['--mount', 'type=tmpfs,src=x,dst=/x'],
    ['--mount', 'type=tmpfs,dst=/x,readonly'],
    ['--mount', 'type=volume,src=v,dst=/x,nocopy'],
    ['--mount', 'type=volume,src=v'],
    ['--mount', 'type=volume,src=a/b,dst=/x'],
  ];
  it.each(badSets)('create %s: the same error', async (...flags) => {
    const args = ['create', ...flags.map((f) => f.replace('SRC', src)), 'bb', 'true'];
    const [a, b] = [await ours(args), await podman(args)];
    expect(b.exitCode, b.stderr).not.toBe(0);
    expect({ exitCode: a.exitCode, stderr: a.stderr }).toEqual({ exitCode: b.exitCode, stderr: b.stderr });
  });

  it('volume commands: the same output, keys, messages and exit codes', async () => {
    const both = async (args: string[]) => {
      const [a, b] = [await ours(args), await podman(args)];
      return [
        { exitCode: a.exitCode, stdout: same(a.stdout, path.join(sb.root, 'volumes/')), stderr: same(a.stderr, path.join(sb.root, 'volumes/')) },
        { exitCode: b.exitCode, stdout: same(b.stdout, path.join(pd, 'root', 'volumes/')), stderr: same(b.stderr, path.join(pd, 'root', 'volumes/')) },
      ];
    };
    const created = /\d{4}-\d\d-\d\d[T ][0-9:.]+(Z| \+0000 UTC)/g;
    const check = async (args: string[]) => {
      const [a, b] = await both(args);
      expect({ ...a, stdout: a!.stdout.replace(created, 'TIME') }, args.join(' ')).toEqual({ ...b, stdout: b!.stdout.replace(created, 'TIME') });
    };
    await check(['volume', 'create', '--label', 'a=b', '--label', 'c', '--opt', 'o=uid=1000', 'v1']);
    await check(['volume', 'create', 'v2']);
    await check(['volume', 'create', 'v2']);
    await check(['volume', 'create', 'bad name']);
    await check(['volume', 'create', '--driver', 'foo', 'd1']);
    await check(['volume', 'create', '--opt', 'foo=bar', 'd2']);
    await check(['volume', 'inspect', 'v1', 'v2']);
    await check(['volume', 'inspect', 'v1', 'nope']);
    await check(['volume', 'inspect', '--format', '{{.Name}} {{.Labels}} {{.Options}} {{.UID}} {{.Anonymous}}', 'v1']);
    await check(['volume', 'ls']);
    await check(['volume', 'ls', '--format', 'json']);
    await check(['volume', 'ls', '-q', '--filter', 'label=a=b']);
    await check(['volume', 'ls', '--filter', 'name=nomatch', '--format', 'json']);
    await check(['volume', 'ls', '--filter', 'foo=bar']);
    await check(['volume', 'ls', '--format', 'table {{.Name}} {{.Driver}} {{.Scope}}']);
    await check(['volume', 'exists', 'nope']);
    await check(['volume', 'rm', 'nope']);
    await check(['volume', 'rm', '-f', 'nope']);
    await check(['volume', 'rm', 'v2']);
    await check(['volume', 'prune', '-f']);
    await check(['volume', 'ls', '-q']);
  });
});
