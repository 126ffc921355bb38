// rmi of a mounted image, as podman 4.3: no refusal (with or without -f);
// the image's mount is taken down and its record dropped, then the image
// goes. A mount made in another (since vanished) namespace is forgotten.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import { busyboxStore, disposeStore, type BusyboxStore } from '../harness/fixtures.js';
import { buildBusyboxRootfsTar } from '../harness/images.js';
import { cliArgv } from './run-util.js';

let sb: BusyboxStore;

beforeAll(async () => {
  sb = await busyboxStore('image-mount-rmi', 'user');
});
afterAll(async () => {
  await disposeStore(sb);
});

describe('rmi of a mounted image (rootless, inside unshare)', () => {
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });

  it('removes it and unmounts it, as podman does; -f too', async () => {
    const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'two.tar'), { extra: [{ name: 'two.txt', content: '2\n' }] });
    sb.chown(tar.path);
    const two = (await tscRunOk(['import', '-q', tar.path, 'two:1'], { sandbox: sb })).stdout.trim().replace(/^sha256:/, '');
    const bin = cliArgv(sb, []).map((a) => `'${a}'`).join(' ');
    const script = [
      'set -e',
      `m=$(${bin} image mount bb)`,
      'test -x "$m/bin/busybox" && echo mounted',
      `${bin} rmi bb`,
      'test -e "$m/bin/busybox" && echo still-there || echo unmounted',
      `${bin} image mount | wc -l`,
      `m2=$(${bin} image mount two:1)`,
      `${bin} image mount two:1 >/dev/null`,
      `${bin} rmi -f two:1`,
      'test -e "$m2/two.txt" && echo still-there || echo unmounted',
      `${bin} image mount | wc -l`,
    ].join('\n');
    const r = await run(['unshare', 'sh', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(['mounted', 'Untagged: localhost/bb:latest', `Deleted: ${sb.image.id}`, 'unmounted', '0', 'Untagged: localhost/two:1', `Deleted: ${two}`, 'unmounted', '0', ''].join('\n'));
    expect(r.exitCode).toBe(0);
  });

  it('a mount left by a namespace that is gone is forgotten by rmi', async () => {
    const tar = await buildBusyboxRootfsTar(path.join(sb.dir, 'three.tar'), { extra: [{ name: 'three.txt', content: '3\n' }] });
    sb.chown(tar.path);
    await tscRunOk(['import', '-q', tar.path, 'three:1'], { sandbox: sb });
    const bin = cliArgv(sb, []).map((a) => `'${a}'`).join(' ');
    expect((await run(['unshare', 'sh', '-c', `${bin} image mount three:1 >/dev/null`])).exitCode).toBe(0);
    expect(await run(['rmi', 'three:1'])).toMatchObject({ exitCode: 0, stderr: '' });
    const after = await run(['unshare', 'sh', '-c', `${bin} image mount | wc -l`]);
    expect(after.stdout).toBe('0\n');
    expect((await run(['image', 'exists', 'three:1'])).exitCode).toBe(1);
  });
});
