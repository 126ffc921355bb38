// The container's security and generated files, end to end through the
// built CLI, as the test user (rootless) and as root: capability sets,
// no_new_privs, seccomp (our default profile, unconfined, a custom JSON
// profile), masked and read-only paths, --read-only, --user with
// supplementary groups, /etc/hosts, /etc/resolv.conf, /etc/hostname, no
// leaked fds, and the helper running from a sealed copy.
//
// Expected values are podman 4.3's (crun) on the same kind of host, measured
// with `podman run --rm IMG grep -E 'Cap|NoNewPrivs|Seccomp' /proc/self/status`
// as the test user: e.g. CapBnd 00000000800405fb for the default list.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeStore,
  emptyStore,
  importBusybox,
  isRoot,
  runAs,
  tscRun,
  type As,
  type Sandbox,
  type TarEntry,
} from '../harness/index.js';

const DEFAULT_CAPS = '00000000800405fb';
const LAST_CAP = Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
/** A new user namespace starts with every capability in its bounding set. */
const USERNS_CAPS = ((1n << BigInt(LAST_CAP + 1)) - 1n).toString(16).padStart(16, '0');

/** Syscalls whose fate tells the filter apart from the kernel's own checks. */
const PROBE_C = `
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static void show(const char *what, long r) { printf("%s %s\\n", what, r < 0 ? strerror(errno) : "ok"); }
int main(void) {
  show("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
  show("add_key", syscall(SYS_add_key, "user", "k", "v", 1, -3));
  show("userfaultfd", syscall(SYS_userfaultfd, 0));
  show("vmsplice", syscall(SYS_vmsplice, -1, 0, 0, 0));
  show("socket_audit", syscall(SYS_socket, 16, 3, 9));
  show("personality_bad", syscall(SYS_personality, 0x0040000));
  return 0;
}
`;

const GROUP = 'root:x:0:\nuser:x:1000:\nwheel:x:10:user\naudio:x:29:user,root\nnobody:x:65534:\n';

