// Every storage driver end to end, as the test user and as root: an image
// whose top layer deletes a file (`.wh.file1`) and makes a directory opaque
// (`.wh..wh..opq`) shows neither inside a container on native overlay,
// fuse-overlayfs (--storage-opt overlay.mount_program) and vfs (a copy made by
// the helper's vfs-apply); an image of 130 layers runs on each; no
// fuse-overlayfs process outlives its container. Helper level: the legacy
// mount(2) path for deep images, the mount program's failures, and the
// server dying with the helper.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdMap, formatMapping, parseSubIdFile, subIdRangesFor } from '../../src/host/idmap.js';
import {
  buildOciImage,
  busyboxRootfsEntries,
  disposeStore,
  emptyStore,
  isRoot,
  repoRoot,
  runAs,
  testUser,
  tscRun,
  tscRunOk,
  writeTar,
  type As,
  type OciImage,
  type Sandbox,
  type TarEntry,
} from '../harness/index.js';

const FUSE = '/usr/bin/fuse-overlayfs';
const DEEP = 130;

interface Driver {
  name: string;
  flags: string[];
  storage: { driver: string; mountProgram?: string };
  /** Checks the root mount line of the container's /proc/self/mountinfo. */
  rootMount: RegExp;
}

// mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPEROPTIONS
const DRIVERS: Driver[] = [
  { name: 'native overlay', flags: ['--storage-driver', 'overlay'], storage: { driver: 'overlay' }, rootMount: /^\S+ \S+ \S+ \/ \/ .* - overlay overlay .*userxattr/ },
  {
    name: 'fuse-overlayfs',
    flags: ['--storage-opt', `overlay.mount_program=${FUSE}`],
    storage: { driver: 'overlay', mountProgram: FUSE },
    rootMount: /^\S+ \S+ \S+ \/ \/ .* - fuse\.fuse-overlayfs fuse-overlayfs /,
  },
  // A bind of the container's own copy: the mount's root is containers/<id>/rootfs.
  { name: 'vfs', flags: ['--storage-driver', 'vfs'], storage: { driver: 'vfs' }, rootMount: /^\S+ \S+ \S+ \S*\/containers\/[0-9a-f]{64}\/rootfs \/ / },
];

const dir = (name: string): TarEntry => ({ name, type: 'directory' });
const file = (name: string, content = `${name}\n`): TarEntry => ({ name, content });

/** busybox, then /a/file1 /a/keep /b/old /b/sub/deep, then a layer deleting file1 and making /b opaque. */
async function whiteoutImage(): Promise<OciImage> {
  return buildOciImage({
    layers: [
      await writeTar(busyboxRootfsEntries({ applets: ['sh', 'ls', 'cat', 'wc', 'test', 'awk', 'grep'] })),
      await writeTar([dir('a/'), file('a/file1'), file('a/keep'), dir('b/'), file('b/old'), dir('b/sub/'), file('b/sub/deep')]),
      await writeTar([dir('a/'), { name: 'a/.wh.file1', content: '' }, dir('b/'), { name: 'b/.wh..wh..opq', content: '' }, file('b/new')]),
    ],
  });
}

/** busybox, then DEEP layers each adding /f/<i> and replacing /f/top. */
async function deepImage(): Promise<OciImage> {
  const layers = [await writeTar(busyboxRootfsEntries({ applets: ['sh', 'ls', 'cat', 'wc'] }))];
  for (let i = 1; i <= DEEP; i++) layers.push(await writeTar([dir('f/'), file(`f/${i}`, `${i}\n`), file('f/top', `${i}\n`)]));
  return buildOciImage({ layers, uncompressed: true });
}

/** An oci-archive of `image` tagged `tag`, for `tsc-run load`. */
async function ociArchive(image: OciImage, tag: string): Promise<Buffer> {
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: image.manifestDigest,
        size: image.manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': tag },
      },
    ],
  };
  return writeTar([
    { name: 'oci-layout', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', content: JSON.stringify(index) },
    dir('blobs/'),
    dir('blobs/sha256/'),
    ...[...image.blobs].map(([digest, blob]) => ({ name: `blobs/sha256/${digest.slice('sha256:'.length)}`, content: blob })),
  ]);
}

/** fuse-overlayfs processes serving anything under `root`. */
async function fuseServersUnder(root: string): Promise<string[]> {
  const r = await runAs('root', 'pgrep', ['-a', '-x', 'fuse-overlayfs'], {});
  return r.stdout.split('\n').filter((l) => l.includes(root));
}

function containerRecords(sb: Sandbox): Array<{ name: string; storage?: unknown }> {
  const dirOf = path.join(sb.root, 'containers');
  return fs
    .readdirSync(dirOf)
    .filter((n) => /^[0-9a-f]{64}$/.test(n))
    .map((n) => JSON.parse(fs.readFileSync(path.join(dirOf, n, 'container.json'), 'utf8')) as { name: string; storage?: unknown });
}

