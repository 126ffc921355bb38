// tsc-run-helper on its own (docs/helper-protocol.md): every mode driven
// through its argv as the unprivileged test user with its real subuid maps
// and the real newuidmap; root mode where we are root.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdMap, formatMapping, parseSubIdFile, subIdRangesFor } from '../../src/host/idmap.js';
import {
  cleanEnv,
  disposeStore,
  emptyStore,
  isRoot,
  repoRoot,
  runAs,
  testUser,
  type As,
  type ProcResult,
  type Sandbox,
} from '../harness/index.js';

const u = testUser();
const HELPER_NAME = 'tsc-run-helper';

/** The test user's maps as NS OPTIONS: 0 -> itself, 1.. -> its subordinate ranges. */
function userMapArgs(): string[] {
  const who = { name: u.name, uid: u.uid };
  const uids = buildIdMap(u.uid, subIdRangesFor(parseSubIdFile(fs.readFileSync('/etc/subuid', 'utf8')), who));
  const gids = buildIdMap(u.gid, subIdRangesFor(parseSubIdFile(fs.readFileSync('/etc/subgid', 'utf8')), who));
  if (uids.length < 2 || gids.length < 2) throw new Error(`${u.name} needs /etc/subuid and /etc/subgid ranges`);
  return [...uids.flatMap((m) => ['--uid-map', formatMapping(m)]), ...gids.flatMap((m) => ['--gid-map', formatMapping(m)])];
}

/** Host uid of in-namespace uid `id` (>= 1) for the first subordinate range. */
function hostIdOf(id: number, file = '/etc/subuid'): number {
  const r = subIdRangesFor(parseSubIdFile(fs.readFileSync(file, 'utf8')), { name: u.name, uid: u.uid })[0]!;
  return r.start + id - 1;
}

const mapLines = (s: string) => s.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));

let sb: Sandbox;
let bin: string;
let maps: string[];

/** Run the helper as the test user with its maps (or as root without). */
function helper(args: readonly string[], opts: { as?: As; input?: string; noMaps?: boolean } = {}): Promise<ProcResult> {
  const as = opts.as ?? 'user';
  const ns = as === 'user' && !opts.noMaps ? maps : [];
  return runAs(as, bin, [...ns, ...args], { input: opts.input, cwd: sb.dir, timeoutMs: 30_000 });
}

/** The helper's own failure: one line naming it, nothing else on stderr. */
function expectHelperError(r: ProcResult, code: number, text: string | RegExp): void {
  expect(r.exitCode).toBe(code);
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  if (typeof text === 'string') expect(r.stderr).toBe(`${HELPER_NAME}: ${text}\n`);
  else expect(r.stderr).toMatch(text);
}

/** A directory owned by the test user under the sandbox. */
function userDir(rel: string): string {
  const p = path.join(sb.dir, rel);
  fs.mkdirSync(p, { recursive: true });
  sb.chown(path.join(sb.dir, rel.split('/')[0]!));
  return p;
}

/** A busybox-static rootfs: bin/busybox plus applet links. */
function busyboxRootfs(rel: string): string {
  const root = userDir(rel);
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  for (const a of ['sh', 'echo', 'cat', 'ls', 'id', 'hostname', 'env', 'sleep', 'pwd', 'mkdir', 'rm']) {
    fs.symlinkSync('busybox', path.join(root, 'bin', a));
  }
  fs.writeFileSync(path.join(root, 'notexec'), 'data\n', { mode: 0o644 });
  sb.chown(root);
  return root;
}

beforeAll(async () => {
  sb = await emptyStore('helper');
  const built = [path.join(repoRoot(), 'dist', HELPER_NAME), path.join(repoRoot(), 'helpers/build', HELPER_NAME)].find((p) =>
    fs.existsSync(p),
  );
  if (!built) throw new Error('no built helper: run `npm run build`');
  // A copy the test user can reach (the checkout may not be traversable for it).
  bin = path.join(sb.path, HELPER_NAME);
  fs.copyFileSync(built, bin);
  fs.chmodSync(bin, 0o755);
  maps = userMapArgs();
});

afterAll(() => disposeStore(sb));

