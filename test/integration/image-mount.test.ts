// `image mount` / `image unmount` as podman: rootless only inside
// `tsc-run unshare` (podman's refusal outside), the image's layers as one
// read-only tree, a mount counter released by unmount (--force at once),
// the list and its JSON; and `container cleanup --rmi`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { busyboxStore, disposeStore, type BusyboxStore } from '../harness/fixtures.js';
import { cliArgv } from './run-util.js';

let sb: BusyboxStore;

beforeAll(async () => {
  sb = await busyboxStore('image-mount', 'user');
});
afterAll(async () => {
  await disposeStore(sb);
});

describe('image mount (rootless)', () => {
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });

  it('is refused outside tsc-run unshare with podman\'s message', async () => {
    expect(await run(['image', 'mount', 'bb'])).toMatchObject({ exitCode: 125, stderr: 'Error: cannot run command "tsc-run image mount" in rootless mode, must execute `tsc-run unshare` first\n' });
    expect(await run(['image', 'unmount'])).toMatchObject({ exitCode: 125, stderr: 'Error: image name or ID must be specified\n' });
    expect(await run(['image', 'mount', '--format', 'xx'])).toMatchObject({ exitCode: 125, stderr: 'Error: unknown --format argument: "xx"\n' });
  });

  it('inside unshare: the image read-only, counted, listed, released by unmount; nothing left mounted', async () => {
    const bin = cliArgv(sb, []).map((a) => `'${a}'`).join(' ');
    const id = sb.image.id;
    const script = [
      'set -e',
      `m=$(${bin} image mount bb)`,
      'test -x "$m/bin/busybox" && echo has-busybox',
      '(touch "$m/new" 2>/dev/null && echo writable) || echo read-only',
      `test "$(${bin} image mount bb)" = "$m" && echo same-path`,
      `${bin} image mount | sed "s|  $m$|  PATH|"`,
      `${bin} image mount --format json | grep -c '"mountpoint"'`,
      `${bin} image unmount bb`,
      'test -x "$m/bin/busybox" && echo still-mounted',
      `${bin} image umount bb`,
      'test -e "$m/bin/busybox" && echo still-there || echo unmounted',
      `${bin} image unmount bb | wc -l`,
      `${bin} image mount bb >/dev/null; ${bin} image mount bb >/dev/null`,
      `${bin} image unmount --force bb`,
      `${bin} image mount | wc -l`,
    ].join('\n');
    const r = await run(['unshare', 'sh', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(['has-busybox', 'read-only', 'same-path', 'localhost/bb:latest  PATH', '1', id, 'still-mounted', id, 'unmounted', '0', id, '0', ''].join('\n'));
    expect(r.exitCode).toBe(0);
  });

  it('an unknown image mounts nothing; --all mounts every image and unmount --all releases them', async () => {
    const bin = cliArgv(sb, []).map((a) => `'${a}'`).join(' ');
    await tscRunOk(['tag', 'bb', 'other:1'], { sandbox: sb });
    const script = [
      `${bin} image mount bb nosuch; echo rc=$?`,
      `${bin} image mount | wc -l`,
      `${bin} image mount --all | wc -l`,
      `${bin} image unmount --all`,
      `${bin} image mount | wc -l`,
    ].join('\n');
    const r = await run(['unshare', 'sh', '-c', script]);
    expect(r.stderr).toBe('Error: nosuch: image not known\n');
    expect(r.stdout).toBe(['rc=125', '0', '1', sb.image.id, '0', ''].join('\n'));
  });
});

describe('container cleanup --rmi', () => {
  it('removes the container\'s image as rmi does: refused while the container exists, gone with --rm', async () => {
    // A second name on the same id: rmi of one name only untags it.
    await tscRunOk(['tag', 'bb', 'gone:1'], { sandbox: sb });
    await tscRunOk(['create', '--name', 'c-untag', 'gone:1', 'true'], { sandbox: sb });
    expect(await tscRun(['container', 'cleanup', '--rmi', 'c-untag'], { sandbox: sb })).toMatchObject({ exitCode: 0, stdout: 'c-untag\n', stderr: '' });
    expect((await tscRun(['image', 'exists', 'gone:1'], { sandbox: sb })).exitCode).toBe(1);
    expect((await tscRun(['image', 'exists', 'bb'], { sandbox: sb })).exitCode).toBe(0);
    await tscRunOk(['rm', 'c-untag'], { sandbox: sb });

    const bin = await tscRunOk(['import', '-q', '--message', 'unique', sb.image.tar, 'lonely:1'], { sandbox: sb });
    const lonely = bin.stdout.trim().replace(/^sha256:/, '');
    await tscRunOk(['create', '--name', 'c-lonely', 'lonely:1', 'true'], { sandbox: sb });
    const inUse = await tscRun(['container', 'cleanup', '--rmi', 'c-lonely'], { sandbox: sb });
    expect(inUse.exitCode).toBe(125);
    expect(inUse.stderr).toMatch(/level=error msg="Removing image: image used by [0-9a-f]{64}: image is in use by a container/);
    const gone = await tscRun(['container', 'cleanup', '--rm', '--rmi', 'c-lonely'], { sandbox: sb });
    expect(gone).toMatchObject({ exitCode: 0, stdout: 'c-lonely\n', stderr: '' });
    expect((await tscRunOk(['images', '-q', '--no-trunc'], { sandbox: sb })).stdout).not.toContain(lonely);
  });
});