function suite(as: As): void {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await emptyStore(`drivers-${as}`, as);
    const wh = sb.file('wh.tar', await ociArchive(await whiteoutImage(), 'wh:1'));
    const deep = sb.file('deep.tar', await ociArchive(await deepImage(), 'deep:1'));
    expect((await tscRunOk(['load', '-q', '-i', wh], { sandbox: sb })).stdout).toBe('Loaded image: localhost/wh:1\n');
    expect((await tscRunOk(['load', '-q', '-i', deep], { sandbox: sb, timeoutMs: 180_000 })).stdout).toBe('Loaded image: localhost/deep:1\n');
  }, 240_000);
  afterAll(() => disposeStore(sb));

  for (const d of DRIVERS) {
    it(`${d.name}: a whiteout hides the file, an opaque dir its old content; the container keeps its driver`, async () => {
      const script = [
        'ls -A /a /b',
        'test -e /a/file1 && echo file1 still there',
        'test -e /b/sub/deep && echo opaque dir leaks',
        'awk \'$5 == "/"\' /proc/self/mountinfo',
        // The fuse server lives outside the container's pid namespace.
        'cat /proc/[0-9]*/comm | grep -x fuse-overlayfs',
        'true',
      ].join('; ');
      const name = `wh-${d.storage.mountProgram ? 'fuse' : d.storage.driver}`;
      const r = await tscRun([...d.flags, 'run', '--name', name, 'wh:1', 'sh', '-c', script], { sandbox: sb });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.slice(0, 6)).toEqual(['/a:', 'keep', '', '/b:', 'new', lines[5]]);
      expect(lines[5]).toMatch(d.rootMount);
      expect(lines.slice(6)).toEqual(['']);
      expect(containerRecords(sb).find((c) => c.name === name)?.storage).toEqual(d.storage);
      expect(await fuseServersUnder(sb.root)).toEqual([]);
    });
  }

  for (const d of DRIVERS) {
    it(`${d.name}: a non-root container user can read and write its root filesystem`, async () => {
      // fuse-overlayfs needs allow_other for uids other than the one that mounted it.
      const r = await tscRun([...d.flags, 'run', '--rm', '--user', '1000:1000', 'wh:1', 'sh', '-c', 'echo hi > /home/user/f && cat /home/user/f /a/keep'], {
        sandbox: sb,
      });
      expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: 'hi\na/keep\n' });
    });
  }

  for (const d of DRIVERS) {
    it(`${d.name}: an image of ${DEEP} layers runs (every layer in one mount), and --rm cleans up`, async () => {
      const r = await tscRun([...d.flags, 'run', '--rm', 'deep:1', 'sh', '-c', 'ls /f | wc -l; cat /f/top /f/1'], { sandbox: sb, timeoutMs: 120_000 });
      expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: `${DEEP + 1}\n${DEEP}\n1\n` });
      expect(await fuseServersUnder(sb.root)).toEqual([]);
    });
  }

  it('a driver that cannot work is an error naming the fix, not a silent fallback', async () => {
    const r = await tscRun(['--storage-opt', 'overlay.mount_program=/nonexistent/fuse-overlayfs', 'run', '--rm', 'wh:1', 'true'], { sandbox: sb });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^Error: overlay through mount_program \/nonexistent\/fuse-overlayfs .* cannot work: .*is not an executable.*\n$/);
    const bogus = await tscRun(['--storage-driver', 'btrfs', 'run', '--rm', 'wh:1', 'true'], { sandbox: sb });
    expect(bogus.exitCode).toBe(125);
    expect(bogus.stderr).toMatch(/unsupported storage driver "btrfs"/);
  });
}

describe.each(isRoot() ? (['user', 'root'] as const) : (['user'] as const))('storage drivers as %s', (as) => {
  suite(as);
});

