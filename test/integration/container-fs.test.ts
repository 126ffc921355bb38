// cp, diff, commit, export, mount/unmount on real containers: podman's cp
// rules both ways and with tar streams, ownership with -a, the symlink-escape
// cases (links in the container never lead a copy to the host, in either
// direction, stopped or running), A/C/D lines including a whiteout and an
// opaque dir, commit then run, export content, mount inside `tsc-run
// unshare`. As the test user (overlay, and vfs for the storage-specific
// parts), and a subset as root.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  busyboxStore,
  cleanEnv,
  disposeStore,
  isRoot,
  runAs,
  sharedUserDir,
  tscRun,
  writeTar,
  type As,
  type Sandbox,
} from '../harness/index.js';
import { cliArgv } from './run-util.js';

interface TarItem {
  name: string;
  type: string;
  uid: number;
  gid: number;
  mode: number;
  linkname: string | null;
  content: string;
}

async function readTar(buf: Buffer): Promise<TarItem[]> {
  const out: TarItem[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        out.push({ name: h.name.replace(/\/$/, ''), type: h.type ?? 'file', uid: h.uid ?? 0, gid: h.gid ?? 0, mode: h.mode ?? 0, linkname: h.linkname ?? null, content: Buffer.concat(chunks).toString('utf8') });
        next();
      });
    });
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  ex.end(buf);
  await done;
  return out;
}

