// `tsc-run unshare` end to end: the built CLI, the real helper, real
// newuidmap, as the unprivileged test user (and as root when we are root).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  cliBinary,
  disposeStore,
  emptyStore,
  isRoot,
  runAs,
  sharedUserDir,
  testUser,
  tscRun,
  type Sandbox,
  type TestUser,
} from '../harness/index.js';

/** Whitespace-normalised lines of a /proc/<pid>/uid_map. */
const mapLines = (s: string) => s.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));

function firstSubIdRange(file: string, u: TestUser): { start: number; count: number } {
  const line = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${u.name}:`) || l.startsWith(`${u.uid}:`));
  if (!line) throw new Error(`${u.name} has no entry in ${file}`);
  const [, start, count] = line.split(':');
  return { start: Number(start), count: Number(count) };
}

describe('tsc-run unshare (rootless)', () => {
  const u = testUser();
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await emptyStore('unshare');
  });
  afterAll(() => disposeStore(sb));

  it('maps 0 to the user and 1.. to its subordinate range', async () => {
    const r = await tscRun(['unshare', 'cat', '/proc/self/uid_map']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const sub = firstSubIdRange('/etc/subuid', u);
    expect(mapLines(r.stdout)).toEqual([`0 ${u.uid} 1`, `1 ${sub.start} ${sub.count}`]);
    // Exactly as the kernel prints it: right-aligned columns of width 10.
    expect(r.stdout.split('\n')[0]).toBe(`${'0'.padStart(10)} ${String(u.uid).padStart(10)} ${'1'.padStart(10)}`);

    const g = await tscRun(['unshare', 'cat', '/proc/self/gid_map']);
    const subg = firstSubIdRange('/etc/subgid', u);
    expect(mapLines(g.stdout)).toEqual([`0 ${u.gid} 1`, `1 ${subg.start} ${subg.count}`]);
  });

  it('runs the command as uid 0 with the podman marker in its environment', async () => {
    const r = await tscRun(['unshare', 'sh', '-c', 'id -u; id -g; echo "$_CONTAINERS_USERNS_CONFIGURED"']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0\n0\ndone\n');
  });

  it("passes the command's own flags through and exits with its status", async () => {
    const r = await tscRun(['unshare', 'sh', '-c', 'echo -n out; echo err >&2; exit 7']);
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toBe('out');
    expect(r.stderr).toBe('err\n');
    expect((await tscRun(['unshare', '--', 'ls', '-d', '/'])).stdout).toBe('/\n');
    // Arguments reach the command verbatim, numbers included.
    expect((await tscRun(['unshare', 'echo', '007', '1e3', '0x10', ' a  b', '--x=1'])).stdout).toBe('007 1e3 0x10  a  b --x=1\n');
  });

  it('reports a signal death as 128+N', async () => {
    const r = await tscRun(['unshare', 'sh', '-c', 'kill -TERM $$']);
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toBe('');
  });

  it('fails with 127 / 126 and one podman-style line when the command cannot run', async () => {
    const nf = await tscRun(['unshare', 'nosuchcmd']);
    expect(nf.exitCode).toBe(127);
    expect(nf.stderr).toBe('Error: exec: "nosuchcmd": executable file not found in $PATH\n');
    const na = await tscRun(['unshare', '/etc/passwd']);
    expect(na.exitCode).toBe(126);
    expect(na.stderr.split('\n')).toHaveLength(2);
    expect(na.stderr).toMatch(/^Error: .*\/etc\/passwd.*permission denied/i);
  });

  it('leaks no file descriptor into the command', async () => {
    // 3 is ls's own handle on the directory it lists.
    const r = await tscRun(['unshare', 'ls', '/proc/self/fd']);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['0', '1', '2', '3']);
  });

  it('defaults to $SHELL', async () => {
    const r = await tscRun(['unshare'], { env: { SHELL: '/bin/sh' }, input: 'echo "in $0 as $(id -u)"\n' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('in /bin/sh as 0\n');
  });

  it('can create and remove files owned by subordinate ids', async () => {
    const dir = path.join(sb.dir, 'owned');
    fs.mkdirSync(dir);
    sb.chown(dir);
    const r = await tscRun(['unshare', 'sh', '-c', `touch ${dir}/f && chown 5:6 ${dir}/f`], { sandbox: sb });
    expect(r.stderr).toBe('');
    const st = fs.statSync(path.join(dir, 'f'));
    const sub = firstSubIdRange('/etc/subuid', u);
    const subg = firstSubIdRange('/etc/subgid', u);
    expect([st.uid, st.gid]).toEqual([sub.start + 4, subg.start + 5]);
    expect((await tscRun(['unshare', 'rm', `${dir}/f`], { sandbox: sb })).exitCode).toBe(0);
    expect(fs.existsSync(path.join(dir, 'f'))).toBe(false);
  });

  it('runs a nested unshare directly inside the namespace, like podman', async () => {
    const bin = cliBinary().bin;
    const r = await tscRun(['unshare', bin, 'unshare', 'cat', '/proc/self/uid_map']);
    expect(r.stderr).toBe('');
    expect(mapLines(r.stdout)[0]).toBe(`0 ${u.uid} 1`);
    const nf = await tscRun(['unshare', bin, 'unshare', 'nosuchcmd']);
    expect([nf.exitCode, nf.stderr]).toEqual([127, 'Error: exec: "nosuchcmd": executable file not found in $PATH\n']);
  });

  it('inside, tsc-run still uses the user\'s own stores (uid 0 there is the user), as podman', async () => {
    const fmt = ['info', '--format', '{{.Store.GraphRoot}} {{.Store.RunRoot}}'];
    const outside = await tscRun(fmt);
    expect(outside.exitCode, outside.stderr).toBe(0);
    expect(outside.stdout).not.toContain('/var/lib/tsc-run');
    const inside = await tscRun(['unshare', cliBinary().bin, ...fmt]);
    expect([inside.exitCode, inside.stderr]).toEqual([0, '']);
    expect(inside.stdout).toBe(outside.stdout);
  });

  it('relays SIGTERM sent to the CLI to the command', async () => {
    const env = cleanEnv(u, { XDG_CACHE_HOME: sharedUserDir('cache', u.uid, u.gid) });
    const argv = [cliBinary().bin, 'unshare', 'sh', '-c', 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done'];
    const child = isRoot()
      ? spawn('setpriv', [`--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', '--', ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    await new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve()));
    // setpriv execs the CLI, so the pid is the CLI's own.
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(42);
  });
});