// The helper alone, as the test user with its subordinate ids.
describe('helper: deep overlays and the mount program', () => {
  const u = testUser();
  let sb: Sandbox;
  let bin: string;
  let maps: string[];
  let lowers: string[];
  let upper: string;
  let work: string;

  /** 0 -> the user, 1.. -> its subordinate ranges (as Node builds them). */
  function userMaps(): string[] {
    const who = { name: u.name, uid: u.uid };
    const uids = buildIdMap(u.uid, subIdRangesFor(parseSubIdFile(fs.readFileSync('/etc/subuid', 'utf8')), who));
    const gids = buildIdMap(u.gid, subIdRangesFor(parseSubIdFile(fs.readFileSync('/etc/subgid', 'utf8')), who));
    return [...uids.flatMap((m) => ['--uid-map', formatMapping(m)]), ...gids.flatMap((m) => ['--gid-map', formatMapping(m)])];
  }

  const runOverlay = (lower: readonly string[], extra: readonly string[], cmd: readonly string[]) =>
    runAs('user', bin, [...maps, 'run', '--lower', lower.join(':'), '--upper', upper, '--work', work, ...extra, '--env', 'PATH=/bin', '--', ...cmd], {
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    sb = await emptyStore('drivers-helper');
    const built = [path.join(repoRoot(), 'dist', 'tsc-run-helper'), path.join(repoRoot(), 'helpers/build', 'tsc-run-helper')].find((p) => fs.existsSync(p));
    if (!built) throw new Error('no built helper: run `npm run build`');
    bin = path.join(sb.path, 'tsc-run-helper');
    fs.copyFileSync(built, bin);
    fs.chmodSync(bin, 0o755);
    maps = userMaps();
    // layers/<i> with f/<i>; l/<26 chars> short links to them, as the store makes them.
    const base = path.join(sb.dir, 'layers/0');
    fs.mkdirSync(path.join(base, 'bin'), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(base, 'bin/busybox'));
    for (const a of ['sh', 'ls', 'wc', 'cat', 'sleep', 'grep', 'head']) fs.symlinkSync('busybox', path.join(base, 'bin', a));
    fs.mkdirSync(path.join(sb.dir, 'l'));
    lowers = [];
    for (let i = 0; i <= 200; i++) {
      const l = path.join(sb.dir, 'layers', String(i));
      fs.mkdirSync(path.join(l, 'f'), { recursive: true });
      fs.writeFileSync(path.join(l, 'f', String(i)), `${i}\n`);
      const link = path.join(sb.dir, 'l', `L${String(i).padStart(25, '0')}`);
      fs.symlinkSync(path.join('..', 'layers', String(i)), link);
      lowers.unshift(link);
    }
    upper = path.join(sb.dir, 'c/upper');
    work = path.join(sb.dir, 'c/work');
    fs.mkdirSync(upper, { recursive: true });
    fs.mkdirSync(work);
    sb.chown(sb.dir);
  });
  afterAll(() => disposeStore(sb));

  const deep = () => lowers.slice(-(DEEP + 1)); // layers DEEP..0, top-most first

  it(`mount(2) with one option string takes ${DEEP} layers as short names relative to l/`, async () => {
    expect(deep().join(':').length).toBeGreaterThan(4096);
    const r = await runOverlay(deep(), ['--legacy-mount'], ['sh', '-c', 'ls /f | wc -l; grep -o "lowerdir=[^,]*" /proc/self/mountinfo']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${DEEP + 1}\nlowerdir=${deep().map((l) => path.basename(l)).join(':')}\n`);
    expect(r.exitCode).toBe(0);
  });

  it('more layers than one page of options: a clear error, never a truncated option string', async () => {
    const r = await runOverlay(lowers, ['--legacy-mount'], ['true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/^tsc-run-helper: mount overlay of 201 layers: the options take \d+ bytes, more than one page \(\d+\) on a kernel without lowerdir\+\n$/);
    // The new mount API (lowerdir+, one layer per call) has no such limit.
    const ok = await runOverlay(lowers, [], ['sh', '-c', 'ls /f | wc -l']);
    expect(ok).toMatchObject({ exitCode: 0, stdout: '201\n', stderr: '' });
  });

  it('a mount program that cannot serve: its own message, one line, nothing left running', async () => {
    const missing = [path.join(sb.dir, 'l/NOSUCHLAYER'), ...deep()];
    const r = await runOverlay(missing, ['--mount-program', FUSE], ['true']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toBe('tsc-run-helper: /usr/bin/fuse-overlayfs: fuse-overlayfs: cannot read lower dirs: No such file or directory\n');
    const quiet = await runOverlay(deep(), ['--mount-program', '/bin/false'], ['true']);
    expect(quiet).toMatchObject({ exitCode: 125, stderr: 'tsc-run-helper: /bin/false exited without serving the root filesystem\n' });
    expect(await fuseServersUnder(sb.dir)).toEqual([]);
  });

  it('the fuse server dies with the helper, even when the helper is killed', async () => {
    const child = spawn(
      'setpriv',
      [`--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', '--', bin, ...maps, 'run', '--lower', deep().join(':'), '--upper', upper, '--work', work,
        '--mount-program', FUSE, '--env', 'PATH=/bin', '--', 'sh', '-c', 'echo up; sleep 60'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const servers = await fuseServersUnder(sb.dir);
    expect(servers).toHaveLength(1);
    // setpriv execs the helper: the same pid.
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    const deadline = Date.now() + 5000;
    while ((await fuseServersUnder(sb.dir)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await fuseServersUnder(sb.dir)).toEqual([]);
    // The container (its init and the sleep) died with the helper too.
    const alive = async () => (await runAs('root', 'pgrep', ['-f', 'echo up; sleep 60'], {})).stdout;
    while ((await alive()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await alive()).toBe('');
  });
});
