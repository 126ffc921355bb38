// Runtime differences from podman 4.3 found side by side (issue 9): a --workdir that
// does not exist, an unknown --hostuser, --timeout. Expected values are podman
// 4.3.1's on this machine (checked beside it with the same image and commands).

import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliLine, disposeSandbox, spawnLive } from './run-util.js';

function suite(as: As) {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });
  const ok = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };
  const idOf = async (name: string) => (await ok(['inspect', '--format', '{{.Id}}', name])).trim();
  const status = async (name: string) => (await ok(['inspect', '--format', '{{.State.Status}}', name])).trim();

  beforeAll(async () => {
    sb = await busyboxSandbox(`run-parity-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('--workdir must exist (run 126, start 125, the container stays created); the image WORKDIR is made, owned by --user', async () => {
    // With a network: a start that fails this early must not be reported as the network's set-up failing.
    const r = await run(['run', '--name', 'wd1', '-w', '/nonexistent', 'bb', 'pwd']);
    const id = await idOf('wd1');
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([126, '', `Error: workdir "/nonexistent" does not exist on container ${id}\n`]);
    expect(await status('wd1')).toBe('created');
    const s = await run(['start', 'wd1']);
    expect([s.exitCode, s.stderr]).toEqual([125, `Error: unable to start container "${id}": workdir "/nonexistent" does not exist on container ${id}\n`]);
    // --rm: nothing is left behind.
    const rm = await run(['run', '--rm', '--name', 'wd2', '-w', '/nowhere', 'bb', 'pwd']);
    expect(rm.exitCode).toBe(126);
    expect((await run(['container', 'exists', 'wd2'])).exitCode).toBe(1);
    // A file: podman's other message.
    const file = await run(['run', '--rm', '-w', '/etc/passwd', 'bb', 'pwd']);
    expect(file.exitCode).toBe(126);
    expect(file.stderr).toMatch(/^Error: workdir "\/etc\/passwd" exists on container [0-9a-f]{64}, but is not a directory\n$/);
    // A mount point is there once mounted.
    expect(await ok(['run', '--rm', '-v', 'wdvol:/newdir', '-w', '/newdir', 'bb', 'pwd'])).toBe('/newdir\n');
    expect(await ok(['run', '--rm', '--tmpfs', '/scratch/t', '-w', '/scratch/t', 'bb', 'pwd'])).toBe('/scratch/t\n');

    // The image's WORKDIR is created (owned by the container's user); the same path given with -w is not.
    await ok(['create', '--name', 'wdbase', 'bb', 'true']);
    await ok(['commit', '-q', '--change', 'WORKDIR=/data/w', 'wdbase', 'wdimg']);
    expect(await ok(['run', '--rm', '--user', '1000:1001', 'wdimg', 'sh', '-c', 'pwd; stat -c "%u:%g %a" /data/w /data'])).toBe('/data/w\n1000:1001 755\n0:0 755\n');
    const again = await run(['run', '--rm', '--user', '1000:1001', '-w', '/data/w', 'wdimg', 'pwd']);
    expect(again.exitCode).toBe(126);
    expect(again.stderr).toMatch(/^Error: workdir "\/data\/w" does not exist on container [0-9a-f]{64}\n$/);
  });

  it("compose's working_dir is created, as docker compose does", async () => {
    const out = await ok(['run', '--rm', '--label', 'com.docker.compose.project=p', '-w', '/app/src', 'bb', 'pwd']);
    expect(out).toBe('/app/src\n');
  });

  it('--hostuser naming no account: create succeeds, start fails 125, run 126 (podman looks it up at start)', async () => {
    const id = (await ok(['create', '--name', 'hu1', '--hostuser', 'no-such-user-here', 'bb', 'true'])).trim();
    const s = await run(['start', 'hu1']);
    expect([s.exitCode, s.stderr]).toEqual([125, `Error: unable to start container "${id}": creating temporary passwd file for container ${id}: user: unknown user no-such-user-here\n`]);
    const r = await run(['run', '--name', 'hu2', '--hostuser', 'no-such-user-here', 'bb', 'true']);
    const id2 = await idOf('hu2');
    expect([r.exitCode, r.stderr]).toEqual([126, `Error: creating temporary passwd file for container ${id2}: user: unknown user no-such-user-here\n`]);
    expect(await status('hu2')).toBe('created');
    // An account that exists is added.
    expect(await ok(['run', '--rm', '--hostuser', 'root', 'bb', 'grep', '-c', '^root:', '/etc/passwd'])).toBe('1\n');
  });

  it.runIf(as === 'user' && fs.existsSync('/usr/bin/fuse-overlayfs'))('--userns=keep-id: the image\'s root files stay 0:0 (fuse-overlayfs id-mapped), HOME from the added entry; commit and diff see default owners', async () => {
    const me = String(sb.owner.uid);
    expect(await ok(['run', '--rm', '--user=0', '--userns=keep-id', 'bb', 'stat', '-c', '%u:%g:%n', '/etc', '/usr'])).toBe('0:0:/etc\n0:0:/usr\n');
    await ok(['create', '--name', 'kbase', 'bb', 'true']);
    await ok(['commit', '-q', '--change', 'WORKDIR=/home/app', 'kbase', 'kimg']);
    const out = await ok(['run', '--name', 'k1', '--userns=keep-id', 'kimg', 'sh', '-c', 'id -u; stat -c %u:%g /etc; echo $HOME; touch /tmp/mine; stat -c %u /tmp/mine']);
    expect(out).toBe(`${me}\n0:0\n/home/app\n${me}\n`);
    expect(await ok(['diff', 'k1'])).toMatch(/^A \/tmp\/mine$/m);
    await ok(['commit', '-q', 'k1', 'kimg2']);
    expect(await ok(['run', '--rm', 'kimg2', 'stat', '-c', '%u %n', '/tmp/mine', '/etc'])).toBe(`${me} /tmp/mine\n0 /etc\n`);
    // Started again: the same view.
    expect(await ok(['start', '-a', 'k1'])).toBe(`${me}\n0:0\n/home/app\n${me}\n`);
  });

  it('the root directory is 0555 as podman shows it for an image that sets no mode for it; root still writes there', async () => {
    expect(await ok(['run', '--rm', 'bb', 'sh', '-c', 'stat -c %a /; touch /x && echo wrote'])).toBe('555\nwrote\n');
  });

  it('--stop-signal beyond the last signal: podman\'s range message', async () => {
    for (const sig of ['65', '99']) {
      const r = await run(['create', '--stop-signal', sig, 'bb']);
      expect([r.exitCode, r.stderr]).toEqual([125, 'Error: valid signals are 1 through 64\n']);
    }
    expect((await run(['create', '--stop-signal', '0', 'bb'])).stderr).toBe('Error: invalid signal: 0\n');
  });

  it("exec's supplementary groups as podman 4.3's: none without -u, with -u only the groups listing the user, none with USER:GROUP", async () => {
    await ok(['run', '-d', '--name', 'xg', 'bb', 'sleep', '300']);
    expect(await ok(['exec', 'xg', 'id', '-G'])).toBe('0\n');
    expect(await ok(['exec', '-u', '1000:1000', 'xg', 'id', '-G'])).toBe('1000\n');
    expect(await ok(['exec', '-u', '0:0', 'xg', 'id', '-G'])).toBe('0\n');
    // -u root: the groups that name root, as run gives them without -u.
    expect(await ok(['exec', '-u', 'root', 'xg', 'id', '-G'])).toBe(await ok(['run', '--rm', 'bb', 'id', '-G']));
    await ok(['rm', '-f', '-t', '0', 'xg']);
  });

  it('--memory=0 (no limit) still gets podman\'s warning rootless on cgroup v1', async () => {
    const r = await run(['run', '--rm', '--memory=0', 'bb', 'echo', 'hello']);
    expect([r.exitCode, r.stdout]).toEqual([0, 'hello\n']);
    const v2 = fs.statfsSync('/sys/fs/cgroup').type === 0x63677270;
    if (as === 'user' && !v2) expect(r.stderr).toBe('Resource limits are not supported and ignored on cgroups V1 rootless systems\n');
    else expect(r.stderr).toBe('');
  });

  it('run -i and exec -i carry several MB of random bytes whole and in order (checksums), in records up to a pipe\'s size', async () => {
    const data = crypto.randomBytes(5_000_000);
    const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');
    const first4 = md5(data.subarray(0, 4 * 1024 * 1024));
    const io = (args: string[]) => tscRun(args, { sandbox: sb, input: data });
    const whole = await io(['run', '--rm', '-i', 'bb', 'md5sum']);
    expect([whole.exitCode, whole.stdout]).toEqual([0, `${md5(data)}  -\n`]);
    const head = await io(['run', '--rm', '-i', 'bb', 'sh', '-c', 'dd bs=1M count=4 iflag=fullblock 2>/dev/null | md5sum']);
    expect(head.stdout).toBe(`${first4}  -\n`);
    await ok(['run', '-d', '--name', 'xi', 'bb', 'sleep', '300']);
    expect((await io(['exec', '-i', 'xi', 'md5sum'])).stdout).toBe(`${md5(data)}  -\n`);
    expect((await io(['exec', '-i', 'xi', 'sh', '-c', 'dd bs=1M count=4 iflag=fullblock 2>/dev/null | md5sum'])).stdout).toBe(`${first4}  -\n`);
    // Without iflag=fullblock a pipe gives short records, as podman's conmon does; never more than was sent.
    const short = await io(['run', '--rm', '-i', 'bb', 'sh', '-c', 'dd bs=1M count=4 2>/dev/null | wc -c']);
    expect(Number(short.stdout.trim())).toBeGreaterThan(0);
    expect(Number(short.stdout.trim())).toBeLessThanOrEqual(4 * 1024 * 1024);
    // From a file, 512-byte records arrive whole (podman's bats 075-exec: `3000+0 records in`).
    const file = sb.file('big.bin', crypto.randomBytes(1_536_000));
    for (const args of [['exec', '-i', 'xi'], ['run', '--rm', '-i', 'bb']]) {
      const live = spawnLive(sb, ['sh', '-c', `${cliLine(sb, [...args, 'dd', 'of=/tmp/big', 'bs=512'])} < ${file}`]);
      expect(await live.exited).toBe(0);
      expect(live.stderr().split('\n')[0]).toBe('3000+0 records in');
    }
    await ok(['rm', '-f', '-t', '0', 'xi']);
  });

  it('run --timeout kills the container: exit 255 and nothing on stderr; its recorded exit code is -1', async () => {
    const t0 = Date.now();
    const r = await run(['run', '--rm', '--timeout', '1', 'bb', 'sleep', '30']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([255, '', '']);
    expect(Date.now() - t0).toBeLessThan(20_000);
    // The container's own exit code is conmon's -1 (inspect, ps, wait), as podman shows it.
    const k = await run(['run', '--name', 'tmo', '--timeout', '1', 'bb', 'sleep', '30']);
    expect(k.exitCode).toBe(255);
    expect(await ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'tmo'])).toBe('exited -1\n');
    expect(await ok(['ps', '-a', '--filter', 'name=tmo', '--format', '{{.Status}}'])).toMatch(/^Exited \(-1\) /);
    expect(await ok(['wait', 'tmo'])).toBe('-1\n');
  });
}

describe('run parity with podman as the test user', () => suite('user'));
describe.runIf(isRoot())('run parity with podman as root', () => suite('root'));
