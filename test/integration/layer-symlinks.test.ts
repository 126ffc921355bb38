// Real images ship relative symlinks that climb above their layer's root
// (`usr/bin/env -> ../../../../bin/busybox`): the unpacker stores them as
// they are, and the container resolves them inside its own root, where `..`
// stops at `/`. What the unpacker writes never goes through one.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, tscRun, type Sandbox } from '../harness/index.js';

describe('symlinks that climb above the layer root', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await busyboxStore('layer-symlinks', 'user', {
      ref: 'climb',
      rootfs: {
        extra: [
          { name: 'usr/', type: 'directory', mode: 0o755 },
          { name: 'usr/local/', type: 'directory', mode: 0o755 },
          { name: 'usr/local/bin/', type: 'directory', mode: 0o755 },
          { name: 'usr/local/bin/echo', type: 'symlink', linkname: '../../../../../../bin/busybox' },
          { name: 'up', type: 'symlink', linkname: '../../../../..' },
        ],
      },
    });
  });
  afterAll(() => disposeStore(sb));

  it('are imported as they are and resolve inside the container', async () => {
    const r = await tscRun(['run', '--rm', 'climb', 'sh', '-c', 'readlink /usr/local/bin/echo; /usr/local/bin/echo via-link; ls /up/bin/busybox'], { sandbox: sb });
    expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: '../../../../../../bin/busybox\nvia-link\n/up/bin/busybox\n' });
  });

  it('are kept on disk as the layer has them (nothing followed on the host)', () => {
    const layers = fs.readdirSync(path.join(sb.root, 'layers'));
    const links = layers.map((l) => path.join(sb.root, 'layers', l, 'diff', 'usr/local/bin/echo')).filter((p) => fs.existsSync(path.dirname(p)));
    expect(links.map((p) => fs.readlinkSync(p))).toEqual(['../../../../../../bin/busybox']);
  });
});
