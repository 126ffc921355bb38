// save and load end to end: the built CLI with the real helper, as the
// unprivileged test user and as root. Round trips keep ids and digests;
// gzip/zstd/stdin input; bad archives fail with one line, 125, and leave
// the store as it was; a SIGKILL mid-load leaves a store that `images`
// reads and a repeat load completes; podman reads what we write and we read
// what podman writes (podman as root in a private --root).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerArchiveEntries, ociArchiveEntries } from '../harness/archives.js';
import {
  buildBusyboxImage,
  buildBusyboxRootfsTar,
  buildOciImage,
  busyboxStore,
  cleanEnv,
  cliBinary,
  disposeStore,
  isRoot,
  runAs,
  sharedUserDir,
  storePool,
  tscRun,
  tscRunOk,
  writeTar,
  type As,
  type OciImage,
  type Sandbox,
  type TarEntry,
} from '../harness/index.js';

const PODMAN = '/usr/bin/podman';
const hasPodman = isRoot() && fs.existsSync(PODMAN);
if (!hasPodman) console.warn(`archive.test.ts: podman interop skipped (${isRoot() ? `no ${PODMAN}` : 'needs root for a private podman store'})`);

/** Files whose owners and modes must survive every round trip. */
const EXTRA: TarEntry[] = [
  { name: 'owned/', type: 'directory', mode: 0o755, uid: 1000, gid: 1000 },
  { name: 'owned/file', content: 'mine\n', mode: 0o640, uid: 1000, gid: 2000 },
  { name: 'bin/suid', content: 'x', mode: 0o4755 },
];

const LAYER2: TarEntry[] = [
  { name: 'etc/', type: 'directory' },
  { name: 'etc/motd', content: 'layer two\n' },
  // Not /etc/hostname: like podman, the engine binds its own /etc/hostname over whatever the image has.
  { name: 'etc/.wh.group' },
];

/** id, manifest digest and diffIDs of an image, as `image inspect` reports them. */
async function inspect(sb: Sandbox, ref: string): Promise<{ id: string; digest: string; layers: string[] }> {
  const r = await tscRunOk(['image', 'inspect', '--format', '{{.Id}} {{.Digest}} {{json .RootFS.Layers}}', ref], { sandbox: sb });
  const [id, digest, layers] = r.stdout.trim().split(' ');
  return { id: id!, digest: digest!, layers: JSON.parse(layers!) as string[] };
}

/** What a store holds, temp files included: a failed load must leave it exactly so. */
function storeState(sb: Sandbox) {
  const ls = (p: string) => (fs.existsSync(p) ? fs.readdirSync(p).sort() : []);
  return {
    images: fs.existsSync(path.join(sb.root, 'images.json')) ? fs.readFileSync(path.join(sb.root, 'images.json'), 'utf8') : '',
    layers: ls(path.join(sb.root, 'layers')),
    links: ls(path.join(sb.root, 'l')),
    blobs: ls(path.join(sb.root, 'blobs', 'sha256')),
  };
}

/** Run `tsc-run ARGS` in the sandbox with stdout redirected to a file by the shell (binary-safe). */
async function tscRunToFile(sb: Sandbox, args: string[], out: string) {
  const { bin } = cliBinary();
  return runAs(sb.as, '/bin/sh', ['-c', 'out="$1"; shift; exec "$@" > "$out"', 'sh', out, bin, '--root', sb.root, '--runroot', sb.runroot, ...args], {
    env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', sb.owner.uid, sb.owner.gid) },
    cwd: sb.dir,
  });
}

/** podman as root with a store of its own in `dir`, so the host's is never touched. */
function podman(dir: string, args: string[]) {
  return runAs('root', PODMAN, [
    '--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'runroot'), '--tmpdir', path.join(dir, 'tmp'),
    '--storage-driver', 'vfs', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs', ...args,
  ], { timeoutMs: 120_000 });
}

