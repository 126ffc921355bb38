// pause / unpause without a cgroup freezer (this host has none delegated):
// every process of the container's pid namespace stopped (state T) and
// continued; `paused` in ps and inspect; the refusals; stop, kill and rm of
// a paused container. As the test user, and a subset as root.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, disposeSandbox, readRecord, until } from './run-util.js';

/** Host pids and states of every process in the pid namespace of pid. */
function namespaceStates(pid: number): Map<number, string> {
  const ns = fs.readlinkSync(`/proc/${pid}/ns/pid`);
  const out = new Map<number, string>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readlinkSync(`/proc/${name}/ns/pid`) !== ns) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      out.set(Number(name), stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const stoppedOrDead = (s: string) => s === 'T' || s === 'Z';

function suite(as: As, full: boolean) {
  let sb: Sandbox;
  const run = (args: string[]) => tscRun(args, { sandbox: sb });

  beforeAll(async () => {
    sb = await busyboxSandbox(`pause-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('pause stops every process of the container (exec\'d ones too); ps and inspect say paused; unpause lets them run', async () => {
    const id = (await tscRunOk(['run', '-d', '--name', 'p', 'bb', 'sh', '-c', 'while :; do sleep 0.05; done'], { sandbox: sb })).stdout.trim();
    await tscRunOk(['exec', '-d', 'p', 'sleep', '600'], { sandbox: sb });
    const pid = readRecord(sb, id).state.pid!;
    await until(() => namespaceStates(pid).size >= 3, 10_000, 'the exec session');

    const r = await run(['pause', 'p']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, 'p\n', '']);
    const states = namespaceStates(pid);
    // The shell and the exec'd sleep; the loop's short sleep may be between two runs at the pause.
    expect(states.size).toBeGreaterThanOrEqual(2);
    // A zombie (a sleep of the loop that ended just before the pause, its sh
    // now stopped and unable to reap it) has nothing left to stop.
    expect([...states.values()].every(stoppedOrDead), JSON.stringify([...states])).toBe(true);
    expect([...states.values()].filter((s) => s === 'T').length).toBeGreaterThanOrEqual(2);
    expect(readRecord(sb, id).state.status).toBe('paused');
    expect((await run(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).stdout).toBe('p Paused\n');
    expect(JSON.parse((await run(['ps', '-a', '--format', 'json'])).stdout)[0]).toMatchObject({ State: 'paused', Pid: pid });
    // Like podman, ps without -a lists running containers only.
    expect((await run(['ps', '--format', '{{.Names}}'])).stdout).toBe('');
    expect((await run(['inspect', '--format', '{{.State.Status}} {{.State.Running}} {{.State.Paused}} {{.State.Pid}}', 'p'])).stdout).toBe(`paused false true ${pid}\n`);
    // Still paused a moment later: nothing thaws it behind our back.
    await new Promise((res) => setTimeout(res, 300));
    expect([...namespaceStates(pid).values()].every(stoppedOrDead)).toBe(true);

    const u = await run(['unpause', 'p']);
    expect([u.exitCode, u.stdout, u.stderr]).toEqual([0, 'p\n', '']);
    expect([...namespaceStates(pid).values()].some((s) => s === 'T')).toBe(false);
    expect((await run(['ps', '--format', '{{.Names}} {{.Status}}'])).stdout).toMatch(/^p Up /);
    expect((await run(['inspect', '--format', '{{.State.Status}} {{.State.Running}} {{.State.Paused}}', 'p'])).stdout).toBe('running true false\n');
    const events = (await run(['events', '--stream=false', '--filter', 'container=p', '--format', '{{.Status}}'])).stdout.split('\n');
    expect(events).toEqual(expect.arrayContaining(['pause', 'unpause']));
    expect((await run(['rm', '-f', '-t', '0', 'p'])).exitCode).toBe(0);
  });

  it('podman\'s refusals: pause twice, unpause a running one, exec and start of a paused one, pause of a stopped one', async () => {
    await tscRunOk(['run', '-d', '--name', 'twice', 'bb', 'sleep', '600'], { sandbox: sb });
    const id = (await run(['inspect', '--format', '{{.Id}}', 'twice'])).stdout.trim();
    const notPaused = await run(['unpause', 'twice']);
    expect(notPaused.exitCode).toBe(125);
    expect(notPaused.stderr).toBe(`Error: "${id}" is not paused, can't unpause: container state improper\n`);
    await tscRunOk(['pause', 'twice'], { sandbox: sb });
    const again = await run(['pause', 'twice']);
    expect(again.exitCode).toBe(125);
    expect(again.stderr).toBe(`Error: "${id}" is already paused: container state improper\n`);
    const ex = await run(['exec', 'twice', 'true']);
    expect(ex.exitCode).toBe(255);
    expect(ex.stderr).toBe('Error: can only create exec sessions on running containers: container state improper\n');
    const rm = await run(['rm', 'twice']);
    expect(rm.exitCode).toBe(2);
    expect(rm.stderr).toMatch(/running or paused containers cannot be removed without force/);
    await tscRunOk(['create', '--name', 'idle', 'bb', 'true'], { sandbox: sb });
    const created = await run(['pause', 'idle']);
    expect(created.exitCode).toBe(125);
    expect(created.stderr).toBe('Error: "created" is not running, can\'t pause: container state improper\n');
    expect((await run(['rm', '-f', '-t', '0', 'twice', 'idle'])).exitCode).toBe(0);
  });

  it('stop of a paused container lets it act on its stop signal and stops it', async () => {
    const id = (await tscRunOk(['run', '-d', '--name', 'st', 'bb', 'sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.05; done'], { sandbox: sb })).stdout.trim();
    await tscRunOk(['pause', 'st'], { sandbox: sb });
    const r = await run(['stop', '-t', '5', 'st']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, 'st\n', '']);
    const s = readRecord(sb, id).state;
    expect(s.status).toBe('exited');
    expect(s.exitCode).toBe(7);
    await tscRunOk(['rm', 'st'], { sandbox: sb });
  });

  it.runIf(full)('kill of a paused container (SIGKILL needs no thaw); rm -f of a paused one', async () => {
    const id = (await tscRunOk(['run', '-d', '--name', 'k', 'bb', 'sleep', '600'], { sandbox: sb })).stdout.trim();
    await tscRunOk(['pause', 'k'], { sandbox: sb });
    expect((await run(['kill', 'k'])).exitCode).toBe(0);
    await until(() => (readRecord(sb, id).state.status === 'exited'), 10_000, 'the kill');
    expect(readRecord(sb, id).state.exitCode).toBe(137);
    await tscRunOk(['rm', 'k'], { sandbox: sb });

    const id2 = (await tscRunOk(['run', '-d', '--name', 'f', 'bb', 'sleep', '600'], { sandbox: sb })).stdout.trim();
    const pid = readRecord(sb, id2).state.pid!;
    await tscRunOk(['pause', 'f'], { sandbox: sb });
    expect((await run(['rm', '-f', '-t', '0', 'f'])).exitCode).toBe(0);
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  });

  it.runIf(full)('pause -a pauses the running containers, unpause -a the paused ones', async () => {
    await tscRunOk(['run', '-d', '--name', 'a1', 'bb', 'sleep', '600'], { sandbox: sb });
    await tscRunOk(['run', '-d', '--name', 'a2', 'bb', 'sleep', '600'], { sandbox: sb });
    const ids = (await run(['ps', '-q', '--no-trunc'])).stdout.trim().split('\n').sort();
    expect((await run(['pause', '-a'])).stdout.trim().split('\n').sort()).toEqual(ids);
    expect((await run(['ps', '-a', '--format', '{{.Status}}'])).stdout.trim().split('\n')).toEqual(['Paused', 'Paused']);
    expect((await run(['unpause', '-a'])).stdout.trim().split('\n').sort()).toEqual(ids);
    expect((await run(['rm', '-f', '-t', '0', 'a1', 'a2'])).exitCode).toBe(0);
  });
}

describe('pause (test user)', () => suite('user', true));
describe.runIf(isRoot())('pause (root)', () => suite('root', false));