function status(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

const STATUS_CMD = ['grep', '-E', '^(Cap|NoNewPrivs|Seccomp:)', '/proc/self/status'];

function suite(as: As): void {
  let sb: Sandbox;
  let probe = false;
  /** What --privileged can give: rootless, all (a new user namespace); as root, the bounding set root runs with (it may lack some). */
  let allCaps = USERNS_CAPS;
  const run = (args: string[]) => tscRun(['run', '--rm', ...args], { sandbox: sb });
  const ok = async (args: string[]) => {
    const r = await run(args);
    expect(r.stderr, `${args.join(' ')}: ${r.stderr}`).toBe('');
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };
  const caps = async (args: string[]) => status(await ok([...args, 'sec', ...STATUS_CMD]));

  beforeAll(async () => {
    sb = await emptyStore(`security-${as}`, as);
    if (as === 'root') allCaps = status((await runAs('root', 'grep', ['CapBnd', '/proc/self/status'])).stdout).CapBnd!;
    const extra: TarEntry[] = [{ name: 'etc/group', content: GROUP }];
    try {
      fs.writeFileSync(path.join(sb.dir, 'probe.c'), PROBE_C);
      execFileSync('gcc', ['-static', '-O2', '-o', path.join(sb.dir, 'probe'), path.join(sb.dir, 'probe.c')], { stdio: 'pipe' });
      extra.push({ name: 'bin/probe', content: fs.readFileSync(path.join(sb.dir, 'probe')), mode: 0o755 });
      probe = true;
    } catch {
      console.warn('gcc -static failed: the syscall probe tests are skipped');
    }
    await importBusybox(sb, { ref: 'sec', rootfs: { extra } });
    fs.writeFileSync(
      path.join(sb.dir, 'no-mkdir.json'),
      JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] }),
    );
    sb.chown(path.join(sb.dir, 'no-mkdir.json'));
  });
  afterAll(() => disposeStore(sb));

  it('root in the container: podman\'s default capabilities in bounding, permitted and effective; filter on; no no_new_privs', async () => {
    expect(await caps([])).toEqual({
      CapInh: '0000000000000000',
      CapPrm: DEFAULT_CAPS,
      CapEff: DEFAULT_CAPS,
      CapBnd: DEFAULT_CAPS,
      CapAmb: '0000000000000000',
      NoNewPrivs: '0',
      Seccomp: '2',
    });
  });

  it('--user: no effective caps; --cap-add gives that user the added caps through the ambient set', async () => {
    const plain = await caps(['--user', '1000']);
    expect([plain.CapBnd, plain.CapPrm, plain.CapEff, plain.CapAmb]).toEqual([DEFAULT_CAPS, '0'.repeat(16), '0'.repeat(16), '0'.repeat(16)]);
    const added = await caps(['--user', '1000', '--cap-add', 'NET_ADMIN,sys_time']);
    expect(added).toMatchObject({
      CapInh: '0000000002001000',
      CapPrm: '0000000002001000',
      CapEff: '0000000002001000',
      CapBnd: '00000000820415fb',
      CapAmb: '0000000002001000',
    });
  });

  it('--cap-drop ALL empties every set; --cap-drop/--cap-add edit the default list', async () => {
    const none = await caps(['--cap-drop', 'ALL']);
    expect([none.CapBnd, none.CapEff, none.CapPrm]).toEqual(['0'.repeat(16), '0'.repeat(16), '0'.repeat(16)]);
    expect((await caps(['--cap-add', 'NET_ADMIN', '--cap-drop', 'CHOWN'])).CapBnd).toBe('00000000800415fa');
  });

  it('--privileged: every capability, no seccomp, nothing masked', async () => {
    const s = await caps(['--privileged']);
    expect([s.CapBnd, s.CapEff, s.Seccomp]).toEqual([allCaps, allCaps, '0']);
    const mounts = await ok(['--privileged', 'sec', 'cat', '/proc/self/mountinfo']);
    expect(mounts).not.toMatch(/ \/proc\/keys /);
    expect(mounts).not.toMatch(/ \/proc\/sys /);
    // The host's devices (setup-host makes sure /dev/net/tun exists), not its terminals.
    expect(await ok(['--privileged', 'sec', 'sh', '-c', 'test -c /dev/net/tun && echo tun; ls /dev | grep -c "^tty." || true'])).toBe('tun\n0\n');
    expect((await run(['sec', 'test', '-e', '/dev/net/tun'])).exitCode).toBe(1);
  });

  it('--security-opt seccomp=unconfined and no-new-privileges', async () => {
    expect((await caps(['--security-opt', 'seccomp=unconfined'])).Seccomp).toBe('0');
    const nnp = await caps(['--security-opt', 'no-new-privileges']);
    expect([nnp.NoNewPrivs, nnp.Seccomp]).toEqual(['1', '2']);
  });

  it('the default filter refuses what podman\'s refuses, the way it does', async () => {
    if (!probe) return;
    expect(await ok(['sec', '/bin/probe'])).toBe(
      [
        'keyctl ok',
        'add_key Function not implemented',
        'userfaultfd Operation not permitted',
        'vmsplice Operation not permitted',
        'socket_audit Invalid argument',
        'personality_bad Function not implemented',
        '',
      ].join('\n'),
    );
    const unconfined = await ok(['--security-opt', 'seccomp=unconfined', 'sec', '/bin/probe']);
    expect(unconfined).toContain('add_key ok');
    expect(unconfined).toContain('vmsplice Bad file descriptor');
  });

  it('mount and new mount namespaces are refused (no CAP_SYS_ADMIN)', async () => {
    const r = await run(['sec', 'sh', '-c', 'unshare -m true || echo unshare-refused; mount -t tmpfs none /tmp || echo mount-refused; grep -c " /tmp " /proc/self/mountinfo']);
    expect(r.stdout).toBe('unshare-refused\nmount-refused\n0\n');
    expect(r.stderr).toContain('unshare(0x20000): Operation not permitted');
  });

  it('a seccomp profile in podman\'s JSON format; a missing one fails like podman', async () => {
    const r = await run(['--security-opt', `seccomp=${path.join(sb.dir, 'no-mkdir.json')}`, 'sec', 'sh', '-c', 'mkdir /tmp/x; echo rc=$?; touch /tmp/y && echo touched']);
    expect(r.stdout).toBe('rc=1\ntouched\n');
    expect(r.stderr).toBe("mkdir: can't create directory '/tmp/x': Permission denied\n");
    const missing = await run(['--security-opt', 'seccomp=/nonexistent.json', 'sec', 'true']);
    expect(missing).toMatchObject({ exitCode: 125, stderr: 'Error: opening seccomp profile failed: open /nonexistent.json: no such file or directory\n' });
  });

  it('refuses unknown capabilities and security options in podman\'s words', async () => {
    expect(await run(['--cap-add', 'FOO', 'sec', 'true'])).toMatchObject({ exitCode: 125, stderr: 'Error: "CAP_FOO": unknown capability\n' });
    expect(await run(['--security-opt', 'bogus', 'sec', 'true'])).toMatchObject({ exitCode: 125, stderr: 'Error: invalid --security-opt 1: "bogus"\n' });
  });

  it('masks podman\'s masked paths and makes its read-only paths read-only', async () => {
    const r = await run([
      'sec',
      'sh',
      '-c',
      'wc -c < /proc/keys; wc -c < /proc/timer_list; ls -A /sys/firmware | wc -w; ls -A /proc/acpi | wc -w; echo 1 > /proc/sys/kernel/ns_last_pid; grep -E " /proc/(keys|sys|acpi|timer_list) | /sys/firmware " /proc/self/mountinfo | cut -d" " -f5,6',
    ]);
    expect(r.stderr).toContain('Read-only file system');
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 4).map((l) => l.trim())).toEqual(['0', '0', '0', '0']);
    const mounts = new Map(lines.slice(4).map((l) => l.split(' ') as [string, string]));
    for (const p of ['/proc/keys', '/proc/timer_list', '/proc/acpi', '/sys/firmware', '/proc/sys']) {
      expect(mounts.get(p), p).toMatch(/^ro,/);
    }
  });

  it('passes no fd but 0, 1 and 2 to the container', async () => {
    // ls's own directory fd takes the lowest free number: 3 if nothing leaked (podman shows the same).
    expect((await ok(['sec', 'ls', '/proc/self/fd'])).split(/\s+/).filter(Boolean)).toEqual(['0', '1', '2', '3']);
  });

  it('--user resolves uid, gid and supplementary groups from the image', async () => {
    expect(await ok(['sec', 'id'])).toBe('uid=0(root) gid=0(root) groups=29(audio)\n');
    expect(await ok(['--user', 'user', 'sec', 'id'])).toBe('uid=1000(user) gid=1000(user) groups=10(wheel),29(audio),1000(user)\n');
    expect(await ok(['--user', '1000:10', 'sec', 'id'])).toBe('uid=1000(user) gid=10(wheel) groups=10(wheel)\n');
  });

  it('generates /etc/hosts, /etc/resolv.conf and /etc/hostname', async () => {
    const out = await ok([
      '--name',
      `files-${as}`,
      // The host's network: its resolvers as they are.
      '--network',
      'host',
      '--hostname',
      'box',
      '--add-host',
      'db.example:10.1.2.3',
      'sec',
      'sh',
      '-c',
      'cat /etc/hosts; echo ---; cat /etc/resolv.conf; echo ---; cat /etc/hostname; hostname',
    ]);
    const [hosts, resolv, hostname] = out.split('---\n');
    const hostLines = hosts!.trim().split('\n');
    expect(hostLines[0]).toBe('10.1.2.3\tdb.example');
    expect(hostLines).toContain('127.0.0.1\tlocalhost');
    // The host's network: no line of the container's own (podman 4.3).
    expect(hosts).not.toContain(`files-${as}`);
    const hostNs = fs.readFileSync('/etc/resolv.conf', 'utf8').match(/^nameserver\s+\S+/gm) ?? [];
    expect(resolv!.match(/^nameserver\s+\S+/gm) ?? []).toEqual(hostNs.map((l) => l.replace(/\s+/, ' ')));
    expect(hostname).toBe('box\nbox\n');
    const dns = await ok(['--dns', '9.9.9.9', '--dns-search', 'example.com', '--dns-option', 'ndots:2', 'sec', 'cat', '/etc/resolv.conf']);
    expect(dns).toBe('search example.com\nnameserver 9.9.9.9\noptions ndots:2\n');
    // --no-hosts: the image's file (there is none in this image: the mount point stays absent).
    expect(await run(['--no-hosts', 'sec', 'cat', '/etc/hosts'])).toMatchObject({ exitCode: 1, stderr: "cat: can't open '/etc/hosts': No such file or directory\n" });
    expect(await run(['--add-host', 'bad:notip', 'sec', 'true'])).toMatchObject({ exitCode: 125, stderr: 'Error: invalid IP address in add-host: "notip"\n' });
  });

  it('--read-only: the root is read-only, with writable tmpfs on /tmp, /var/tmp and /run unless --read-only-tmpfs=false', async () => {
    const r = await run(['--read-only', 'sec', 'sh', '-c', 'touch /x; touch /tmp/a /var/tmp/b /run/c && echo tmp-ok; cat /etc/hostname']);
    expect(r.stderr).toBe("touch: /x: Read-only file system\n");
    expect(r.stdout).toMatch(/^tmp-ok\n[0-9a-f]{12}\n$/);
    const off = await run(['--read-only', '--read-only-tmpfs=false', 'sec', 'touch', '/tmp/a']);
    expect(off).toMatchObject({ exitCode: 1, stderr: 'touch: /tmp/a: Read-only file system\n' });
  });

  it('runs the helper from a sealed memfd, never from its file', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.unref();
    const running = tscRun(['run', '--rm', 'sec', 'sleep', '3'], { sandbox: sb });
    let exes: string[] = [];
    for (let i = 0; i < 50 && exes.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      exes = fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .flatMap((p) => {
          try {
            const cmdline = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
            if (!cmdline.includes(sb.root) || !cmdline.split('\0').includes('run')) return [];
            const exe = fs.readlinkSync(`/proc/${p}/exe`);
            return exe.includes('tsc-run-helper') || exe.startsWith('/memfd:') ? [exe] : [];
          } catch {
            return [];
          }
        });
    }
    expect((await running).exitCode).toBe(0);
    expect(exes.length).toBeGreaterThan(0);
    for (const e of exes) expect(e).toBe('/memfd:tsc-run-helper (deleted)');
  });
}

describe('container security and generated files (rootless)', () => suite('user'));
describe.runIf(isRoot())('container security and generated files (root)', () => suite('root'));