function suite(as: As): void {
  let sb: Sandbox;
  let layered: OciImage;
  const others = storePool(`archive-${as}`);
  const fresh = (name: string) => others.empty(name, as);
  const run = (args: string[], opts: { input?: Buffer } = {}) => tscRun(args, { sandbox: sb, ...opts });

  beforeAll(async () => {
    sb = await busyboxStore(`archive-${as}`, as, { rootfs: { extra: EXTRA } });
    layered = await buildBusyboxImage({ extraLayers: [LAYER2], rootfs: { extra: EXTRA }, config: { Cmd: ['sh'] } });
    const r = await tscRunOk(['load', '-i', sb.file('layered.tar', await writeTar(ociArchiveEntries([{ image: layered, name: 'layered:1' }])))], { sandbox: sb });
    expect(r.stdout).toBe('Loaded image: localhost/layered:1\n');
  });
  afterAll(async () => {
    await disposeStore(sb);
    await others.dispose();
  });

  it('load prints podman\'s lines: progress on stderr, "Loaded image" on stdout; -q only the result', async () => {
    const file = sb.file('again.tar', await writeTar(ociArchiveEntries([{ image: layered, name: 'layered:2' }])));
    const r = await run(['load', '-i', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('Loaded image: localhost/layered:2\n');
    expect(r.stderr.split('\n')).toEqual([
      'Getting image source signatures',
      ...layered.layers.map((l) => `Copying blob ${l.digest}`),
      `Copying config ${layered.configDigest}`,
      'Writing manifest to image destination',
      'Storing signatures',
      '',
    ]);
    expect(await run(['load', '-q', '-i', file])).toMatchObject({ exitCode: 0, stdout: 'Loaded image: localhost/layered:2\n', stderr: '' });
  });

  it('import → images → save → load: equal ids for both formats, the oci-archive keeps every digest, the image runs', async () => {
    const orig = await inspect(sb, 'bb');
    expect((await run(['images', '--format', '{{.ID}}', '--no-trunc', 'bb'])).stdout).toBe(`sha256:${orig.id}\n`);
    for (const format of ['docker-archive', 'oci-archive']) {
      const out = path.join(sb.dir, `bb-${format}.tar`);
      const s = await run(['save', '--format', format, '-o', out, 'bb']);
      expect(s.exitCode, s.stderr).toBe(0);
      expect(s.stdout).toBe('');
      expect(s.stderr).toContain('Writing manifest to image destination');
      const target = await fresh(format);
      fs.copyFileSync(out, target.file('in.tar', ''));
      expect((await tscRunOk(['load', '-i', path.join(target.dir, 'in.tar')], { sandbox: target })).stdout).toBe('Loaded image: localhost/bb:latest\n');
      const loaded = await inspect(target, 'bb');
      expect(loaded.id, format).toBe(orig.id);
      expect(loaded.layers, format).toEqual(orig.layers);
      if (format === 'oci-archive') expect(loaded.digest).toBe(orig.digest);
      const r = await tscRun(['run', '--rm', 'bb', 'sh', '-c', 'cat /owned/file; stat -c "%u:%g %a" /owned/file /bin/suid'], { sandbox: target });
      expect(r, format).toMatchObject({ exitCode: 0, stdout: 'mine\n1000:2000 640\n0:0 4755\n' });
    }
  });

  it('a multi-layer image round-trips through docker-archive: same id, layers, whiteouts and content', async () => {
    const orig = await inspect(sb, 'layered:1');
    expect(orig).toMatchObject({ id: layered.configDigest.slice(7), digest: layered.manifestDigest, layers: layered.layers.map((l) => l.diffId) });
    const out = path.join(sb.dir, 'layered-docker.tar');
    await tscRunOk(['save', '-q', '-o', out, 'layered:1'], { sandbox: sb });
    const target = await fresh('layered');
    fs.copyFileSync(out, target.file('in.tar', ''));
    await tscRunOk(['load', '-q', '-i', path.join(target.dir, 'in.tar')], { sandbox: target });
    expect(await inspect(target, 'layered:1')).toMatchObject({ id: orig.id, layers: orig.layers });
    const r = await tscRun(['run', '--rm', 'layered:1', 'sh', '-c', 'cat /etc/motd; test -e /etc/group || echo gone'], { sandbox: target });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'layer two\ngone\n' });
  });

  it('save writes to stdout when it is not a terminal (the same bytes as -o), -q prints nothing', async () => {
    const viaFile = path.join(sb.dir, 'stdout-ref.tar');
    await tscRunOk(['save', '-q', '--format', 'oci-archive', '-o', viaFile, 'bb'], { sandbox: sb });
    const viaStdout = path.join(sb.dir, 'stdout.tar');
    const r = await tscRunToFile(sb, ['save', '-q', '--format', 'oci-archive', 'bb'], viaStdout);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(fs.readFileSync(viaStdout).equals(fs.readFileSync(viaFile))).toBe(true);
  });

  it.each([
    [['save', 'bb'], 'Error: refusing to save to terminal. Use -o flag or redirect'],
    [['load'], 'Error: cannot read from terminal, use command-line redirection or the --input flag'],
  ])('%j on a terminal is refused as podman does', async (args, message) => {
    // script(1) gives the command a pty for stdin and stdout.
    const { bin } = cliBinary();
    const cmd = [bin, '--root', sb.root, '--runroot', sb.runroot, ...args].join(' ');
    const r = await runAs(as, '/usr/bin/script', ['-qec', cmd, '/dev/null'], {
      env: { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', sb.owner.uid, sb.owner.gid) },
      cwd: sb.dir,
    });
    expect(r.exitCode).toBe(125);
    expect(r.stdout.replace(/\r/g, '')).toBe(`${message}\n`);
  });

  it('loads gzip- and zstd-compressed archives, from -i and from stdin', async () => {
    const tar = fs.readFileSync(path.join(sb.dir, 'bb-docker-archive.tar'));
    const id = (await inspect(sb, 'bb')).id;
    const target = await fresh('compressed');
    for (const [label, data] of [['gzip', zlib.gzipSync(tar)], ['zstd', zlib.zstdCompressSync(tar)]] as const) {
      const file = target.file(`in.tar.${label}`, data);
      expect((await tscRun(['load', '-q', '-i', file], { sandbox: target })).stdout, label).toBe('Loaded image: localhost/bb:latest\n');
      const r = await tscRun(['load', '-q'], { sandbox: target, input: data });
      expect(r, label).toMatchObject({ exitCode: 0, stdout: 'Loaded image: localhost/bb:latest\n', stderr: '' });
    }
    expect((await inspect(target, 'bb')).id).toBe(id);
  });

  it('save -m writes several images into one docker-archive; load brings back every name', async () => {
    await tscRunOk(['tag', 'bb', 'bb:extra'], { sandbox: sb });
    const out = path.join(sb.dir, 'multi.tar');
    await tscRunOk(['save', '-q', '-m', '-o', out, 'bb', 'layered:1', 'bb:extra'], { sandbox: sb });
    const target = await fresh('multi');
    fs.copyFileSync(out, target.file('in.tar', ''));
    const r = await tscRunOk(['load', '-i', path.join(target.dir, 'in.tar')], { sandbox: target });
    expect(r.stdout).toBe('Loaded image: localhost/bb:latest\nLoaded image: localhost/bb:extra\nLoaded image: localhost/layered:1\n');
  });

  it.each([
    [['save', '-o', 'x.tar'], 'Error: need at least 1 argument'],
    [['save', '-o', 'x.tar', 'nope'], 'Error: nope: image not known'],
    [['save', '-o', 'x.tar', '-m', 'bb', 'nope'], 'Error: nope: image not known'],
    [['save', '--format', 'tgz', '-o', 'x.tar', 'bb'], 'Error: format value must be one of oci-dir oci-archive docker-dir docker-archive'],
    [['save', '--format', 'oci-archive', '-m', '-o', 'x.tar', 'bb', 'layered:1'], 'Error: unsupported format "oci-archive" for saving multiple images (only docker-archive)'],
    [['save', '-o', 'no/such/dir/x.tar', 'bb'], /^Error: opening file "no\/such\/dir\/x.tar": open no\/such\/dir\/x.tar: no such file or directory$/],
    [['load', '-i', 'missing.tar'], 'Error: stat missing.tar: no such file or directory'],
    [['load', 'extra'], 'Error: `tsc-run load` takes no arguments'],
  ])('%j fails with one line and 125, writing nothing', async (args, message) => {
    const before = fs.readdirSync(sb.dir).sort();
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(125);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
    expect(fs.readdirSync(sb.dir).sort()).toEqual(before);
  });

  describe('bad archives: one Error line, exit 125, the store as it was', () => {
    const traversal = async () => ociArchiveEntries([{ image: buildOciImage({ layers: [await writeTar([{ name: 'fine', content: 'x' }]), await writeTar([{ name: '../../escape', content: 'x' }])] }), name: 'evil:1' }]);
    const cases: Array<[string, () => Promise<Buffer>, RegExp]> = [
      ['missing manifest', async () => writeTar(dockerArchiveEntries([{ image: layered }]).slice(0, -1)), /neither manifest\.json nor index\.json/],
      [
        'digest mismatch',
        async () => {
          const image = await buildBusyboxImage({ extraLayers: [LAYER2] });
          image.blobs.set(image.layers[1]!.digest, zlib.gzipSync(await writeTar([{ name: 'other', content: 'x' }])));
          return writeTar(ociArchiveEntries([{ image, name: 'evil:1' }]));
        },
        /digest did not match: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}$/,
      ],
      ['path traversal inside a layer', async () => writeTar(await traversal()), /refusing layer entry "\.\.\/\.\.\/escape"/],
      ['path traversal in the archive', async () => writeTar([{ name: '../../manifest.json', content: '[]' }]), /refusing archive entry "\.\.\/\.\.\/manifest\.json"/],
      ['truncated', async () => (await writeTar(ociArchiveEntries([{ image: layered, name: 'evil:1' }]))).subarray(0, 600_000), /payload does not match any of the supported image formats.*unexpected EOF/],
      ['truncated gzip', async () => zlib.gzipSync(await writeTar(ociArchiveEntries([{ image: layered, name: 'evil:1' }]))).subarray(0, 600_000), /payload does not match any of the supported image formats.*unexpected EOF/],
      ['not an archive', async () => Buffer.from('garbage'.repeat(1000)), /payload does not match any of the supported image formats/],
    ];
    it.each(cases)('%s', async (label, build, message) => {
      const before = storeState(sb);
      const file = sb.file(`bad-${label.replace(/ /g, '-')}.tar`, await build());
      const r = await run(['load', '-q', '-i', file]);
      expect(r.exitCode, r.stderr).toBe(125);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^Error: /);
      expect(lines[0]).toMatch(message);
      expect(storeState(sb)).toEqual(before);
      expect(fs.existsSync(path.join(os.tmpdir(), 'escape'))).toBe(false);
      expect((await run(['images', '-q'])).exitCode).toBe(0);
    });
  });

  describe('SIGKILL during a load', () => {
    let big: string;
    let bigId: string;
    beforeAll(async () => {
      // ~150 MB that does not compress: the load takes long enough to be killed in each phase.
      const layers = [];
      for (let i = 0; i < 3; i++) layers.push(await writeTar([{ name: `data${i}`, content: randomBytes(50 * 1024 * 1024) }]));
      const image = buildOciImage({ layers, uncompressed: true });
      bigId = image.configDigest.slice(7);
      big = sb.file('big.tar', await writeTar(dockerArchiveEntries([{ image, repoTags: ['big:1'] }])));
    });

    /** Start a load, wait until `ready` says the moment has come, SIGKILL the whole process group. */
    async function loadAndKill(target: Sandbox, ready: () => boolean): Promise<void> {
      const owner = target.owner;
      const env = cleanEnv(owner, { HOME: target.home, XDG_RUNTIME_DIR: target.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', owner.uid, owner.gid) });
      const argv = [cliBinary().bin, '--root', target.root, '--runroot', target.runroot, 'load', '-q', '-i', big];
      const child =
        owner.uid !== process.getuid!()
          ? spawn('setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--init-groups', '--', ...argv], { env, detached: true, stdio: 'ignore' })
          : spawn(argv[0]!, argv.slice(1), { env, detached: true, stdio: 'ignore' });
      const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_c, sig) => resolve(sig)));
      const deadline = Date.now() + 60_000;
      let done = false;
      void closed.then(() => (done = true));
      while (!done && !ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      // It must have died from the kill, mid-way, not finished on its own.
      expect(await closed).toBe('SIGKILL');
    }

    const tempBlob = (s: Sandbox) => () => {
      const dir = path.join(s.root, 'blobs', 'sha256');
      return fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.startsWith('.blob.tmp-'));
    };
    const layerDir = (s: Sandbox) => () => {
      const dir = path.join(s.root, 'layers');
      return fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
    };

    it.each([
      ['while the archive streams into the blob store', tempBlob],
      ['while a layer is unpacked', layerDir],
    ])('%s: images still works, a repeat load completes with the right image', async (_label, moment) => {
      const target = await fresh(`kill-${others.stores.length}`);
      await loadAndKill(target, moment(target));
      const images = await tscRun(['images', '--format', '{{.ID}}'], { sandbox: target });
      expect(images, images.stderr).toMatchObject({ exitCode: 0, stderr: '' });
      expect(images.stdout).not.toContain(bigId.slice(0, 12));
      const again = await tscRun(['load', '-q', '-i', big], { sandbox: target, timeoutMs: 120_000 });
      expect(again, again.stderr).toMatchObject({ exitCode: 0, stdout: 'Loaded image: localhost/big:1\n', stderr: '' });
      expect((await inspect(target, 'big:1')).id).toBe(bigId);
      // Leftovers of the killed process are gone: no temp blobs, every layer complete.
      expect(tempBlob(target)()).toBe(false);
      for (const l of fs.readdirSync(path.join(target.root, 'layers'))) expect(fs.existsSync(path.join(target.root, 'layers', l, 'layer.json')), l).toBe(true);
    });
  });

  describe.skipIf(!hasPodman)('podman interop', () => {
    let pd: string;
    beforeAll(() => {
      pd = fs.mkdtempSync(path.join(os.tmpdir(), `tsc-run-podman-${as}-`));
    });
    afterAll(() => {
      if (pd) fs.rmSync(pd, { recursive: true, force: true });
    });

    it.each([
      ['docker-archive', 'layered:1'],
      ['oci-archive', 'layered:1'],
      ['docker-archive', 'bb'],
      ['oci-archive', 'bb'],
    ])('podman loads our %s of %s with the same id and name', async (format, ref) => {
      const { id } = await inspect(sb, ref);
      const name = ref.includes(':') ? `localhost/${ref}` : `localhost/${ref}:latest`;
      const out = path.join(sb.dir, `for-podman-${format}-${ref.replace(':', '-')}.tar`);
      await tscRunOk(['save', '-q', '--format', format, '-o', out, ref], { sandbox: sb });
      const l = await podman(pd, ['load', '-q', '-i', out]);
      expect(l.exitCode, l.stderr).toBe(0);
      expect(l.stdout).toContain(`Loaded image: ${name}`);
      const ids = await podman(pd, ['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}']);
      expect(ids.stdout).toContain(`sha256:${id} ${name}`);
      await podman(pd, ['rmi', '-f', name]);
    });

    it.each(['docker-archive', 'oci-archive'])('we load what podman save --format %s writes, with its id', async (format) => {
      const rootfs = path.join(pd, 'rootfs.tar');
      if (!fs.existsSync(rootfs)) await buildBusyboxRootfsTar(rootfs, { extra: EXTRA });
      const imp = await podman(pd, ['import', '-q', rootfs, 'localhost/from-podman:1']);
      expect(imp.exitCode, imp.stderr).toBe(0);
      const id = imp.stdout.trim().replace(/^sha256:/, '');
      const out = path.join(sb.dir, `from-podman-${format}.tar`);
      const s = await podman(pd, ['save', '-q', '--format', format, '-o', out, 'localhost/from-podman:1']);
      expect(s.exitCode, s.stderr).toBe(0);
      sb.chown(out);
      const r = await run(['load', '-i', out]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('Loaded image: localhost/from-podman:1\n');
      expect((await inspect(sb, 'from-podman:1')).id).toBe(id);
      const c = await run(['run', '--rm', 'from-podman:1', 'cat', '/owned/file']);
      expect(c).toMatchObject({ exitCode: 0, stdout: 'mine\n' });
      await tscRunOk(['rmi', 'from-podman:1'], { sandbox: sb });
    });
  });
}

describe('save and load (rootless)', () => suite('user'));
describe.runIf(isRoot())('save and load (root)', () => suite('root'));
