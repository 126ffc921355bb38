// exec into a running container: its namespaces really joined (PID 1, the
// hostname, /proc/self/ns/* equal to the container's), exit codes as run's,
// stdin with -i, a pty with -t (under script), -e/-u/-w, the container's own
// security (caps, seccomp, no_new_privs), -d with session ids, detach keys,
// and the refusals. As the test user, and a subset as root.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxStore, disposeStore, isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { cliArgv, cliLine, readRecord, sleep, spawnInTerminal, spawnLive, until } from './run-util.js';

const CTRL_P_Q = '\x10\x11';
const NAMESPACES = ['mnt', 'pid', 'uts', 'ipc', 'net', 'user', 'cgroup'];

function statusFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  let id: string;
  let pid: number;
  const run = (args: string[], input?: string) => tscRun(args, { sandbox: sb, input });

  beforeAll(async () => {
    sb = await busyboxStore(`exec-${as}`, as);
    id = (await tscRunOk(['run', '-d', '--name', 'c', '--hostname', 'inside', '-e', 'FROM_RUN=1', 'bb', 'sleep', '600'], { sandbox: sb })).stdout.trim();
    pid = readRecord(sb, id).state.pid!;
  });
  afterAll(() => disposeStore(sb));

  it('joins the container: its PID 1, its hostname, every namespace of its process', async () => {
    const cmdline = await run(['exec', 'c', 'cat', '/proc/1/cmdline']);
    expect(cmdline.exitCode, cmdline.stderr).toBe(0);
    expect(cmdline.stdout).toBe('sleep\x00600\x00');
    expect((await run(['exec', 'c', 'hostname'])).stdout).toBe('inside\n');
    // A pid of the container's namespace, not the host's.
    const self = Number((await run(['exec', 'c', 'sh', '-c', 'echo $$'])).stdout.trim());
    expect(self).toBeGreaterThan(1);
    expect(self).toBeLessThan(1000);
    for (const ns of NAMESPACES) {
      const r = await run(['exec', 'c', 'readlink', `/proc/self/ns/${ns}`]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout.trim(), ns).toBe(fs.readlinkSync(`/proc/${pid}/ns/${ns}`));
    }
  });

  it('exit codes as run: the command\'s, 126/127 with podman\'s messages, 128+N for a signal', async () => {
    const ok = await run(['exec', 'c', 'true']);
    expect([ok.exitCode, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    expect((await run(['exec', 'c', 'sh', '-c', 'exit 3'])).exitCode).toBe(3);
    const nf = await run(['exec', 'c', 'nosuchcmd']);
    expect(nf.exitCode).toBe(127);
    expect(nf.stderr).toBe('Error: tsc-run-helper: executable file `nosuchcmd` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found\n');
    const ni = await run(['exec', 'c', '/etc']);
    expect(ni.exitCode).toBe(126);
    expect(ni.stderr).toBe('Error: tsc-run-helper: open executable: Permission denied: OCI permission denied\n');
    expect((await run(['exec', 'c', 'sh', '-c', 'kill -9 $$'])).exitCode).toBe(137);
  });

  it('stdout and stderr apart; stdin only with -i; only fds 0-2', async () => {
    const r = await run(['exec', 'c', 'sh', '-c', 'echo out; echo err >&2']);
    expect([r.stdout, r.stderr]).toEqual(['out\n', 'err\n']);
    expect((await run(['exec', '-i', 'c', 'cat'], 'hello\nworld\n')).stdout).toBe('hello\nworld\n');
    // Without -i the command's stdin is /dev/null: cat ends at once.
    const noin = await run(['exec', 'c', 'cat'], 'ignored\n');
    expect([noin.exitCode, noin.stdout]).toEqual([0, '']);
    expect((await run(['exec', 'c', 'ls', '/proc/self/fd'])).stdout.split(/\s+/).filter(Boolean)).toEqual(['0', '1', '2', '3']);
  });

  it('-e adds to the container\'s environment, -u picks a user of the container, -w a directory', async () => {
    const env = (await run(['exec', '-e', 'FOO=bar', '-e', 'FROM_RUN=2', 'c', 'env'])).stdout.split('\n');
    expect(env).toContain('FOO=bar');
    expect(env).toContain('FROM_RUN=2');
    expect(env).toContain('HOSTNAME=inside');
    expect(env).toContain('HOME=/root');
    // podman 4.3 (checked): exec -u gives only the groups that list the user; this image's 'user' group lists nobody.
    expect((await run(['exec', '-u', 'user', 'c', 'id'])).stdout).toBe('uid=1000(user) gid=1000(user)\n');
    expect((await run(['exec', '-u', '1000:65534', 'c', 'id', '-u'])).stdout).toBe('1000\n');
    expect((await run(['exec', '-w', '/tmp', 'c', 'pwd'])).stdout).toBe('/tmp\n');
    const missing = await run(['exec', '-w', '/nonexistent', 'c', 'pwd']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/^Error: chdir to `\/nonexistent`: No such file or directory\n$/);
  });

  it('runs with the container\'s own security: the same capability sets, seccomp filter and no_new_privs', async () => {
    const mine = statusFields((await run(['exec', 'c', 'grep', '-E', '^(Cap|NoNewPrivs|Seccomp:)', '/proc/self/status'])).stdout);
    const init = statusFields(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    for (const k of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp']) expect(mine[k], k).toBe(init[k]);
    expect(mine.Seccomp).toBe('2');
    // Another user of the container keeps no capability through execve.
    const user = statusFields((await run(['exec', '-u', 'user', 'c', 'grep', '^Cap', '/proc/self/status'])).stdout);
    expect([user.CapEff, user.CapPrm, user.CapBnd]).toEqual(['0000000000000000', '0000000000000000', init.CapBnd]);
  });

  it.runIf(full)('--privileged gives every capability but keeps the filter; no-new-privileges follows the container', async () => {
    const priv = statusFields((await run(['exec', '--privileged', 'c', 'grep', '-E', '^(CapBnd|CapEff|Seccomp:)', '/proc/self/status'])).stdout);
    const init = statusFields(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    expect(BigInt(`0x${priv.CapBnd}`) > BigInt(`0x${init.CapBnd}`)).toBe(true);
    expect(priv.CapEff).toBe(priv.CapBnd);
    expect(priv.Seccomp).toBe('2');
    await tscRunOk(['run', '-d', '--name', 'nnp', '--security-opt', 'no-new-privileges', 'bb', 'sleep', '600'], { sandbox: sb });
    expect(statusFields((await run(['exec', 'nnp', 'grep', 'NoNewPrivs', '/proc/self/status'])).stdout).NoNewPrivs).toBe('1');
    expect((await run(['rm', '-f', '-t', '0', 'nnp'])).exitCode).toBe(0);
  });

  it('-t under a terminal: a pty of the container\'s devpts with our size; the exit code', async () => {
    const t = spawnInTerminal(sb, `stty rows 30 cols 100; ${cliLine(sb, ['exec', '-it', 'c', 'sh', '-c', 'tty; stty size; exit 6'])}; echo "rc=$?"`);
    expect(await t.exited).toBe(0);
    const out = t.stdout().replace(/\r/g, '');
    expect(out).toMatch(/^\/dev\/pts\/\d+\n30 100\n/m);
    expect(out).toMatch(/rc=6\n/);
  });

  it.runIf(full)('ctrl-p ctrl-q detaches exec -it: the CLI exits 0, the command carries on', async () => {
    const t = spawnInTerminal(sb, `${cliLine(sb, ['exec', '-it', 'c', 'sh', '-c', 'echo started; sleep 1; echo done > /tmp/detached'])}; echo "rc=$?"`);
    await t.waitFor('started');
    t.child.stdin!.write(CTRL_P_Q);
    await t.waitFor('rc=');
    expect(t.stdout()).toMatch(/rc=0/);
    for (let i = 0; i < 60; i++) {
      if ((await run(['exec', 'c', 'cat', '/tmp/detached'])).stdout === 'done\n') break;
      await sleep(100);
    }
    expect((await run(['exec', 'c', 'cat', '/tmp/detached'])).stdout).toBe('done\n');
  });

  it.runIf(full)('a CLI killed mid-session leaves the command running, and its end is still told (exec_died)', async () => {
    const live = spawnLive(sb, cliArgv(sb, ['exec', 'c', 'sh', '-c', 'echo up > /tmp/started-cli; sleep 3; echo survived > /tmp/killed-cli; exit 5']));
    // Mid-session: once the command runs (a fixed 500 ms was still the CLI's start-up under load).
    for (let i = 0; (await run(['exec', 'c', 'cat', '/tmp/started-cli'])).stdout !== 'up\n'; i++) {
      if (i > 100) throw new Error('timed out waiting for the session to start');
      await sleep(100);
    }
    process.kill(live.child.pid!, 'SIGKILL'); // the CLI alone, not its process group
    await live.exited;
    let out = '';
    for (let i = 0; i < 100 && out !== 'survived\n'; i++) {
      await sleep(100);
      out = (await run(['exec', 'c', 'cat', '/tmp/killed-cli'])).stdout;
    }
    expect(out).toBe('survived\n');
    await until(() => fs.readdirSync(path.join(sb.runroot, 'containers', id, 'exec')).every((f) => !f.endsWith('.json')), 20_000, 'the session record to go');
    const died = (await run(['events', '--stream=false', '--filter', 'event=exec_died', '--format', '{{.ContainerExitCode}}'])).stdout;
    expect(died.split('\n')).toContain('5');
  });

  it('-d prints the session id, lists it in ExecIDs while it runs, and tells of its end in events', async () => {
    const r = await run(['exec', '-d', 'c', 'sh', '-c', 'sleep 1; echo bg > /tmp/bg; exit 4']);
    expect(r.exitCode, r.stderr).toBe(0);
    const session = r.stdout.trim();
    expect(session).toMatch(/^[0-9a-f]{64}$/);
    expect((await run(['inspect', '--format', '{{json .ExecIDs}}', 'c'])).stdout.trim()).toBe(JSON.stringify([session]));
    await until(() => fs.existsSync(path.join(sb.runroot, 'containers', id, 'exec', `${session}.json`)) === false, 20_000, 'the session to end');
    expect((await run(['exec', 'c', 'cat', '/tmp/bg'])).stdout).toBe('bg\n');
    expect((await run(['inspect', '--format', '{{json .ExecIDs}}', 'c'])).stdout.trim()).toBe('[]');
    const died = await run(['events', '--stream=false', '--filter', 'event=exec_died', '--format', 'json']);
    const mine = died.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.Attributes?.execID === session);
    expect(mine).toMatchObject({ ContainerExitCode: 4, ID: id, Name: 'c', Status: 'exec_died', Type: 'container' });
  });

  it('an exec whose helper is killed with -9 (the whole process group) leaves no session behind in ExecIDs', async () => {
    const live = spawnLive(sb, cliArgv(sb, ['exec', 'c', 'sh', '-c', 'echo up; sleep 60']));
    await live.waitFor('up');
    expect(JSON.parse((await run(['inspect', '--format', '{{json .ExecIDs}}', 'c'])).stdout)).toHaveLength(1);
    process.kill(-live.child.pid!, 'SIGKILL');
    await live.exited;
    expect((await run(['inspect', '--format', '{{json .ExecIDs}}', 'c'])).stdout.trim()).toBe('[]');
    expect(fs.readdirSync(path.join(sb.runroot, 'containers', id, 'exec')).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('refuses containers that are not running (255, podman\'s generic exec code) and names that match nothing (125)', async () => {
    await tscRunOk(['create', '--name', 'stopped', 'bb', 'true'], { sandbox: sb });
    const r = await run(['exec', 'stopped', 'true']);
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toBe('Error: can only create exec sessions on running containers: container state improper\n');
    const none = await run(['exec', 'nosuch', 'true']);
    expect(none.exitCode).toBe(125);
    expect(none.stderr).toBe('Error: no container with name or ID "nosuch" found: no such container\n');
    const nocmd = await run(['exec', 'c']);
    expect(nocmd.exitCode).toBe(125);
    expect(nocmd.stderr).toMatch(/non-empty command/);
    await run(['rm', 'stopped']);
  });

  it.runIf(full)('the container\'s flags after the name are the command\'s (podman stops at the first positional)', async () => {
    expect((await run(['exec', 'c', 'ls', '-d', '/tmp'])).stdout).toBe('/tmp\n');
    expect((await run(['container', 'exec', 'c', 'echo', '-e', 'x'])).stdout).toBe('x\n');
  });
}

describe('exec (test user)', () => suite('user', true));
describe.runIf(isRoot())('exec (root)', () => suite('root', false));
