// cp and a container's mounts (issue 9, podman's 065-cp.bats): a running
// container is copied into and out of through its own mount namespace, so
// a tmpfs, a volume and a bind mount are what the container sees (podman's
// joinMountAndExec), the root's /proc and /sys are not walked; a stopped
// one's tmpfs does not exist, its rootfs holds the path. A directory never
// replaces a file nor the reverse without --overwrite, in every direction,
// with podman's `error creating "...": ...: file exists` and 125. As the
// test user, and as root.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, sandboxCli, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

function suite(as: As) {
  let sb: Sandbox;
  // `ok`: exit 0 and nothing on stderr.
  const { cli, ok } = sandboxCli(() => sb, { timeoutMs: 120_000, quiet: true });
  beforeAll(async () => {
    sb = await busyboxSandbox(`cp-mounts-${as}`, as);
  });
  afterAll(async () => {
    await cli(['rm', '-fa', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('a running container: into and out of its tmpfs, volume and bind mount, as it sees them', async () => {
    const bindDir = path.dirname(sb.file('bind/b.txt', 'bind file\n'));
    sb.chown(bindDir);
    const hf = sb.file('in/f.txt', 'from host\n');
    await ok(['run', '-d', '--name', 'mnt', '--mount', 'type=tmpfs,dst=/tmp', '-v', 'cpvol:/vol', '-v', `${bindDir}:/bnd`, 'bb', 'sleep', '1000']);
    await ok(['exec', 'mnt', 'sh', '-c', 'echo in tmpfs > /tmp/t.txt']);

    for (const dst of ['/tmp/', '/vol/', '/bnd/']) await ok(['cp', hf, `mnt:${dst}`]);
    // Inside the mounts, not under them in the rootfs.
    expect(await ok(['exec', 'mnt', 'cat', '/tmp/f.txt', '/vol/f.txt', '/bnd/f.txt'])).toBe('from host\n'.repeat(3));
    expect(fs.readFileSync(path.join(bindDir, 'f.txt'), 'utf8')).toBe('from host\n');

    const out = path.join(sb.dir, 'out');
    fs.mkdirSync(out);
    sb.chown(out);
    await ok(['cp', 'mnt:/tmp/t.txt', out]);
    expect(fs.readFileSync(path.join(out, 't.txt'), 'utf8')).toBe('in tmpfs\n');
    await ok(['cp', 'mnt:/bnd', out]);
    expect(fs.readdirSync(path.join(out, 'bnd')).sort()).toEqual(['b.txt', 'f.txt']);
    await ok(['cp', 'mnt:/vol/.', path.join(out, 'volcopy')]);
    expect(fs.readdirSync(path.join(out, 'volcopy'))).toEqual(['f.txt']);

    // The whole root: the mounts' contents, no /proc, /sys or /dev.
    await ok(['cp', 'mnt:/', path.join(sb.dir, 'rootcopy')]);
    const top = fs.readdirSync(path.join(sb.dir, 'rootcopy'));
    expect(top).toEqual(expect.arrayContaining(['tmp', 'vol', 'bnd', 'etc']));
    expect(top.filter((n) => ['proc', 'sys', 'dev'].includes(n))).toEqual([]);
    expect(fs.readFileSync(path.join(sb.dir, 'rootcopy/tmp/t.txt'), 'utf8')).toBe('in tmpfs\n');

    // Stopped: no tmpfs, a copy lands in the rootfs (the next start's tmpfs copies it up); the volume is its source.
    await ok(['stop', '-t', '0', 'mnt']);
    await ok(['cp', hf, 'mnt:/tmp/after.txt']);
    await ok(['cp', 'mnt:/vol/f.txt', path.join(out, 'vol-stopped.txt')]);
    expect(fs.readFileSync(path.join(out, 'vol-stopped.txt'), 'utf8')).toBe('from host\n');
    await ok(['start', 'mnt']);
    expect(await ok(['exec', 'mnt', 'ls', '/tmp'])).toBe('after.txt\n');
    await ok(['rm', '-f', '-t', '0', 'mnt']);
  });

  it('a directory never replaces a file nor the reverse without --overwrite: podman words, 125, both directions', async () => {
    await ok(['run', '-d', '--name', 'cfile', 'bb', 'sh', '-c', 'echo FILE > /tmp/foo; sleep 1000']);
    await ok(['run', '-d', '--name', 'cdir', 'bb', 'sh', '-c', 'mkdir /tmp/foo; echo DIR > /tmp/foo/file.txt; sleep 1000']);
    // Both containers have written their /tmp/foo.
    for (let i = 0; i < 100; i++) {
      const a = await cli(['exec', 'cfile', 'cat', '/tmp/foo']);
      const b = await cli(['exec', 'cdir', 'cat', '/tmp/foo/file.txt']);
      if (a.exitCode === 0 && b.exitCode === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const refused = async (args: string[], msg: string) => {
      const r = await cli(args);
      expect([r.exitCode, r.stdout, r.stderr], args.join(' ')).toEqual([125, '', `Error: ${msg}\n`]);
    };
    await refused(['cp', 'cfile:/tmp/foo', 'cdir:/tmp'], 'copying to container: error creating "/tmp/foo": open /tmp/foo: file exists');
    await refused(['cp', 'cdir:/tmp/foo', 'cfile:/tmp'], 'copying to container: error creating "/tmp/foo": mkdir /tmp/foo: file exists');

    const host = path.join(sb.dir, 'ow');
    fs.mkdirSync(path.join(host, 'foo'), { recursive: true });
    sb.chown(host);
    await refused(['cp', 'cfile:/tmp/foo', host], 'copying to host: error creating "/foo": open /foo: file exists');
    expect(fs.statSync(path.join(host, 'foo')).isDirectory()).toBe(true);
    await ok(['cp', '--overwrite', 'cfile:/tmp/foo', host]);
    expect(fs.readFileSync(path.join(host, 'foo'), 'utf8')).toBe('FILE\n');
    await refused(['cp', 'cdir:/tmp/foo', host], 'copying to host: error creating "/foo": mkdir /foo: file exists');
    await ok(['cp', '--overwrite', 'cdir:/tmp/foo', host]);
    expect(fs.readFileSync(path.join(host, 'foo/file.txt'), 'utf8')).toBe('DIR\n');

    // host dir -> container file, host file -> container dir.
    await refused(['cp', path.join(host, 'foo'), 'cfile:/tmp'], 'copying to container: error creating "/tmp/foo": mkdir /tmp/foo: file exists');
    const hf = sb.file('ow2/foo', 'HOST\n');
    sb.chown(path.dirname(hf));
    await refused(['cp', hf, 'cdir:/tmp'], 'copying to container: error creating "/tmp/foo": open /tmp/foo: file exists');
    await ok(['cp', '--overwrite', hf, 'cdir:/tmp']);
    expect(await ok(['exec', 'cdir', 'cat', '/tmp/foo'])).toBe('HOST\n');
    await ok(['cp', '--overwrite', 'cdir:/tmp/foo', 'cfile:/tmp']);
    expect(await ok(['exec', 'cfile', 'cat', '/tmp/foo'])).toBe('HOST\n');
    await ok(['rm', '-f', '-t', '0', 'cfile', 'cdir']);
  });
}

describe('cp and mounts as the test user', () => suite('user'));
describe.runIf(isRoot())('cp and mounts as root', () => suite('root'));
