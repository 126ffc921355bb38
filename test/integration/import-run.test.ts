// `tsc-run import` + `tsc-run run` end to end: the built CLI, the real
// helper, real user namespaces, as the unprivileged test user (and the same
// again as root with its own --root).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  busyboxStore,
  cleanEnv,
  cliBinary,
  disposeStore,
  isRoot,
  sha256Digest,
  sharedUserDir,
  tscRun,
  tscRunOk,
  writeTar,
  type As,
  type Sandbox,
  type TarEntry,
} from '../harness/index.js';

/** Entries added to the busybox rootfs to check ownership, modes and whiteout handling. */
const EXTRA: TarEntry[] = [
  { name: 'owned/', type: 'directory', mode: 0o755, uid: 1000, gid: 1000 },
  { name: 'owned/file', content: 'mine\n', mode: 0o640, uid: 1000, gid: 2000 },
  { name: 'bin/suid', content: 'not really a program\n', mode: 0o4755 },
  { name: 'sticky/', type: 'directory', mode: 0o1777 },
  { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n' },
  { name: 'etc/group', content: 'root:x:0:\nusers:x:100:\n' },
];

/** Hostile archives, the entry that must be named, and why. */
const MALICIOUS: Array<{ label: string; entry: string; entries: TarEntry[] }> = [
  { label: 'dotdot', entry: '../x', entries: [{ name: 'ok', content: 'x' }, { name: '../x', content: 'x' }] },
  { label: 'absolute', entry: '/abs', entries: [{ name: '/abs', content: 'x' }] },
  {
    label: 'symlink-then-write',
    entry: 'evil/passwd',
    entries: [
      { name: 'evil', type: 'symlink', linkname: '/tmp' },
      { name: 'evil/passwd', content: 'pwned' },
    ],
  },
  // The link itself is kept (resolved inside the container, see layer-symlinks.test.ts); writing through it is not.
  {
    label: 'escaping-symlink-then-write',
    entry: 'up/passwd',
    entries: [
      { name: 'up', type: 'symlink', linkname: '../../../../../tmp' },
      { name: 'up/passwd', content: 'pwned' },
    ],
  },
  { label: 'hardlink-outside', entry: 'hl', entries: [{ name: 'hl', type: 'link', linkname: '../../../../etc/passwd' }] },
];

function suite(as: As): void {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });

  beforeAll(async () => {
    const store = await busyboxStore(`import-run-${as}`, as, { ref: 'demo', rootfs: { extra: EXTRA } });
    sb = store;
    const r = store.image.output;
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(r.stderr).toContain('Writing manifest to image destination');
  });
  afterAll(() => disposeStore(sb));

  it('run --rm IMAGE echo hello prints hello and leaves no container behind', async () => {
    const r = await run(['run', '--rm', 'demo', 'echo', 'hello']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hello\n', stderr: '' });
    expect(fs.readdirSync(path.join(sb.root, 'containers'))).toEqual([]);
  });

  it('run --rm removes what the container wrote, sub-id-owned and unreadable files included', async () => {
    const r = await run(['run', '--rm', 'demo', 'sh', '-c', 'mkdir -p /data/sub && touch /data/sub/f && chown -R 1000:1000 /data && chmod 000 /data/sub']);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(fs.readdirSync(path.join(sb.root, 'containers'))).toEqual([]);
  });

  it('turns whiteout entries into overlay whiteouts', async () => {
    const file = sb.file(
      'whiteouts.tar',
      await writeTar([
        { name: 'bin/', type: 'directory' },
        { name: 'bin/busybox', content: fs.readFileSync('/bin/busybox'), mode: 0o755 },
        { name: 'etc/', type: 'directory' },
        { name: 'etc/.wh.hidden', content: '' },
        { name: 'opq/', type: 'directory' },
        { name: 'opq/.wh..wh..opq', content: '' },
        { name: 'opq/keep', content: 'kept\n' },
      ]),
    );
    const id = (await tscRunOk(['import', '-q', file, 'wh'], { sandbox: sb })).stdout.trim().slice('sha256:'.length);
    const images = JSON.parse(fs.readFileSync(path.join(sb.root, 'images.json'), 'utf8')) as { images: { id: string; layers: string[] }[] };
    const layer = images.images.find((i) => i.id === id)!.layers[0]!;
    const wh = fs.statSync(path.join(sb.root, 'layers', layer, 'diff', 'etc', 'hidden'));
    expect([wh.isCharacterDevice(), wh.rdev]).toEqual([true, 0]);
    // A whiteout in an image's only layer hides nothing, but looking it up must find nothing.
    const r = await run(['run', '--rm', 'wh', '/bin/busybox', 'sh', '-c', 'test ! -e /etc/hidden && cat /opq/keep']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'kept\n', stderr: '' });
  });

  it('gives the container no stdin without -i, as podman', async () => {
    const r = await tscRun(['run', '--rm', 'demo', 'sh', '-c', 'cat; echo end'], { sandbox: sb, input: 'from the pipe\n' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'end\n', stderr: '' });
  });

  it('exits with the container exit code, 127 for a missing command', async () => {
    expect((await run(['run', '--rm', 'demo', 'sh', '-c', 'exit 3'])).exitCode).toBe(3);
    const nf = await run(['run', '--rm', 'demo', 'nosuch']);
    expect(nf.exitCode).toBe(127);
    expect(nf.stderr).toBe('Error: tsc-run-helper: executable file `nosuch` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found\n');
    expect((await run(['run', '--rm', 'demo', '/etc'])).exitCode).toBe(126);
  });

  it('keeps ownership from the tarball (1000 stays 1000) and the setuid, setgid and sticky bits', async () => {
    const r = await run(['run', '--rm', 'demo', 'stat', '-c', '%u:%g %a %n', '/owned', '/owned/file', '/bin/suid', '/sticky', '/bin/busybox']);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      '1000:1000 755 /owned',
      '1000:2000 640 /owned/file',
      '0:0 4755 /bin/suid',
      '0:0 1777 /sticky',
      '0:0 755 /bin/busybox',
    ]);
  });

  it('applies -e, -w, -u, --hostname, --entrypoint and the default environment', async () => {
    const r = await run(['run', '--rm', '-e', 'FOO=bar', '-w', '/tmp', '-u', 'user', '--hostname', 'box', 'demo', 'sh', '-c', 'echo $FOO $(pwd) $(id -u):$(id -g) $(hostname) $HOME $PATH']);
    expect(r.stdout).toBe('bar /tmp 1000:1000 box /home/user /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    const e = await run(['run', '--rm', '--entrypoint', '/bin/echo', 'demo', 'via', 'entrypoint']);
    expect(e.stdout).toBe('via entrypoint\n');
    const u = await run(['run', '--rm', '-u', 'nobody', 'demo', 'true']);
    expect(u).toMatchObject({ exitCode: 125, stderr: 'Error: unable to find user nobody: no matching entries in passwd file\n' });
  });

  it('writes go to the container, not the image; a kept container records its exit code', async () => {
    const r = await run(['run', '--name', 'keeper', 'demo', 'sh', '-c', 'echo x > /owned/new; rm /bin/suid; exit 7']);
    expect(r.exitCode).toBe(7);
    const again = await run(['run', '--rm', 'demo', 'sh', '-c', 'ls /owned; test -e /bin/suid && echo suid-still-there']);
    expect(again.stdout).toBe('file\nsuid-still-there\n');
    const ids = fs.readdirSync(path.join(sb.root, 'containers'));
    expect(ids).toHaveLength(1);
    const rec = JSON.parse(fs.readFileSync(path.join(sb.root, 'containers', ids[0]!, 'container.json'), 'utf8'));
    expect(rec).toMatchObject({ name: 'keeper', state: { status: 'exited', exitCode: 7 } });
    const dup = await run(['run', '--name', 'keeper', 'demo', 'true']);
    expect(dup.exitCode).toBe(125);
    expect(dup.stderr).toMatch(/the container name "keeper" is already in use by [0-9a-f]{64}/);
  });

  it('refuses bad images, flags and names with 125', async () => {
    // --pull=never: without it a missing image is pulled (run-pull.test.ts), and the error depends on the host's registries.conf.
    expect(await run(['run', '--pull=never', '--rm', 'nosuch', 'true'])).toMatchObject({ exitCode: 125, stderr: 'Error: nosuch: image not known\n' });
    expect(await run(['run'])).toMatchObject({ exitCode: 125, stderr: 'Error: requires at least 1 arg(s), only received 0\n' });
    // -d, -t and -i work now: run-*.test.ts.
    // `bridge` is the default network now (network-bridge.test.ts); a network that does not exist is refused.
    expect(await run(['run', '--network', 'nosuchnet', 'demo', 'true'])).toMatchObject({
      exitCode: 125,
      stderr: 'Error: unable to find network with name or ID nosuchnet: network not found\n',
    });
    // Every driver runs (drivers.test.ts); an unknown one is refused.
    expect((await run(['--storage-driver', 'btrfs', 'run', 'demo', 'true'])).stderr).toMatch(/^Error: unsupported storage driver "btrfs"/);
    expect(await run(['import', path.join(sb.dir, 'missing.tar')])).toMatchObject({ exitCode: 125 });
    expect((await run(['import', path.join(sb.dir, 'rootfs.tar'), 'BAD::'])).stderr).toBe('Error: invalid reference format\n');
  });

  it('imports gzip and zstd tarballs from a file or stdin, with --change, -m and -q', async () => {
    const tar = await writeTar([
      { name: 'bin/', type: 'directory' },
      { name: 'bin/busybox', content: fs.readFileSync('/bin/busybox'), mode: 0o755 },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'msg', content: 'compressed\n' },
    ]);
    const gz = sb.file('small.tar.gz', zlib.gzipSync(tar));
    const q = await tscRunOk(['import', '-q', '-c', 'CMD ["/bin/busybox","cat","/msg"]', '-m', 'gz import', gz, 'gz'], { sandbox: sb });
    expect(q.stderr).toBe('');
    expect((await run(['run', '--rm', 'gz'])).stdout).toBe('compressed\n');
    const zst = await tscRun(['import', '-q', '-c', 'ENV GREETING=zstd', '-', 'zst:1'], { sandbox: sb, input: zlib.zstdCompressSync(tar) });
    expect(zst).toMatchObject({ exitCode: 0, stderr: '' });
    const r = await run(['run', '--rm', 'zst:1', '/bin/busybox', 'sh', '-c', 'echo $GREETING']);
    expect(r.stdout).toBe('zstd\n');
    // One layer, stored once, whatever the compression.
    const images = JSON.parse(fs.readFileSync(path.join(sb.root, 'images.json'), 'utf8')) as { images: { names: string[]; layers: string[] }[] };
    const layersOf = (name: string) => images.images.find((i) => i.names.includes(name))!.layers;
    expect(layersOf('localhost/gz:latest')).toEqual([sha256Digest(tar).slice('sha256:'.length)]);
    expect(layersOf('localhost/zst:1')).toEqual(layersOf('localhost/gz:latest'));
  });

  it('imports from an http URL, and reports a failed download', async () => {
    const tar = await writeTar([
      { name: 'bin/busybox', content: fs.readFileSync('/bin/busybox'), mode: 0o755 },
      { name: 'from-url', content: 'downloaded\n' },
    ]);
    const server = http.createServer((req, res) => {
      if (req.url === '/rootfs.tar') res.end(tar);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await tscRunOk(['import', '-q', `${base}/rootfs.tar`, 'fromurl'], { sandbox: sb });
      expect((await run(['run', '--rm', 'fromurl', '/bin/busybox', 'cat', '/from-url'])).stdout).toBe('downloaded\n');
      expect(await run(['import', `${base}/missing.tar`])).toMatchObject({ exitCode: 125, stderr: `Error: downloading ${base}/missing.tar: 404 Not Found\n` });
    } finally {
      server.close();
    }
  });

  it('removes a leftover incomplete layer (sub-id-owned, unreadable) before unpacking it again', async () => {
    const tar = await writeTar([{ name: 'leftover-test', content: `${as}\n` }]);
    const id = sha256Digest(tar).slice('sha256:'.length);
    const junk = path.join(sb.root, 'layers', id, 'diff', 'junk');
    fs.mkdirSync(path.dirname(junk), { recursive: true });
    sb.chown(path.join(sb.root, 'layers', id));
    fs.mkdirSync(junk);
    fs.writeFileSync(path.join(junk, 'f'), 'x');
    for (const p of [path.join(junk, 'f'), junk]) fs.chownSync(p, 100005, 100005);
    fs.chmodSync(junk, 0o000);
    await tscRunOk(['import', '-q', sb.file('leftover.tar', tar), 'leftover'], { sandbox: sb });
    expect(fs.readdirSync(path.join(sb.root, 'layers', id, 'diff'))).toEqual(['leftover-test']);
    expect(JSON.parse(fs.readFileSync(path.join(sb.root, 'layers', id, 'layer.json'), 'utf8'))).toMatchObject({ id, diffId: `sha256:${id}`, parent: null });
  });

  it.each([
    ['SIGINT', 'to the whole process group, as Ctrl-C in a terminal', 130],
    ['SIGTERM', 'to the CLI alone', 143],
  ] as const)('run --rm cleans up after %s %s', async (sig, _how, code) => {
    const owner = sb.owner;
    const env = cleanEnv(owner, { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', owner.uid, owner.gid) });
    const script = 'trap "exit 130" INT; trap "exit 143" TERM; echo ready; while :; do sleep 0.1; done';
    const argv = [cliBinary().bin, '--root', sb.root, '--runroot', sb.runroot, 'run', '--rm', 'demo', 'sh', '-c', script];
    const child =
      owner.uid !== process.getuid!()
        ? spawn('setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--init-groups', '--', ...argv], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(argv[0]!, argv.slice(1), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve()));
    const running = fs.readdirSync(path.join(sb.root, 'containers'));
    expect(running).toHaveLength(2); // this one and `keeper`
    if (sig === 'SIGINT') process.kill(-child.pid!, sig);
    else child.kill(sig);
    expect(await closed).toBe(code);
    expect(stderr).toBe('');
    expect(fs.readdirSync(path.join(sb.root, 'containers'))).toEqual(running.filter((id) => fs.existsSync(path.join(sb.root, 'containers', id, 'container.json'))));
    expect(fs.readdirSync(path.join(sb.root, 'containers'))).toHaveLength(1);
  });

  describe('malicious tarballs are refused, naming the entry, with no layer left', () => {
    it.each(MALICIOUS)('$label', async ({ label, entry, entries }) => {
      const before = fs.readdirSync(path.join(sb.root, 'layers')).sort();
      const blobsBefore = fs.readdirSync(path.join(sb.root, 'blobs', 'sha256')).sort();
      const file = sb.file(`${label}.tar`, await writeTar(entries));
      const r = await run(['import', file, label]);
      expect(r.exitCode).toBe(125);
      // Progress lines come first, as podman's do; the error is the last line.
      const last = r.stderr.trimEnd().split('\n').at(-1)!;
      expect(last.startsWith(`Error: refusing layer entry ${JSON.stringify(entry)}: `)).toBe(true);
      expect(r.stderr.match(/^Error:/gm)).toHaveLength(1);
      expect(fs.readdirSync(path.join(sb.root, 'layers')).sort()).toEqual(before);
      expect(fs.readdirSync(path.join(sb.root, 'blobs', 'sha256')).sort()).toEqual(blobsBefore);
      expect(fs.existsSync('/tmp/passwd')).toBe(false);
      expect((await run(['run', '--rm', label, 'true'])).exitCode).toBe(125);
    });
  });
}

describe('import and run (rootless)', () => suite('user'));
describe.runIf(isRoot())('import and run (root)', () => suite('root'));
