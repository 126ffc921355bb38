// run's stdio and flags through the monitor: stdin with -i, separate
// stdout/stderr, no leaked fds, exit codes, logs (k8s-file, json-file,
// none, max-size), --init, create + start, --cidfile, --replace, env files,
// keep-id, limits refused without a delegated cgroup v2, and the helper
// binary out of the container's reach. As the test user, a subset as root.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, sharedUserDir, testUser, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliArgv, disposeSandbox, readRecord, runtimeFile, spawnLive, until } from './run-util.js';

function cgroupV2Delegated(): boolean {
  // This repository's CI host is cgroup v1/hybrid; a delegated v2 host would apply the limits instead.
  try {
    return fs.statfsSync('/sys/fs/cgroup').type === 0x63677270 && fs.readFileSync(`/sys/fs/cgroup/user.slice/user-${testUser().uid}.slice/user@${testUser().uid}.service/cgroup.controllers`, 'utf8').includes('memory');
  } catch {
    return false;
  }
}

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  const run = (args: string[], input?: string) => tscRun(args, { sandbox: sb, input });
  const idOf = async (name: string) => (await tscRunOk(['inspect', '--format', '{{.Id}}', name], { sandbox: sb })).stdout.trim();

  beforeAll(async () => {
    sb = await busyboxSandbox(`run-io-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('-i streams stdin and closes it at EOF; without -i the container reads nothing', async () => {
    const input = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('');
    const r = await run(['run', '--rm', '-i', 'bb', 'sh', '-c', 'wc -l; echo after-eof'], input);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('2000\nafter-eof\n');
    expect((await run(['run', '--rm', 'bb', 'sh', '-c', 'cat; echo done'], 'ignored\n')).stdout).toBe('done\n');
  });

  it('keeps stdout and stderr apart, and gives the command only fds 0, 1 and 2', async () => {
    const r = await run(['run', '--rm', 'bb', 'sh', '-c', 'echo out; echo err >&2; echo out2']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'out\nout2\n', stderr: 'err\n' });
    const fds = await run(['run', '--rm', 'bb', 'ls', '/proc/self/fd']);
    // 3 is ls's own directory fd.
    expect(fds.stdout.split(/\s+/).filter(Boolean)).toEqual(['0', '1', '2', '3']);
    const links = await run(['run', '--rm', '-i', 'bb', 'sh', '-c', 'for f in 0 1 2; do readlink /proc/self/fd/$f; done']);
    expect(links.stdout).toMatch(/^pipe:\[\d+\]\npipe:\[\d+\]\npipe:\[\d+\]\n$/);
  });

  it('exits with the container\'s code: 0, 3, 125, 126, 127, 137', async () => {
    expect((await run(['run', '--rm', 'bb', 'true'])).exitCode).toBe(0);
    expect((await run(['run', '--rm', 'bb', 'sh', '-c', 'exit 3'])).exitCode).toBe(3);
    // podman 4.3: the --rm conflict is found before the policy is parsed.
    expect(await run(['run', '--rm', '--restart', 'bogus', 'bb', 'true'])).toMatchObject({ exitCode: 125, stderr: 'Error: the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"\n' });
    expect(await run(['run', '--rm', 'bb', '/etc'])).toMatchObject({ exitCode: 126, stderr: 'Error: tsc-run-helper: open executable: Permission denied: OCI permission denied\n' });
    expect(await run(['run', '--rm', 'bb', 'nosuch'])).toMatchObject({ exitCode: 127, stderr: 'Error: tsc-run-helper: executable file `nosuch` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found\n' });
    // SIGKILL: the shell is PID 2 under --init, so the kill lands; 128+9.
    expect((await run(['run', '--rm', '--init', 'bb', 'sh', '-c', 'kill -9 $$'])).exitCode).toBe(137);
    expect(fs.readdirSync(path.join(sb.root, 'containers'))).toEqual([]);
  });

  it('a detached container killed with SIGKILL records 137 and the signal', async () => {
    const id = (await tscRunOk(['run', '-d', 'bb', 'sleep', '30'], { sandbox: sb })).stdout.trim();
    expect((await run(['kill', id])).exitCode).toBe(0);
    await until(() => fs.existsSync(runtimeFile(sb, id, 'exit.json')), 20_000, 'exit.json');
    expect(JSON.parse(fs.readFileSync(runtimeFile(sb, id, 'exit.json'), 'utf8'))).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    await until(() => readRecord(sb, id).state.status === 'exited', 10_000, 'cleanup');
    expect(readRecord(sb, id).state.exitCode).toBe(137);
  });

  it('logs in k8s-file (with partial lines), json-file, or not at all; max-size truncates', async () => {
    await run(['run', '--name', 'k8s', 'bb', 'sh', '-c', 'echo one; printf part; echo err >&2']);
    const k8s = fs.readFileSync(path.join(sb.root, 'containers', await idOf('k8s'), 'ctr.log'), 'utf8');
    expect(k8s).toMatch(/^\S+Z stdout F one\n/m);
    expect(k8s).toMatch(/^\S+Z stdout P part\n/m);
    expect(k8s).toMatch(/^\S+Z stderr F err\n/m);
    await run(['run', '--name', 'json', '--log-driver', 'json-file', 'bb', 'sh', '-c', 'echo "q\\"uote"']);
    const json = fs.readFileSync(path.join(sb.root, 'containers', await idOf('json'), 'ctr.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(json).toEqual([{ log: 'q"uote\n', stream: 'stdout', time: expect.stringMatching(/Z$/) }]);
    const none = await run(['run', '--name', 'nolog', '--log-driver', 'none', 'bb', 'echo', 'shown']);
    expect(none.stdout).toBe('shown\n');
    expect(fs.existsSync(path.join(sb.root, 'containers', await idOf('nolog'), 'ctr.log'))).toBe(false);
    await run(['run', '--name', 'small', '--log-opt', 'max-size=200', 'bb', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo line-$i; done']);
    const small = fs.readFileSync(path.join(sb.root, 'containers', await idOf('small'), 'ctr.log'), 'utf8');
    expect(small.length).toBeLessThanOrEqual(200);
    expect(small).toMatch(/stdout F line-10\n$/);
    expect(small).not.toMatch(/line-1\n/);
    await run(['rm', 'k8s', 'json', 'nolog', 'small']);
  });

  it('--init: PID 1 reaps orphans and passes signals on', async () => {
    const r = await run(['run', '--rm', '--init', 'bb', 'sh', '-c', 'echo $$; (sleep 0.1 &) ; sleep 0.3; ps -o stat,comm | grep -c Z; trap "echo got-term; exit 4" TERM; kill -TERM 1; sleep 5 & wait']);
    expect(r.exitCode, r.stderr).toBe(4);
    // The shell is not PID 1; no zombie is left; SIGTERM to PID 1 reached the shell.
    expect(r.stdout).toBe('2\n0\ngot-term\n');
  });

  it('create + start (detached, prints the name) and start -a (foreground, its exit code)', async () => {
    const c = await run(['create', '--name', 'made', 'bb', 'sh', '-c', 'echo made-ran; exit 6']);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(readRecord(sb, c.stdout.trim()).state.status).toBe('created');
    const a = await run(['start', '-a', 'made']);
    expect(a).toMatchObject({ exitCode: 6, stdout: 'made-ran\n' });
    const s = await run(['start', 'made']);
    expect(s).toMatchObject({ exitCode: 0, stdout: 'made\n', stderr: '' });
    await until(() => readRecord(sb, c.stdout.trim()).state.status === 'exited', 20_000, 'second run');
    expect(readRecord(sb, c.stdout.trim()).state.exitCode).toBe(6);
    expect(await run(['start', 'nosuch'])).toMatchObject({ exitCode: 125 });
    await run(['rm', 'made']);
  });

  it.runIf(full)('-i stays open for attach when detached: attach streams stdin and ends with the exit code', async () => {
    const id = (await tscRunOk(['run', '-di', 'bb', 'sh', '-c', 'read a; echo "got $a"; exit 8'], { sandbox: sb })).stdout.trim();
    const r = await run(['attach', id], 'hello\n');
    expect(r).toMatchObject({ exitCode: 8, stdout: 'got hello\n' });
    expect(await run(['attach', id])).toMatchObject({ exitCode: 125, stderr: 'Error: you can only attach to running containers\n' });
  });

  it.runIf(full)('--cidfile, --replace, --env-file, --env-host, labels, stop signal and timeout', async () => {
    const cid = path.join(sb.dir, 'cid');
    const envFile = sb.file('vars.env', '# comment\nFROM_FILE=yes\nOVERRIDDEN=file\n');
    const r = await tscRun(['run', '--rm', '--cidfile', cid, '--env-file', envFile, '-e', 'OVERRIDDEN=flag', '--env-host', 'bb', 'sh', '-c', 'echo $FROM_FILE $OVERRIDDEN $HOST_ONLY'], {
      sandbox: sb,
      env: { HOST_ONLY: 'from-host' },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'yes flag from-host\n' });
    expect(fs.readFileSync(cid, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    expect((await run(['run', '--rm', '--cidfile', cid, 'bb', 'true'])).stderr).toMatch(/^Error: container id file exists/);
    fs.rmSync(cid);

    const first = (await tscRunOk(['run', '-d', '--name', 'rep', '--stop-timeout', '1', 'bb', 'sleep', '30'], { sandbox: sb })).stdout.trim();
    expect((await run(['run', '-d', '--name', 'rep', 'bb', 'true'])).exitCode).toBe(125);
    const second = (await tscRunOk(['create', '--replace', '--name', 'rep', '-l', 'a=1', '-l', 'b', '--stop-signal', 'KILL', '--stop-timeout', '3', 'bb', 'true'], { sandbox: sb })).stdout.trim();
    expect(second).not.toBe(first);
    expect(fs.existsSync(path.join(sb.root, 'containers', first))).toBe(false);
    expect(readRecord(sb, second).config).toMatchObject({ labels: { a: '1', b: '' }, stopSignal: 9, stopTimeout: 3 });
    await run(['rm', 'rep']);
  });

  it.runIf(full)('--userns keep-id runs as the user\'s own uid', async () => {
    const me = sb.owner;
    if (me.uid === 0) return;
    const r = await run(['run', '--rm', '--userns', 'keep-id', 'bb', 'sh', '-c', 'id -u; id -g; cat /proc/self/uid_map']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [uid, gid, ...map] = r.stdout.trim().split('\n');
    expect([Number(uid), Number(gid)]).toEqual([me.uid, me.gid]);
    expect(map.join('\n')).toMatch(new RegExp(`^\\s*${me.uid}\\s+${me.uid}\\s+1$`, 'm'));
    // Container 0..99 = our ids 1..100 (sub-ids); 100 = us, owner of the container's files.
    const custom = await run(['run', '--rm', '--uidmap', '0:1:100', '--uidmap', '100:0:1', '--user', '100', 'bb', 'sh', '-c', 'id -u; cat /proc/self/uid_map']);
    expect(custom.exitCode, custom.stderr).toBe(0);
    expect(custom.stdout.trim().split(/\s+/).map(Number)).toEqual([100, 0, expect.any(Number), 100, 100, me.uid, 1]);
    expect((await run(['run', '--rm', '--uidmap', '0:1:100', 'bb', 'true'])).stderr).toMatch(/^Error: --uidmap must map host id 0/);
  });

  it.runIf(full && !cgroupV2Delegated())('--memory, --cpus and --pids-limit without a delegated cgroup v2: podman 4.3\'s warning rootless on cgroup v1, else refused with the reason', async () => {
    const v1 = fs.statfsSync('/sys/fs/cgroup').type !== 0x63677270;
    for (const flag of [['--memory', '64m'], ['--cpus', '1'], ['--pids-limit', '10']]) {
      const r = await run(['run', '--rm', ...flag, 'bb', 'true']);
      if (v1 && sb.as === 'user') {
        expect([r.exitCode, r.stderr]).toEqual([0, 'Resource limits are not supported and ignored on cgroups V1 rootless systems\n']);
        continue;
      }
      expect(r.exitCode).toBe(125);
      expect(r.stderr).toMatch(new RegExp(`^Error: ${flag[0]} needs a cgroup v2 subtree delegated to this user, and .*cgroup.*: the limits cannot be applied; run the container without them`));
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
  });

  it('the seccomp filter, compiled once, is loaded from the cache on later starts', async () => {
    const cache = path.join(sharedUserDir('cache', sb.owner.uid, sb.owner.gid), 'tsc-run', 'seccomp');
    expect((await run(['run', '--rm', 'bb', 'true'])).exitCode).toBe(0);
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.bpf')).length).toBeGreaterThan(0);
    const r = await run(['run', '--rm', 'bb', 'grep', '^Seccomp', '/proc/self/status']);
    expect(r.stdout).toMatch(/^Seccomp:\s+2\nSeccomp_filters:\s+1\n$/);
    // A damaged entry is never used: it is compiled again.
    for (const f of fs.readdirSync(cache)) fs.writeFileSync(path.join(cache, f), 'TSCBPF1\ngarbage');
    expect((await run(['run', '--rm', 'bb', 'grep', '^Seccomp:', '/proc/self/status'])).stdout).toMatch(/^Seccomp:\s+2\n$/);
  });

  it('the helper binary is out of the container\'s reach', async () => {
    const r = await run(['run', '--rm', 'bb', 'sh', '-c', 'ls -l /proc/*/exe 2>/dev/null; grep -l tsc-run-helper /proc/*/cmdline 2>/dev/null; echo end']);
    expect(r.stdout).not.toMatch(/tsc-run-helper|memfd/);
    expect(r.stdout).toMatch(/end\n$/);
    // With --init PID 1 is the helper, from a sealed copy: not writable, not even by the container's root.
    const w = await run(['run', '--rm', '--init', 'bb', 'sh', '-c', 'readlink /proc/1/exe; echo x >> /proc/1/exe && echo WROTE; echo x > /proc/1/exe && echo WROTE']);
    expect(w.stdout).not.toMatch(/WROTE/);
    expect(w.stdout).toMatch(/^\/memfd:/);
  });

  it.runIf(full)('kill -9 of the foreground CLI (run --rm): the store stays readable, the monitor finishes the job', async () => {
    const dir = path.join(sb.root, 'containers');
    const list = () => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
    const before = list();
    const named = async (name: string) => (await run(['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.ID}} {{.State}}'])).stdout.trim();
    // Killed once it runs: the monitor sees us go without `done` and its exit command removes it.
    const live = spawnLive(sb, cliArgv(sb, ['run', '--rm', '--name', 'late', 'bb', 'sh', '-c', 'echo up; sleep 0.5']));
    await live.waitFor('up');
    live.child.kill('SIGKILL'); // the CLI alone: the monitor is its child, not killed with it
    await live.exited;
    // Killed at any earlier point: whatever is left is readable and nothing runs unrecorded.
    for (const delay of [20, 80, 160, 320]) {
      const early = spawnLive(sb, cliArgv(sb, ['run', '--rm', '--name', `early${delay}`, 'bb', 'sh', '-c', 'sleep 0.5']));
      await new Promise((r) => setTimeout(r, delay));
      early.child.kill('SIGKILL');
      await early.exited;
      expect((await run(['ps', '-a', '--format', 'json'])).exitCode).toBe(0);
    }
    // A record may vanish while we look (an exit command removing it).
    const rec = (id: string) => {
      try {
        return readRecord(sb, id);
      } catch {
        return undefined;
      }
    };
    await until(() => !list().some((id) => !before.includes(id) && rec(id)?.name === 'late'), 20_000, 'the exit command to remove "late"');
    await until(() => list().every((id) => before.includes(id) || rec(id)?.state.status !== 'running'), 20_000, 'nothing running');
    for (const delay of [20, 80, 160, 320]) expect(await named(`early${delay}`)).not.toMatch(/running/);
    await run(['rm', '-fa', '-t', '0']);
  });

  it.runIf(full)('Ctrl-C on run -i --rm (SIGINT to the group) leaves nothing behind', async () => {
    const before = fs.readdirSync(path.join(sb.root, 'containers')).sort();
    const live = spawnLive(sb, cliArgv(sb, ['run', '--rm', '-i', 'bb', 'sh', '-c', 'trap "exit 130" INT; echo ready; while :; do sleep 0.1; done']));
    await live.waitFor('ready');
    process.kill(-live.child.pid!, 'SIGINT');
    expect(await live.exited).toBe(130);
    expect(live.stderr()).toBe('');
    // Nothing new is left (earlier containers may still be going away meanwhile).
    expect(fs.readdirSync(path.join(sb.root, 'containers')).filter((d) => !before.includes(d))).toEqual([]);
    expect(fs.readdirSync(path.join(sb.runroot, 'containers')).filter((d) => !before.includes(d))).toEqual([]);
  });
}

describe('run stdio and flags (rootless)', () => suite('user', true));
describe.runIf(isRoot())('run stdio and flags (root)', () => suite('root', false));
