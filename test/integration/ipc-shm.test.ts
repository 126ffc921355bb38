// IPC sharing as podman 4.3 does it (compared side by side here): a
// container joining another's ipc namespace (`--ipc container:NAME`, a pod's
// members) sees the same SysV objects AND the same /dev/shm (POSIX shared
// memory is a tmpfs, not part of the namespace: helpers/src/shm-join.c);
// `--ipc none` has no /dev/shm, `--ipc host` the host's, `private` one of its
// own nobody may join; --shm-size sizes the /dev/shm that is made, and is
// refused where none is made. As the test user and as root.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, type As, type Sandbox } from '../harness/index.js';
import type { TarEntry } from '../harness/images.js';
import { busyboxSandbox, disposeSandbox, sandboxCli } from './run-util.js';

/** ipcmk and ipcs (util-linux, dynamically linked) with the libraries they load, for the busybox image. */
function sysvTools(): TarEntry[] {
  const bins = ['/usr/bin/ipcmk', '/usr/bin/ipcs'];
  const libs = new Set<string>();
  for (const b of bins) {
    for (const m of execFileSync('ldd', [b], { encoding: 'utf8' }).matchAll(/(\/\S+)\s+\(0x/g)) libs.add(m[1]!);
  }
  const dirs = new Set<string>();
  for (const f of [...bins, ...libs]) {
    const parts = f.slice(1).split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [
    ...[...dirs].sort().map((d): TarEntry => ({ name: d, type: 'directory', mode: 0o755 })),
    ...[...bins, ...libs].map((f): TarEntry => ({ name: f.slice(1), content: fs.readFileSync(f), mode: 0o755 })),
  ];
}

function suite(as: As): void {
  let sb: Sandbox;
  const { cli, ok } = sandboxCli(() => sb);
  const refused = async (args: string[], msg: string) => {
    const r = await cli(args);
    expect([r.exitCode, r.stdout, r.stderr], args.join(' ')).toEqual([125, '', `Error: ${msg}\n`]);
  };
  const shmKb = 'df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2';
  /** The ids of the SysV shared memory segments a container sees. */
  const segments = async (args: string[]) => (await ok([...args, 'bb', 'ipcs', '-m'])).split('\n').filter((l) => /^0x/.test(l)).map((l) => l.split(/\s+/)[1]);

  beforeAll(async () => {
    sb = await busyboxSandbox(`ipc-shm-${as}`, as, { rootfs: { extra: sysvTools() } });
    await ok(['run', '-d', '--name', 'donor', '--network', 'none', '--shm-size', '2m', 'bb', 'sleep', '1000']);
  }, 120_000);
  afterAll(async () => {
    await cli(['pod', 'rm', '-f', '-a', '-t', '0']);
    await disposeSandbox(sb);
  });

  it('--ipc container: shares the donor\'s /dev/shm both ways (its size) and its SysV segments; others see neither', async () => {
    await ok(['exec', 'donor', 'sh', '-c', 'echo from-donor > /dev/shm/posix']);
    const id = (await ok(['exec', 'donor', 'ipcmk', '-M', '4096'])).match(/id: (\d+)/)![1];
    expect(await ok(['run', '--rm', '--network', 'none', '--ipc', 'container:donor', 'bb', 'sh', '-c', `cat /dev/shm/posix; echo from-joiner > /dev/shm/back; ${shmKb}`]))
      .toBe('from-donor\n2048\n');
    expect(await ok(['exec', 'donor', 'cat', '/dev/shm/back'])).toBe('from-joiner\n');
    expect(await segments(['run', '--rm', '--network', 'none', '--ipc', 'container:donor'])).toEqual([id]);
    // A container of its own: neither.
    expect(await ok(['run', '--rm', '--network', 'none', 'bb', 'ls', '/dev/shm'])).toBe('');
    expect(await segments(['run', '--rm', '--network', 'none'])).toEqual([]);
    // Its /dev/shm is the donor's: a size of its own cannot apply (podman ignores it; we say so).
    await refused(['run', '--rm', '--ipc', 'container:donor', '--shm-size', '1m', 'bb', 'true'],
      '--shm-size and --ipc container:donor cannot be used together: the container shares the /dev/shm of donor');
  });

  it('a stopped donor is started first (a fresh /dev/shm, as podman) and cannot be removed before its joiner', async () => {
    await ok(['run', '-d', '--name', 'd2', '--network', 'none', 'bb', 'sleep', '1000']);
    await ok(['exec', 'd2', 'touch', '/dev/shm/old']);
    await ok(['create', '--name', 'j2', '--network', 'none', '--ipc', 'container:d2', 'bb', 'sh', '-c', 'touch /dev/shm/new; ls /dev/shm']);
    await ok(['stop', '-t', '0', 'd2']);
    expect(await ok(['start', '-a', 'j2'])).toBe('new\n');
    expect(await ok(['exec', 'd2', 'ls', '/dev/shm'])).toBe('new\n');
    const r = await cli(['rm', '-f', 'd2']);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/has dependent containers which must be removed before it/);
    await ok(['rm', '-f', '-t', '0', 'j2', 'd2']);
  });

  it('pod members share the infra\'s /dev/shm (the pod\'s --shm-size) and SysV ipc; not with --ipc private or without ipc in --share', async () => {
    await ok(['pod', 'create', '--name', 'shmpod', '--network', 'none', '--shm-size', '3m']);
    await ok(['run', '-d', '--pod', 'shmpod', '--name', 'writer', 'bb', 'sh', '-c', 'echo from-writer > /dev/shm/g; exec sleep 1000']);
    const id = (await ok(['exec', 'writer', 'ipcmk', '-M', '4096'])).match(/id: (\d+)/)![1];
    expect(await ok(['run', '--rm', '--pod', 'shmpod', 'bb', 'sh', '-c', `cat /dev/shm/g; ${shmKb}`])).toBe('from-writer\n3072\n');
    expect(await segments(['run', '--rm', '--pod', 'shmpod'])).toEqual([id]);
    // podman's inspect: the pod's size, the infra's namespaces.
    const infra = (await ok(['pod', 'inspect', '--format', '{{.InfraContainerID}}', 'shmpod'])).trim();
    expect(await ok(['inspect', '--format', '{{.HostConfig.ShmSize}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}} {{.HostConfig.PidMode}}', 'writer']))
      .toBe(`3145728 container:${infra} container:${infra} private\n`);
    // Its own ipc namespace: a /dev/shm of its own, of the pod's size (podman's InfraInherit).
    expect(await ok(['run', '--rm', '--pod', 'shmpod', '--ipc', 'private', 'bb', 'sh', '-c', `ls /dev/shm; ${shmKb}`])).toBe('3072\n');
    await refused(['run', '--rm', '--pod', 'shmpod', '--shm-size', '5m', 'bb', 'true'],
      '--shm-size: the container shares the /dev/shm of its pod (which shares ipc): give the size to pod create --shm-size');
    await ok(['pod', 'create', '--name', 'noipc', '--network', 'none', '--share', 'net,uts']);
    await ok(['run', '-d', '--pod', 'noipc', '--name', 'w2', 'bb', 'sh', '-c', 'echo x > /dev/shm/g; exec sleep 1000']);
    expect(await ok(['run', '--rm', '--pod', 'noipc', 'bb', 'ls', '/dev/shm'])).toBe('');
    await ok(['pod', 'rm', '-f', '-t', '0', 'shmpod', 'noipc']);
  });

  it('--ipc none has no /dev/shm, --ipc host the host\'s; --shm-size with either is refused as podman refuses it', async () => {
    expect(await ok(['run', '--rm', '--network', 'none', '--ipc', 'none', 'bb', 'sh', '-c', 'ls /dev | tr "\\n" " "; test -e /dev/shm || echo no-shm']))
      .toBe('fd full mqueue null ptmx pts random stderr stdin stdout tty urandom zero no-shm\n');
    expect(await ok(['inspect', '--format', '{{.HostConfig.IpcMode}}', 'donor'])).toBe('shareable\n');
    // A container joining one without /dev/shm gets its own (and may size it), as podman.
    await ok(['run', '-d', '--name', 'noshm', '--network', 'none', '--ipc', 'none', 'bb', 'sleep', '1000']);
    expect(await ok(['run', '--rm', '--network', 'none', '--ipc', 'container:noshm', '--shm-size', '1m', 'bb', 'sh', '-c', shmKb])).toBe('1024\n');
    await ok(['rm', '-f', '-t', '0', 'noshm']);
    const name = `tsc-run-ipc-shm-test-${process.pid}-${as}`;
    try {
      await ok(['run', '--rm', '--network', 'none', '--ipc', 'host', 'bb', 'sh', '-c', `echo host > /dev/shm/${name}; grep -w /dev/shm /proc/mounts | grep -c nosuid,nodev,noexec`]);
      expect(fs.readFileSync(`/dev/shm/${name}`, 'utf8')).toBe('host\n');
    } finally {
      fs.rmSync(`/dev/shm/${name}`, { force: true });
    }
    await refused(['run', '--rm', '--ipc', 'none', '--shm-size', '1m', 'bb', 'true'], 'invalid config provided: cannot set shmsize when running in the {none } IPC Namespace');
    await refused(['run', '--rm', '--ipc', 'host', '--shm-size', '1m', 'bb', 'true'], 'invalid config provided: cannot set shmsize when running in the {host } IPC Namespace');
  });
}

describe('ipc and /dev/shm sharing as the test user', () => suite('user'));
describe.runIf(isRoot())('ipc and /dev/shm sharing as root', () => suite('root'));
