// Volume details of podman 4.3 (issue 9, podman's 160-volumes.bats):
// `volume create -o type=bind -o device=PATH` checks PATH exists (podman's
// message, 125), and containers.conf [engine] image_volume_mode is the
// default of --image-volume for an image's VOLUME. As the test user.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

describe('volume parity with podman 4.3', () => {
  let sb: Sandbox;
  const cli = (args: string[], env: Record<string, string> = {}) => tscRun(args, { sandbox: sb, env, timeoutMs: 120_000 });
  beforeAll(async () => {
    sb = await busyboxSandbox('volume-parity', 'user');
  });
  afterAll(() => disposeSandbox(sb));

  it('volume create -o type=bind: the device must exist', async () => {
    const bad = await cli(['volume', 'create', '-o', 'type=bind', '-o', 'device=/bogus', 'bindvol']);
    expect([bad.exitCode, bad.stdout, bad.stderr]).toEqual([125, '', "Error: invalid volume option device for driver 'local': stat /bogus: no such file or directory\n"]);
    expect((await cli(['volume', 'exists', 'bindvol'])).exitCode).toBe(1);
    const dir = path.dirname(sb.file('bindsrc/myfile', 'x'));
    const good = await cli(['volume', 'create', '-o', 'type=bind', '-o', `device=${dir}`, 'bindvol']);
    expect([good.exitCode, good.stdout, good.stderr]).toEqual([0, 'bindvol\n', '']);
    const r = await cli(['run', '--rm', '-v', 'bindvol:/vol', 'bb', 'cat', '/vol/myfile']);
    expect([r.exitCode, r.stdout]).toEqual([0, 'x']);
    // Another type does not check the device (podman).
    expect((await cli(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=/bogus', 'tmpvol'])).exitCode).toBe(0);
  });

  it('[engine] image_volume_mode is the default of --image-volume; the flag overrides it', async () => {
    const ctx = path.dirname(sb.file('volimg/Containerfile', 'FROM bb\nVOLUME /data\n'));
    const b = await cli(['build', '-q', '-t', 'volimg', ctx]);
    expect(b.exitCode, b.stderr).toBe(0);
    const conf = sb.file('conf/iv.conf', '[engine]\nimage_volume_mode = "tmpfs"\n');
    const env = { CONTAINERS_CONF: conf };
    const fsType = (args: string[], e: Record<string, string> = {}) => cli(['run', '--rm', ...args, 'volimg', 'sh', '-c', 'grep " /data " /proc/mounts | cut -d" " -f3'], e);
    expect((await fsType([], env)).stdout).toBe('tmpfs\n');
    expect((await fsType(['--image-volume', 'bind'], env)).stdout).not.toBe('tmpfs\n');
    expect((await fsType(['--image-volume', 'ignore'], env)).stdout).toBe('');
    expect((await fsType([])).stdout).not.toBe('tmpfs\n');
    const bad = sb.file('conf/bad.conf', '[engine]\nimage_volume_mode = "bogus"\n');
    const r = await cli(['run', '--rm', 'volimg', 'true'], { CONTAINERS_CONF: bad });
    expect([r.exitCode, r.stderr]).toEqual([125, 'Error: invalid image volume mode "bogus" required value: bind, tmpfs, ignore\n']);
  });
});