describe('tsc-run unshare without subordinate ids', () => {
  it.runIf(isRoot())('tells the user the exact usermod command', async () => {
    // nobody exists everywhere and never has subuid/subgid ranges.
    const nobody: TestUser = { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' };
    const r = await runAs(nobody, cliBinary().bin, ['unshare', 'true'], {
      env: { HOME: '/tmp', XDG_CACHE_HOME: sharedUserDir('cache', nobody.uid, nobody.gid) },
    });
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toBe(
      'Error: no subordinate uid and gid range for user nobody in /etc/subuid and /etc/subgid ' +
        '(fix: sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 nobody)\n',
    );
  });
});

describe.runIf(isRoot())('tsc-run unshare as root', () => {
  it('runs the command as root in a new mount namespace, without a user namespace', async () => {
    const r = await tscRun(['unshare', 'sh', '-c', 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/mnt'], { as: 'root' });
    expect(r.stderr).toBe('');
    const [id, map, mnt] = r.stdout.trim().split('\n');
    expect(id).toBe('0');
    expect(mapLines(map!)).toEqual(['0 0 4294967295']);
    expect(mnt).not.toBe(fs.readlinkSync('/proc/self/ns/mnt'));
  });

  it('keeps mounts made inside away from the host', async () => {
    const dir = fs.mkdtempSync('/tmp/tsc-run-unshare-mnt-');
    try {
      const r = await tscRun(['unshare', 'sh', '-c', `mount -t tmpfs none ${dir} && touch ${dir}/inside`], { as: 'root' });
      expect(r.exitCode).toBe(0);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
