// The init flags of run/create: --init-path (that binary, bound at
// /run/podman-init, is PID 1 as podman's catatonit), --systemd (podman
// 4.3's systemd mode: its tmpfs mounts, cgroup, environment and stop
// signal, compared with podman here by hand: docs/runtime.md). Messages and
// exit codes as podman 4.3 where podman has them.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox } from './run-util.js';

function suite(as: As) {
  let sb: Sandbox;
  let init: string;
  const run = (args: string[]) => tscRun(args, { sandbox: sb, timeoutMs: 60_000 });
  const out = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r;
  };
  const fails = async (args: string[], message: string) => {
    const r = await run(args);
    expect([r.exitCode, r.stderr]).toEqual([125, `Error: ${message}\n`]);
  };

  beforeAll(async () => {
    sb = await busyboxSandbox(`systemd-mode-${as}`, as);
    // An "init" the container can run: a script for the image's /bin/sh that says how it was called.
    init = path.join(sb.dir, 'my-init');
    fs.writeFileSync(init, '#!/bin/sh\necho "init pid $$: $*" >&2\nshift\nexec "$@"\n', { mode: 0o755 });
    sb.chown(init);
  });
  afterAll(() => disposeSandbox(sb));

  it('--init --init-path: that binary is PID 1, called as /run/podman-init -- CMD', async () => {
    const r = await out(['run', '--rm', '--init', '--init-path', init, 'bb', 'sh', '-c', 'echo $$; stat -c %a /run/podman-init']);
    expect(r.stderr).toBe('init pid 1: -- sh -c echo $$; stat -c %a /run/podman-init\n');
    expect(r.stdout).toBe('1\n755\n');
    // Read-only, as podman binds it.
    const w = await run(['run', '--rm', '--init', '--init-path', init, 'bb', 'sh', '-c', 'echo x > /run/podman-init']);
    expect(w.exitCode).not.toBe(0);
    expect(fs.readFileSync(init, 'utf8')).toMatch(/^#!\/bin\/sh/);
  });

  it('--init-path is refused without --init, for a missing file and with a shared pid namespace', async () => {
    await fails(['run', '--rm', '--init-path', init, 'bb', 'true'], `--init-path ${init} only acts with --init: add --init, or leave --init-path out`);
    await fails(['run', '--rm', '--init', '--init-path', '/nonexistent', 'bb', 'true'], 'container-init binary not found on the host: stat /nonexistent: no such file or directory');
    await fails(['run', '--rm', '--init', '--init-path', init, '--pid', 'host', 'bb', 'true'], "cannot add init binary as PID 1 (PID namespace isn't private)");
  });

  it('--systemd=always: tmpfs on /run, /run/lock, /tmp, /var/log/journal (image files copied up), container_uuid, as podman', async () => {
    // An image with files in /run and /tmp: the tmpfs mounts start with them (tmpcopyup).
    await out(['run', '--name', 'withrun', 'bb', 'sh', '-c', 'mkdir -p /run/d && echo r > /run/d/f && echo t > /tmp/t']);
    await out(['commit', '-q', 'withrun', 'bb-run']);
    await out(['rm', 'withrun']);
    const r = await out(['run', '--rm', '--systemd=always', 'bb-run', 'sh', '-c',
      'grep -E " (/run|/run/lock|/tmp|/var/log/journal) " /proc/self/mountinfo | cut -d" " -f5,6,9; cat /run/d/f /tmp/t; stat -c "%a %n" /run /run/lock /tmp /var/log/journal; env | grep -E "^container(_uuid)?=" | sort; test -e /run/.containerenv && echo containerenv']);
    const [mounts, rest] = [r.stdout.split('\n').slice(0, 4), r.stdout.split('\n').slice(4).join('\n')];
    expect(mounts.sort()).toEqual(['/run rw,nosuid,nodev,relatime tmpfs', '/run/lock rw,nosuid,nodev,relatime tmpfs', '/tmp rw,nosuid,nodev,relatime tmpfs', '/var/log/journal rw,nosuid,nodev,relatime tmpfs']);
    expect(rest).toMatch(/^r\nt\n1777 \/run\n1777 \/run\/lock\n1777 \/tmp\n1777 \/var\/log\/journal\ncontainer=podman\ncontainer_uuid=[0-9a-f]{32}\ncontainerenv\n$/);
    // container_uuid is the id's first 32 characters, unless the user sets it.
    const id = (await out(['run', '-d', '--systemd=always', 'bb', 'sh', '-c', 'echo $container_uuid'])).stdout.trim();
    await out(['wait', id]);
    expect((await out(['logs', id])).stdout).toBe(`${id.slice(0, 32)}\n`);
    await out(['rm', id]);
    expect((await out(['run', '--rm', '--systemd=always', '-e', 'container_uuid=mine', 'bb', 'sh', '-c', 'echo $container_uuid'])).stdout).toBe('mine\n');
    // Without systemd mode none of it.
    expect((await out(['run', '--rm', 'bb-run', 'sh', '-c', 'grep -cE " (/run|/tmp) " /proc/self/mountinfo; echo ${container_uuid:-none}'])).stdout).toBe('0\nnone\n');
  });

  it('--systemd: the user\'s own mounts win, --read-only keeps its tmpfs, and systemd gets the host\'s name=systemd cgroup read-write', async () => {
    const tmp = await out(['run', '--rm', '--systemd=always', '--tmpfs', '/tmp:size=1m', '-v', 'sdvol:/var/log/journal', 'bb', 'sh', '-c', 'df -k /tmp | tail -1 | tr -s " " | cut -d" " -f2; grep " /var/log/journal " /proc/self/mountinfo | cut -d" " -f9']);
    expect(tmp.stdout).toMatch(/^1024\n(?!tmpfs)\S+\n$/);
    const ro = await out(['run', '--rm', '--systemd=always', '--read-only', 'bb', 'sh', '-c', 'for d in /run /run/lock /tmp /var/tmp /var/log/journal; do touch $d/x && echo $d; done']);
    expect(ro.stdout).toBe('/run\n/run/lock\n/tmp\n/var/tmp\n/var/log/journal\n');
    const v1 = fs.existsSync('/sys/fs/cgroup/systemd') && fs.statfsSync('/sys/fs/cgroup').type !== 0x63677270;
    if (v1) {
      // podman on a cgroup v1 host: /sys/fs/cgroup/systemd bound read-write, its release_agent masked; other hierarchies stay read-only.
      const cg = await out(['run', '--rm', '--systemd=always', 'bb', 'sh', '-c', 'grep -E " /sys/fs/cgroup/(systemd|systemd/release_agent|memory) " /proc/self/mountinfo | cut -d" " -f5,6 | sort']);
      expect(cg.stdout).toMatch(/^\/sys\/fs\/cgroup\/memory ro,\S*\n\/sys\/fs\/cgroup\/systemd ro,\S*\n\/sys\/fs\/cgroup\/systemd rw,\S*\n\/sys\/fs\/cgroup\/systemd\/release_agent ro,\S*\n$/);
      const plain = await out(['run', '--rm', 'bb', 'sh', '-c', 'grep -E " /sys/fs/cgroup/systemd " /proc/self/mountinfo | cut -d" " -f6']);
      expect(plain.stdout).toMatch(/^ro,\S*\n$/);
    }
  });

  it('--systemd: true means systemd mode for an init or systemd command only; SIGRTMIN+3 (37) stops it unless --stop-signal says otherwise', async () => {
    const mode = async (args: string[]) => {
      const id = (await out(['create', ...args])).stdout.trim();
      const r = (await out(['inspect', '--format', '{{.Config.StopSignal}} {{.Config.SystemdMode}}', id])).stdout.trim();
      await out(['rm', id]);
      return r;
    };
    expect(await mode(['bb', '/sbin/init'])).toBe('37 true');
    expect(await mode(['--systemd', 'true', 'bb', '/usr/lib/systemd/systemd', '--foo'])).toBe('37 true');
    expect(await mode(['--entrypoint', '["/bin/sh","-c"]', 'bb', '/usr/sbin/init'])).toBe('37 true');
    expect(await mode(['bb', 'sleep', '1'])).toBe('15 false');
    expect(await mode(['--systemd', 'false', 'bb', '/sbin/init'])).toBe('15 false');
    expect(await mode(['--systemd', 'ALWAYS', 'bb', 'sleep', '1'])).toBe('37 true');
    expect(await mode(['--systemd', 'always', '--stop-signal', 'TERM', 'bb', 'sleep', '1'])).toBe('15 true');
    // stop sends it: the command traps 37 and exits 7.
    const id = (await out(['run', '-d', '--systemd=always', 'bb', 'sh', '-c', 'trap "exit 7" 37; echo up; while :; do sleep 0.1; done'])).stdout.trim();
    const deadline = Date.now() + 20_000;
    while (!(await run(['logs', id])).stdout.includes('up') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await out(['stop', '-t', '30', id]);
    expect((await out(['inspect', '--format', '{{.State.ExitCode}}', id])).stdout).toBe('7\n');
    await out(['rm', id]);
  });

  it('--systemd: podman\'s errors for a bad value and for --init with always', async () => {
    await fails(['run', '--rm', '--systemd', 'maybe', 'bb', 'true'], 'invalid config provided: --systemd values must be one of "true, false, always": invalid configuration');
    await fails(['run', '--rm', '--init', '--systemd', 'always', 'bb', 'true'], 'cannot use container-init binary with systemd=always');
  });
}

describe('init flags as the test user', () => suite('user'));
describe.runIf(isRoot())('init flags as root', () => suite('root'));