describe('helper: options and namespace setup', () => {
  it('rejects bad usage with one line and 125', async () => {
    expectHelperError(await helper(['bogus'], { noMaps: true }), 125, 'unknown mode bogus');
    expectHelperError(await helper([], { noMaps: true }), 125, /missing MODE/);
    expectHelperError(await helper(['--uid-map', '0:1', 'unshare', 'true'], { noMaps: true }), 125, /invalid --uid-map 0:1/);
    expectHelperError(await helper(['--uid-map', `0:${u.uid}:1`, 'unshare', 'true'], { noMaps: true }), 125, /given together/);
  });

  it('reports a refused mapping with newuidmap’s own words', async () => {
    const r = await helper(['--uid-map', `0:${u.uid}:1`, '--uid-map', '1:3000000:10', '--gid-map', `0:${u.gid}:1`, 'unshare', 'true'], {
      noMaps: true,
    });
    expectHelperError(r, 125, /^tsc-run-helper: \/usr\/bin\/newuidmap \d+ failed \(exit status 1\): newuidmap: .*not allowed\n$/);
  });

  it('needs maps to create namespaces as an ordinary user', async () => {
    expectHelperError(await helper(['unshare', 'true'], { noMaps: true }), 125, /pass --uid-map and --gid-map/);
  });
});