const sha = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  const run = (args: string[], input?: string | Buffer) => tscRun(args, { sandbox: sb, input });
  const ok = async (args: string[], input?: string | Buffer) => {
    const r = await run(args, input);
    expect(r.exitCode, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    expect(r.stderr).toBe('');
    return r;
  };
  /** The CLI with stdout to a file (binary tar streams); stdin from `input`. */
  const toFile = async (args: string[], file: string, input?: Buffer) => {
    const o = sb.owner;
    const env = cleanEnv(o, { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', o.uid, o.gid), OUT: file });
    return runAs(as, 'sh', ['-c', 'exec "$@" > "$OUT"', 'sh', ...cliArgv(sb, args)], { env, cwd: sb.dir, input });
  };
  const exported = async (ctr: string) => {
    const f = path.join(sb.dir, `export-${ctr}-${Date.now()}.tar`);
    await ok(['export', '-o', f, ctr]);
    const items = await readTar(fs.readFileSync(f));
    fs.rmSync(f);
    return new Map(items.map((i) => [i.name, i]));
  };
  const hostFile = (rel: string, content: string) => sb.file(rel, content);

  beforeAll(async () => {
    sb = await busyboxStore(`container-fs-${as}`, as, {
      rootfs: {
        extra: [
          { name: 'etc/motd', content: 'welcome\n' },
          { name: 'dir1', type: 'directory' },
          { name: 'dir1/a', content: 'a\n' },
          { name: 'dir1/sub', type: 'directory' },
          { name: 'dir1/sub/b', content: 'b\n' },
        ],
      },
    });
  });
  afterAll(() => disposeStore(sb));

  it('cp from a container: a file to a new name, a directory, /. contents, into an existing directory, - as a tar', async () => {
    await ok(['create', '--name', 'src', 'bb', 'true']);
    const out = path.join(sb.dir, 'out');
    fs.mkdirSync(out);
    sb.chown(out);
    await ok(['cp', 'src:/etc/motd', `${out}/motd.copy`]);
    expect(fs.readFileSync(`${out}/motd.copy`, 'utf8')).toBe('welcome\n');
    expect(fs.statSync(`${out}/motd.copy`).uid).toBe(sb.owner.uid);
    await ok(['cp', 'src:/dir1', `${out}/newdir`]); // missing: made, with dir1's contents
    expect(fs.readFileSync(`${out}/newdir/sub/b`, 'utf8')).toBe('b\n');
    await ok(['cp', 'src:/dir1', out]); // existing dir: dir1 inside it
    expect(fs.readFileSync(`${out}/dir1/a`, 'utf8')).toBe('a\n');
    await ok(['cp', 'src:dir1/.', `${out}/contents`]); // relative to the working dir (/), contents only
    expect(fs.readdirSync(`${out}/contents`).sort()).toEqual(['a', 'sub']);

    const f = path.join(sb.dir, 'dir1.tar');
    const r = await toFile(['cp', 'src:/dir1', '-'], f);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await readTar(fs.readFileSync(f))).map((i) => i.name)).toEqual(['dir1', 'dir1/a', 'dir1/sub', 'dir1/sub/b']);
    await toFile(['cp', 'src:/dir1/.', '-'], f);
    expect((await readTar(fs.readFileSync(f))).map((i) => i.name)).toEqual(['a', 'sub', 'sub/b']);

    let e = await run(['cp', 'src:/nonexist', `${out}/x`]);
    expect([e.exitCode, e.stderr]).toEqual([125, 'Error: "/nonexist" could not be found on container src: no such file or directory\n']);
    e = await run(['cp', 'src:/etc/motd', `${out}/nodir/x`]);
    expect(e.stderr).toBe(`Error: "${out}/nodir/x" could not be found on the host: no such file or directory\n`);
    e = await run(['cp', 'src:/dir1', `${out}/motd.copy`]);
    expect(e.stderr).toBe('Error: destination must be a directory when copying a directory\n');
    e = await run(['cp', 'nosuch:/x', out]);
    expect([e.exitCode, e.stderr]).toEqual([125, 'Error: container "nosuch" does not exist\n']);
    e = await run(['cp', '/a', '/b']);
    expect(e.stderr).toBe('Error: name or ID cannot be empty\n');
  });

  it('cp into a container: files, directories, - tar streams (gzip too); -a gives the container user, --archive=false the archive ids', async () => {
    await ok(['create', '--name', 'dst', '--user', '1000:1000', 'bb', 'true']);
    const hf = hostFile('in/hello', 'hello\n');
    hostFile('in/tree/x/y', 'y\n');
    await ok(['cp', hf, 'dst:/tmp']);
    await ok(['cp', hf, 'dst:/tmp/renamed']);
    await ok(['cp', path.join(sb.dir, 'in/tree'), 'dst:/newtree']);
    await ok(['cp', `${path.join(sb.dir, 'in/tree')}/.`, 'dst:/tmp']);
    const tar = await writeTar([
      { name: 'own', content: 'own\n', uid: 1234, gid: 4321 },
      { name: 'd', type: 'directory', uid: 1234, gid: 4321 },
    ]);
    await ok(['cp', '--archive=false', '-', 'dst:/home'], tar);
    await ok(['cp', '-', 'dst:/home/user'], gzipSync(tar));
    const m = await exported('dst');
    expect(m.get('tmp/hello')).toMatchObject({ content: 'hello\n', uid: 1000, gid: 1000 });
    expect(m.get('tmp/renamed')?.content).toBe('hello\n');
    expect(m.get('newtree/x/y')).toMatchObject({ content: 'y\n', uid: 1000 });
    expect(m.get('tmp/x/y')?.content).toBe('y\n');
    expect(m.get('home/own')).toMatchObject({ uid: 1234, gid: 4321 });
    expect(m.get('home/d')).toMatchObject({ type: 'directory', uid: 1234, gid: 4321 });
    expect(m.get('home/user/own')).toMatchObject({ uid: 1000, gid: 1000 });

    let e = await run(['cp', '-', 'dst:/etc/passwd'], tar);
    expect(e.stderr).toBe('Error: destination must be a directory when copying from stdin\n');
    e = await run(['cp', '-', 'dst:/tmp'], 'not a tar at all');
    expect(e.stderr).toBe('Error: source must be a (compressed) tar archive when copying from stdin\n');
    e = await run(['cp', path.join(sb.dir, 'in/tree'), 'dst:/etc/passwd']);
    expect(e.stderr).toBe('Error: destination must be a directory when copying a directory\n');
    e = await run(['cp', hf, 'dst:/nodir/x']);
    expect(e.stderr).toBe('Error: "/nodir/x" could not be found on container dst: no such file or directory\n');
    // A file over a directory needs --overwrite.
    const clash = await writeTar([{ name: 'tmp', content: 'file now\n' }]);
    e = await run(['cp', '-', 'dst:/'], clash);
    expect([e.exitCode, e.stderr]).toEqual([125, 'Error: copying to container: error creating "/tmp": open /tmp: file exists\n']);
  });

  it('symlinks in the container never lead a copy to the host (stopped and running, both directions)', async () => {
    const links = 'ln -s / /x; ln -s ../../../../../../.. /esc; ln -s /etc/passwd /pw; ln -s ../../../../../etc /dir1/rel; ln -s /tmp /abs';
    await ok(['run', '--name', 'links', 'bb', 'sh', '-c', links]);
    const hostPasswd = sha('/etc/passwd');
    const hf = hostFile('evil', 'evil\n');
    const marker = `tsc-run-cp-escape-${process.pid}-${as}`;
    const leaked = [`/tmp/${marker}`, `/etc/${marker}`, `/${marker}`];
    for (const dest of [`links:/x/tmp/${marker}`, `links:/esc/etc/${marker}`, `links:/dir1/rel/${marker}`, `links:/abs/${marker}`, `links:/esc/${marker}`]) {
      await ok(['cp', hf, dest]);
    }
    await ok(['cp', hf, 'links:/pw']); // the container's /etc/passwd, not ours
    for (const p of leaked) expect(fs.existsSync(p), p).toBe(false);
    expect(sha('/etc/passwd')).toBe(hostPasswd);
    const m = await exported('links');
    expect(m.get(`tmp/${marker}`)?.content).toBe('evil\n');
    expect(m.get(`etc/${marker}`)?.content).toBe('evil\n');
    expect(m.get(marker)?.content).toBe('evil\n');
    expect(m.get('etc/passwd')?.content).toBe('evil\n');

    // Out of the container: the container's files, whatever the links say.
    const out = path.join(sb.dir, 'links-out');
    fs.mkdirSync(out);
    sb.chown(out);
    await ok(['cp', 'links:/dir1/rel/group', `${out}/group`]);
    expect(fs.readFileSync(`${out}/group`, 'utf8')).toBe('root:x:0:\nuser:x:1000:\nnobody:x:65534:\n');
    await ok(['cp', 'links:/esc/etc/motd', `${out}/motd`]);
    expect(fs.readFileSync(`${out}/motd`, 'utf8')).toBe('welcome\n');
    await ok(['cp', 'links:/x', `${out}/root`]);
    expect(fs.readFileSync(`${out}/root/etc/hostname`, 'utf8')).toBe('busybox\n');
    expect(fs.existsSync(`${out}/root/work`)).toBe(false); // the host's /work, not there
    // links inside a copied tree stay links, pointing where they pointed
    expect(fs.readlinkSync(`${out}/root/x`)).toBe('/');

    // A tar that plants a link and writes through it stays in the container too.
    const planted = await writeTar([
      { name: 'up', type: 'symlink', linkname: '/' },
      { name: `up/tmp/${marker}-tar`, content: 'via link\n' },
      { name: `../../../../../../tmp/${marker}-dots`, content: 'dots\n' },
    ]);
    await ok(['cp', '-', 'links:/dir1'], planted);
    expect(fs.existsSync(`/tmp/${marker}-tar`)).toBe(false);
    expect(fs.existsSync(`/tmp/${marker}-dots`)).toBe(false);
    const m2 = await exported('links');
    expect(m2.get(`tmp/${marker}-tar`)?.content).toBe('via link\n');
    expect(m2.get(`dir1/tmp/${marker}-dots`)?.content).toBe('dots\n');

    // On the host, a symlink already at a destination path is never written through: refused
    // as a non-directory in a directory's way (podman's copier), replaced with --overwrite.
    const outside = path.join(sb.dir, 'outside');
    fs.mkdirSync(outside);
    sb.chown(outside);
    const dest = path.join(sb.dir, 'dest');
    fs.mkdirSync(dest);
    fs.symlinkSync(outside, path.join(dest, 'dir1'));
    sb.chown(dest);
    const clash = await run(['cp', 'links:/dir1', dest]);
    expect([clash.exitCode, clash.stderr]).toEqual([125, 'Error: copying to host: error creating "/dir1": mkdir /dir1: file exists\n']);
    expect(fs.lstatSync(path.join(dest, 'dir1')).isSymbolicLink()).toBe(true);
    await ok(['cp', '--overwrite', 'links:/dir1', dest]);
    expect(fs.lstatSync(path.join(dest, 'dir1')).isDirectory()).toBe(true);
    expect(fs.readdirSync(outside)).toEqual([]);

    if (!full) return;
    // A running container: its own root mount, joined.
    await ok(['run', '-d', '--name', 'live', 'bb', 'sh', '-c', `${links}; echo up > /ready; exec sleep 300`]);
    for (let i = 0; i < 100 && (await run(['cp', 'live:/ready', path.join(sb.dir, 'ready')])).exitCode !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    await ok(['cp', hf, `live:/x/tmp/${marker}`]);
    await ok(['cp', hf, `live:/esc/etc/${marker}`]);
    for (const p of leaked) expect(fs.existsSync(p), p).toBe(false);
    const seen = await ok(['exec', 'live', 'cat', `/tmp/${marker}`, `/etc/${marker}`]);
    expect(seen.stdout).toBe('evil\nevil\n');
    await ok(['cp', 'live:/esc/etc/group', `${out}/live-group`]);
    expect(fs.readFileSync(`${out}/live-group`, 'utf8')).toBe('root:x:0:\nuser:x:1000:\nnobody:x:65534:\n');
    expect((await ok(['diff', 'live'])).stdout).toContain(`A /tmp/${marker}\n`);
    await ok(['rm', '-f', '-t', '0', 'live']);
  });

  it('cp reaches a volume mounted in the container (its data, not the directory under the mount), stopped and running', async () => {
    await ok(['create', '--name', 'withvol', '-v', 'cpvol:/data', 'bb', 'sleep', '300']);
    const hf = hostFile('vol-in', 'into the volume\n');
    await ok(['cp', hf, 'withvol:/data/file']);
    expect((await ok(['run', '--rm', '-v', 'cpvol:/mnt', 'bb', 'cat', '/mnt/file'])).stdout).toBe('into the volume\n');
    await ok(['run', '--rm', '-v', 'cpvol:/mnt', 'bb', 'sh', '-c', 'echo from-container > /mnt/back']);
    const out = path.join(sb.dir, 'vol-out');
    await ok(['cp', 'withvol:/data/back', out]);
    expect(fs.readFileSync(out, 'utf8')).toBe('from-container\n');
    if (!full) return;
    await ok(['start', 'withvol']);
    await ok(['cp', hf, 'withvol:/data/live']);
    expect((await ok(['exec', 'withvol', 'cat', '/data/live'])).stdout).toBe('into the volume\n');
    await ok(['rm', '-f', '-t', '0', 'withvol']);
  });

  it('diff: A/C/D lines with a deleted image file (whiteout) and an opaque dir, --format json', async () => {
    await ok(['run', '--name', 'changed', 'bb', 'sh', '-c', 'rm /etc/motd; rm -rf /dir1; mkdir /dir1; echo new > /dir1/a; echo n > /dir1/n; echo x >> /etc/group; mkdir -p /n1/n2; touch /n1/n2/f']);
    const r = await ok(['diff', 'changed']);
    expect(r.stdout).toBe(['D /dir1', 'C /dir1/a', 'A /dir1/n', 'C /etc', 'C /etc/group', 'D /etc/motd', 'A /n1', 'A /n1/n2', 'A /n1/n2/f', ''].join('\n'));
    const j = JSON.parse((await ok(['container', 'diff', '--format', 'json', 'changed'])).stdout);
    expect(j).toEqual({ changed: ['/dir1/a', '/etc', '/etc/group'], added: ['/dir1/n', '/n1', '/n1/n2', '/n1/n2/f'], deleted: ['/dir1', '/etc/motd'] });
    expect((await ok(['diff', '--format', 'json', 'src'])).stdout).toBe('{}\n');
    const e = await run(['diff', '--format', 'table', 'changed']);
    expect(e.stderr).toBe("Error: only supported value for '--format' is 'json'\n");
    expect((await run(['diff', 'nosuch'])).stderr).toBe('Error: nosuch not found: layer not known\n');
  });

  it('commit: the new image runs with the changes and the deletions; -c, -a, -m with -f docker; podman history', async () => {
    const e = await run(['commit', '-m', 'msg', 'changed', 'x']);
    expect([e.exitCode, e.stderr]).toEqual([125, 'Error: messages are only compatible with the docker image format (-f docker)\n']);
    const r = await run(['commit', '-q', '-a', 'An Author', '-c', 'CMD ["sh","-c","ls /dir1; cat /dir1/a; test -e /etc/motd || echo no-motd; tail -n 1 /etc/group"]', 'changed', 'committed:1']);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const out = await ok(['run', '--rm', 'committed:1']);
    expect(out.stdout).toBe('a\nn\nnew\nno-motd\nx\n');
    expect((await ok(['image', 'inspect', '--format', '{{.Author}}|{{.Id}}', 'committed:1'])).stdout).toBe(`An Author|${id}\n`);
    const hist = JSON.parse((await ok(['image', 'inspect', 'committed:1'])).stdout)[0].History;
    expect(hist.at(-1)).toMatchObject({ created_by: '/bin/sh', author: 'An Author', comment: 'FROM localhost/bb:latest' });
    // The new layer holds only the changes, whiteouts in OCI form.
    expect((await ok(['image', 'diff', 'committed:1'])).stdout).toContain('D /etc/motd\n');
    const d = await run(['commit', '-f', 'docker', '-m', 'a message', 'changed', 'committed:docker']);
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.stderr).toMatch(/^Getting image source signatures\nCopying blob sha256:[0-9a-f]{64}\nCopying blob sha256:[0-9a-f]{64}\nCopying config sha256:[0-9a-f]{64}\nWriting manifest to image destination\nStoring signatures\n$/);
    expect((await ok(['image', 'inspect', '--format', '{{.Comment}} {{.ManifestType}}', 'committed:docker'])).stdout).toBe('a message application/vnd.docker.distribution.manifest.v2+json\n');
    expect((await ok(['run', '--rm', 'committed:docker', 'cat', '/dir1/n'])).stdout).toBe('n\n');
    if (!full) return;
    // --pause: a running container is paused while its changes are read, running again after.
    await ok(['run', '-d', '--name', 'busy', 'bb', 'sh', '-c', 'echo live > /live; exec sleep 300']);
    let c;
    for (let i = 0; i < 100; i++) {
      c = await run(['commit', '-q', '--pause', 'busy', 'from-running']);
      if (c.exitCode === 0 && (await run(['run', '--rm', 'from-running', 'cat', '/live'])).stdout === 'live\n') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await ok(['run', '--rm', 'from-running', 'cat', '/live'])).stdout).toBe('live\n');
    expect((await ok(['ps', '--format', '{{.Names}} {{.Status}}', '--filter', 'name=busy'])).stdout).toMatch(/^busy Up/);
    await ok(['rm', '-f', '-t', '0', 'busy']);
  });

  it('export: the merged root as a tar (-o or a redirected stdout)', async () => {
    const m = await exported('changed');
    expect(m.has('etc/motd')).toBe(false);
    expect(m.get('dir1/a')?.content).toBe('new\n');
    expect(m.has('dir1/sub')).toBe(false);
    expect(m.get('bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(m.has('')).toBe(false);
    const f = path.join(sb.dir, 'stdout.tar');
    const r = await toFile(['export', 'changed'], f);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await readTar(fs.readFileSync(f))).length).toBe(m.size);
    const e = await run(['export', '-o', path.join(sb.dir, 'a:b'), 'changed']);
    expect(e.stderr).toBe(`Error: invalid filename (should not contain ':') "${path.join(sb.dir, 'a:b')}"\n`);
  });

  it('mount: inside tsc-run unshare when rootless (podman), the merged root listed; unmount prints the name', async () => {
    const bin = cliArgv(sb, []).map((a) => `'${a}'`).join(' ');
    if (as === 'user') {
      const e = await run(['mount', 'changed']);
      expect([e.exitCode, e.stderr]).toEqual([125, 'Error: cannot run command "tsc-run mount" in rootless mode, must execute `tsc-run unshare` first\n']);
    }
    const script = `set -e; m=$(${bin} mount changed); ls "$m/dir1"; cat "$m/dir1/a"; ${bin} mount changed >/dev/null; ${bin} mount | sed 's/^[0-9a-f]* *//' | grep -c merged; ${bin} umount changed; ${bin} unmount changed; test -e "$m/dir1/a" && echo still-mounted || echo unmounted; ${bin} mount | wc -l`;
    const o = sb.owner;
    const env = { HOME: sb.home, XDG_RUNTIME_DIR: sb.xdgRuntime, XDG_CACHE_HOME: sharedUserDir('cache', o.uid, o.gid) };
    const r = as === 'user' ? await ok(['unshare', 'sh', '-c', script]) : await runAs('root', 'sh', ['-c', script], { cwd: sb.dir, env });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('a\nn\nnew\n1\nchanged\nchanged\nunmounted\n0\n');
  });

  if (!full) return;

  it('vfs: cp both ways, diff against the image, commit', async () => {
    await ok(['--storage-driver', 'vfs', 'run', '--name', 'v', 'bb', 'sh', '-c', 'rm /etc/motd; echo changed > /dir1/a; ln -s / /x']);
    const hf = hostFile('vfs-in', 'vfs\n');
    await ok(['cp', hf, 'v:/x/tmp/vfs-in']);
    expect(fs.existsSync('/tmp/vfs-in')).toBe(false);
    const out = path.join(sb.dir, 'vfs-out');
    await ok(['cp', 'v:/dir1/a', out]);
    expect(fs.readFileSync(out, 'utf8')).toBe('changed\n');
    expect((await ok(['diff', 'v'])).stdout).toBe(['C /dir1', 'C /dir1/a', 'C /etc', 'D /etc/motd', 'C /tmp', 'A /tmp/vfs-in', 'A /x', ''].join('\n'));
    await ok(['commit', '-q', 'v', 'vfs-committed']);
    expect((await ok(['run', '--rm', 'vfs-committed', 'sh', '-c', 'cat /dir1/a /tmp/vfs-in; test -e /etc/motd || echo gone'])).stdout).toBe('changed\nvfs\ngone\n');
  });
}

describe('container filesystem commands as the test user', () => suite('user', true));
describe.runIf(isRoot())('container filesystem commands as root', () => suite('root', false));