describe('helper: unshare', () => {
  it('runs CMD as uid 0 with the maps and the podman marker', async () => {
    const r = await helper(['unshare', '--', 'sh', '-c', 'cat /proc/self/uid_map; id -u; id -g; echo $_CONTAINERS_USERNS_CONFIGURED']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(mapLines(lines.slice(0, 2).join('\n'))).toEqual([`0 ${u.uid} 1`, `1 ${hostIdOf(1)} 65536`]);
    expect(lines.slice(2)).toEqual(['0', '0', 'done']);
  });

  it('passes the exit code through, 128+N for a signal', async () => {
    expect((await helper(['unshare', '--', 'sh', '-c', 'exit 7'])).exitCode).toBe(7);
    const k = await helper(['unshare', '--', 'sh', '-c', 'kill -TERM $$']);
    expect(k.exitCode).toBe(143);
    expect(k.stderr).toBe('');
  });

  it('fails like podman for a missing or non-executable command', async () => {
    expectHelperError(await helper(['unshare', '--', 'nosuchcmd']), 127, 'exec: "nosuchcmd": executable file not found in $PATH');
    expectHelperError(await helper(['unshare', '--', '/etc']), 126, 'fork/exec /etc: permission denied');
    expectHelperError(await helper(['unshare', '--', '/no/such']), 127, 'fork/exec /no/such: no such file or directory');
  });

  it('leaks no fd into CMD, not even one its caller leaked to it', async () => {
    // fd 7 is open in the helper (inherited from sh); only 0 1 2 may reach CMD.
    const r = await runAs('user', 'sh', ['-c', `exec "$@" 7</etc/hostname`, 'sh', bin, ...maps, 'unshare', '--', 'sh', '-c', 'ls /proc/$$/fd'], {
      cwd: sb.dir,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split(/\s+/).sort()).toEqual(['0', '1', '2']);
  });

  it('writes its failure to --error-fd, not stderr', async () => {
    const errFile = path.join(sb.dir, 'errfd.txt');
    const r = await runAs('user', 'sh', ['-c', `exec "$@" 3>${errFile}`, 'sh', bin, '--error-fd', '3', ...maps, 'unshare', '--', 'nosuchcmd'], {
      cwd: sb.dir,
    });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toBe('');
    expect(fs.readFileSync(errFile, 'utf8')).toBe(`${HELPER_NAME}: exec: "nosuchcmd": executable file not found in $PATH\n`);
  });

  it('forwards SIGTERM to CMD', async () => {
    const child = spawn('setpriv', [`--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', '--', bin, ...maps, 'unshare', '--', 'sh', '-c', 'trap "exit 9" TERM; echo ready; while :; do sleep 0.05; done'], {
      env: cleanEnv(u),
      cwd: sb.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('helper did not exit after SIGTERM'));
      }, 10_000);
      child.stdout.once('data', () => child.kill('SIGTERM'));
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(9);
  });

  it.runIf(isRoot())('as root: no user namespace', async () => {
    const r = await helper(['unshare', '--', 'sh', '-c', 'id -u; cat /proc/self/uid_map'], { as: 'root' });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const [id, ...map] = r.stdout.trim().split('\n');
    expect(id).toBe('0');
    expect(mapLines(map.join('\n'))).toEqual(['0 0 4294967295']);
  });
});

describe('helper: fixup', () => {
  let root: string;
  beforeAll(() => {
    root = userDir('fixup/root');
    fs.mkdirSync(path.join(root, 'a/b'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a/f'), 'hi\n');
    fs.mkdirSync(path.join(root, 'sp ace%'));
    fs.writeFileSync(path.join(root, 'sp ace%/g'), 'x\n');
    fs.symlinkSync('/etc/passwd', path.join(root, 'a/evil'));
    fs.symlinkSync('/etc', path.join(root, 'etclink'));
    sb.chown(root);
  });

  it('applies every record type inside the user namespace', async () => {
    const list = [
      'chown a/f 1000 1001',
      'chmod a/f 4755',
      'chown sp%20ace%25/g 5 6',
      'mknod a/wh c 0 0 0',
      'mknod a/fifo p 0 0 640',
      'xattr a/b user.overlay.opaque 79',
      'link a/hard a/f',
      'mtime a/f 1000000000 5',
      'chown a/evil 7 7',
      'chown . 0 0',
      '',
    ].join('\n');
    const r = await helper(['fixup', root], { input: list });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);

    const f = fs.lstatSync(path.join(root, 'a/f'));
    expect([f.uid, f.gid]).toEqual([hostIdOf(1000), hostIdOf(1001, '/etc/subgid')]);
    expect(f.mode & 0o7777).toBe(0o4755);
    expect(f.mtimeMs).toBe(1_000_000_000_000);
    expect(fs.lstatSync(path.join(root, 'a/hard')).ino).toBe(f.ino);
    const g = fs.lstatSync(path.join(root, 'sp ace%/g'));
    expect([g.uid, g.gid]).toEqual([hostIdOf(5), hostIdOf(6, '/etc/subgid')]);
    const wh = fs.lstatSync(path.join(root, 'a/wh'));
    expect(wh.isCharacterDevice() && wh.rdev === 0 && (wh.mode & 0o7777) === 0).toBe(true);
    const fifo = fs.lstatSync(path.join(root, 'a/fifo'));
    expect(fifo.isFIFO() && (fifo.mode & 0o7777) === 0o640).toBe(true);
    // The symlink itself changed owner; its target did not.
    expect(fs.lstatSync(path.join(root, 'a/evil')).uid).toBe(hostIdOf(7));
    expect(fs.statSync('/etc/passwd').uid).toBe(0);
    expect(fs.lstatSync(root).uid).toBe(u.uid);
  });

  it('stops at the first bad record, naming it', async () => {
    const bad: Array<[string, string | RegExp]> = [
      ['chown etclink/passwd 0 0', `fixup line 1: chown etclink/passwd 0 0: a directory in the path is a symlink`],
      ['chown ../x 0 0', `fixup line 1: chown ../x 0 0: path escapes ${root}`],
      ['chmod a/evil 755', 'fixup line 1: chmod a/evil 755: refusing to chmod a symlink'],
      ['mknod a/wh c 0 0 0', 'fixup line 1: mknod a/wh c 0 0 0: File exists'],
      ['frobnicate a 1', 'fixup line 1: frobnicate a 1: malformed record'],
      ['chown a/f x 0', 'fixup line 1: chown a/f x 0: malformed record'],
      ['chown nosuch 0 0', 'fixup line 1: chown nosuch 0 0: No such file or directory'],
      ['mknod a/sda b 8 0 600', 'fixup line 1: mknod a/sda b 8 0 600: Operation not permitted'],
    ];
    for (const [rec, msg] of bad) expectHelperError(await helper(['fixup', root], { input: rec + '\n' }), 125, msg);
    // Applied in order: line 1 happened, line 2 failed, line 3 never ran.
    const r = await helper(['fixup', root], { input: 'chown a/b 9 9\nchown gone 0 0\nchown a/f 0 0\n' });
    expectHelperError(r, 125, 'fixup line 2: chown gone 0 0: No such file or directory');
    expect(fs.lstatSync(path.join(root, 'a/b')).uid).toBe(hostIdOf(9));
    expect(fs.lstatSync(path.join(root, 'a/f')).uid).toBe(hostIdOf(1000));
    // A list cut short (no final newline) is not half-applied silently.
    expectHelperError(await helper(['fixup', root], { input: 'chown a/f 1 1' }), 125, /not newline-terminated/);
    expect(fs.statSync('/etc/passwd').uid).toBe(0);
  });
});

describe('helper: rmtree', () => {
  it('removes trees of sub-id files, unreadable dirs included, and never follows symlinks', async () => {
    const victim = userDir('rm/victim');
    fs.writeFileSync(path.join(victim, 'keep'), 'keep\n');
    const t = userDir('rm/tree');
    fs.mkdirSync(path.join(t, 'd1/d2'), { recursive: true });
    fs.writeFileSync(path.join(t, 'd1/d2/f'), 'a\n');
    fs.mkdirSync(path.join(t, 'locked/inner'), { recursive: true });
    fs.writeFileSync(path.join(t, 'locked/inner/z'), 'z\n');
    fs.symlinkSync(victim, path.join(t, 'd1/link'));
    fs.symlinkSync(path.join(victim, 'keep'), path.join(t, 'd1/flink'));
    sb.chown(path.join(sb.dir, 'rm'));
    const fix = await helper(['fixup', t], {
      input: 'chown d1/d2/f 100 100\nchown d1/d2 200 200\nchmod d1/d2 0\nchown locked 300 300\nchmod locked 0\nchown locked/inner/z 5 5\n',
    });
    expect(fix.exitCode).toBe(0);
    // The user alone cannot remove it: that is why rmtree exists.
    const plain = await runAs('user', 'rm', ['-rf', t]);
    expect(plain.exitCode).not.toBe(0);

    const r = await helper(['rmtree', t, path.join(sb.dir, 'rm/missing')]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(fs.existsSync(t)).toBe(false);
    expect(fs.readFileSync(path.join(victim, 'keep'), 'utf8')).toBe('keep\n');
  });

  it('refuses / and removes a symlink PATH itself, not its target', async () => {
    expectHelperError(await helper(['rmtree', '/']), 125, 'rmtree: refusing to remove /');
    const target = userDir('rm2/target');
    fs.writeFileSync(path.join(target, 'x'), 'x');
    fs.symlinkSync(target, path.join(sb.dir, 'rm2/link'));
    const r = await helper(['rmtree', path.join(sb.dir, 'rm2/link')]);
    expect(r.exitCode).toBe(0);
    expect(fs.existsSync(path.join(sb.dir, 'rm2/link'))).toBe(false);
    expect(fs.existsSync(path.join(target, 'x'))).toBe(true);
  });

  it.runIf(isRoot())('never descends into a mount point', async () => {
    const t = path.join(sb.path, 'rm-mnt');
    fs.mkdirSync(path.join(t, 'mnt'), { recursive: true });
    const mnt = path.join(t, 'mnt');
    const m = await runAs('root', 'mount', ['-t', 'tmpfs', 'tmpfs', mnt]);
    expect(m.exitCode).toBe(0);
    try {
      fs.writeFileSync(path.join(mnt, 'precious'), 'p');
      expectHelperError(await helper(['rmtree', t], { as: 'root' }), 125, `rmtree: refusing to remove mount point ${mnt}`);
      expect(fs.existsSync(path.join(mnt, 'precious'))).toBe(true);
    } finally {
      await runAs('root', 'umount', [mnt]);
    }
  });
});

describe('helper: probe-overlay', () => {
  it('finds native overlay with userxattr in a user namespace and cleans up', async () => {
    const scratch = userDir('probe');
    const r = await helper(['probe-overlay', scratch]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok\n');
    expect(r.exitCode).toBe(0);
    expect(fs.readdirSync(scratch)).toEqual([]);
  });

  it('is a helper error when SCRATCHDIR does not exist', async () => {
    const r = await helper(['probe-overlay', path.join(sb.dir, 'no/such/dir')]);
    expectHelperError(r, 125, /^tsc-run-helper: mkdir .*no\/such\/dir\/lower: No such file or directory\n$/);
  });
});

describe('helper: run', () => {
  let rootfs: string;
  beforeAll(() => {
    rootfs = busyboxRootfs('run/rootfs');
  });
  const run = (opts: readonly string[], cmd: readonly string[], as: As = 'user') =>
    helper(['run', '--rootfs', rootfs, '--env', 'PATH=/bin', ...opts, '--', ...cmd], { as });

  it('runs a command as root of the container, PID 1, with its hostname', async () => {
    const r = await run(['--hostname', 'ctr1'], ['sh', '-c', 'echo hi; id -u; id -g; hostname; echo $$; cat /proc/self/uid_map']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual(['hi', '0', '0', 'ctr1', '1']);
    expect(mapLines(lines.slice(5).join('\n'))).toEqual([`0 ${u.uid} 1`, `1 ${hostIdOf(1)} 65536`]);
  });

  it('gives the command exactly the --env environment', async () => {
    const r = await run(['--env', 'FOO=bar baz', '--env', 'HOME=/root'], ['env']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['FOO=bar baz', 'HOME=/root', 'PATH=/bin']);
  });

  it('sets up /dev, /proc, /sys and leaves no host path or fd behind', async () => {
    const r = await run([], ['sh', '-c', 'ls /dev; echo --; ls /dev/pts; echo --; ls /proc/$$/fd; echo --; ls /; echo --; mkdir /sys/x 2>/dev/null || echo ro']);
    expect(r.exitCode).toBe(0);
    const [dev, pts, fds, top, sys] = r.stdout.split('--\n').map((s) => s.trim().split(/\s+/));
    expect(dev).toEqual(['fd', 'full', 'mqueue', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']);
    expect(pts).toEqual(['ptmx']);
    expect(fds).toEqual(['0', '1', '2']);
    expect(top).toEqual(expect.arrayContaining(['bin', 'dev', 'notexec', 'proc', 'sys']));
    expect(top).not.toContain('etc'); // the host's root is gone
    expect(sys).toEqual(['ro']);
  });

  it('switches to --user and --cwd (created when missing)', async () => {
    const r = await run(['--user', '1000:1001', '--cwd', '/work/dir'], ['sh', '-c', 'id -u; id -g; pwd']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1000\n1001\n/work/dir\n');
  });

  it('--net none has only lo, up', async () => {
    const r = await run(['--net', 'none'], ['cat', '/proc/net/dev']);
    expect(r.exitCode).toBe(0);
    const ifaces = r.stdout.trim().split('\n').slice(2).map((l) => l.trim().split(':')[0]);
    expect(ifaces).toEqual(['lo']);
  });

  it('exit codes: 0, 7, 127, 126', async () => {
    expect((await run([], ['sh', '-c', 'exit 0'])).exitCode).toBe(0);
    expect((await run([], ['sh', '-c', 'exit 7'])).exitCode).toBe(7);
    expectHelperError(await run([], ['nosuchcmd']), 127, 'exec: "nosuchcmd": executable file not found in $PATH');
    expectHelperError(await run([], ['/notexec']), 126, 'fork/exec /notexec: permission denied');
    expectHelperError(await run([], ['/dev']), 126, 'fork/exec /dev: permission denied');
  });

  it('exits 128+N when the container’s PID 1 is killed by signal N', async () => {
    const marker = `${process.pid}${Date.now() % 100000}`;
    const pending = run([], ['sleep', marker]);
    // Find the container's PID 1 from the host and SIGKILL it.
    let pid: number | undefined;
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 50));
      for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        try {
          if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf8') === `sleep\0${marker}\0`) pid = Number(p);
        } catch {
          // gone meanwhile
        }
      }
    }
    expect(pid).toBeDefined();
    if (isRoot()) process.kill(pid!, 'SIGKILL');
    else await runAs('user', 'kill', ['-KILL', String(pid)]);
    const r = await pending;
    expect(r.exitCode).toBe(137);
    expect(r.stderr).toBe('');
  });

  it('mounts a native overlay from --lower/--upper/--work, honouring whiteouts and opaque dirs', async () => {
    // Top lower layer: a whiteout for `gone` and an opaque `d` (set by fixup, as layer import does).
    const top = userDir('run/ov/top');
    fs.mkdirSync(path.join(top, 'd'));
    fs.writeFileSync(path.join(top, 'd/new'), 'new\n');
    fs.writeFileSync(path.join(top, 'msg'), 'from top\n');
    const base = userDir('run/ov/base');
    fs.mkdirSync(path.join(base, 'd'));
    fs.writeFileSync(path.join(base, 'd/hidden'), 'hidden\n');
    fs.writeFileSync(path.join(base, 'gone'), 'gone\n');
    const upper = userDir('run/ov/c/upper');
    const work = userDir('run/ov/c/work');
    sb.chown(path.join(sb.dir, 'run'));
    const fix = await helper(['fixup', top], { input: 'mknod gone c 0 0 0\nxattr d user.overlay.opaque 79\n' });
    expect(fix.stderr).toBe('');

    const r = await helper([
      'run', '--lower', `${top}:${base}:${rootfs}`, '--upper', upper, '--work', work, '--env', 'PATH=/bin', '--',
      'sh', '-c', 'cat /msg; ls /d; ls /gone 2>/dev/null || echo no-gone; echo made > /created; rm /notexec; id -u',
    ]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('from top\nnew\nno-gone\n0\n');
    // Writes land in upper; the lower layers are untouched.
    expect(fs.readFileSync(path.join(upper, 'created'), 'utf8')).toBe('made\n');
    expect(fs.lstatSync(path.join(upper, 'notexec')).isCharacterDevice()).toBe(true);
    expect(fs.existsSync(path.join(rootfs, 'notexec'))).toBe(true);
  });

  it.runIf(isRoot())('as root: no user namespace, same container', async () => {
    const r = await run(['--hostname', 'rootful'], ['sh', '-c', 'id -u; hostname; echo $$; cat /proc/self/uid_map'], 'root');
    expect(r.stderr).toBe('');
    const [id, host, pid, ...map] = r.stdout.trim().split('\n');
    expect([id, host, pid]).toEqual(['0', 'rootful', '1']);
    expect(mapLines(map.join('\n'))).toEqual(['0 0 4294967295']);
  });
});
