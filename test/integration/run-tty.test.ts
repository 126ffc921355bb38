// -t in a real terminal (util-linux `script` gives the CLI a pseudo-terminal;
// what we write to script's stdin is what the user types): the container
// gets its own pty (/dev/pts/0) with our size, follows a resize, raw mode
// passes ctrl-c through, ctrl-p ctrl-q detaches (run -it and attach), and
// attach ends with the container's exit code.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, tscRun, tscRunOk, type As, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliLine, disposeSandbox, readRecord, sleep, spawnInTerminal, until } from './run-util.js';

const CTRL_P_Q = '\x10\x11';

function suite(as: As, full: boolean) {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await busyboxSandbox(`run-tty-${as}`, as);
  });
  afterAll(() => disposeSandbox(sb));

  it('run -it: a pty of its own with our size, resized with us; fds 0-2 only; the exit code', async () => {
    const cmd = 'tty; stty size; echo resize-now; read x; stty size; ls /proc/self/fd; exit 4';
    // Resize the outer terminal from inside the script session, as a window manager would.
    const line = `stty rows 30 cols 100; ${cliLine(sb, ['run', '-it', '--rm', 'bb', 'sh', '-c', cmd])}; echo "rc=$?"`;
    const t = spawnInTerminal(sb, `sh -c '(while [ ! -e ${sb.dir}/go ]; do sleep 0.05; done; stty rows 40 cols 120 < /dev/tty) & ${line.replace(/'/g, `'\\''`)}'`);
    await t.waitFor('resize-now');
    await tscRunOk(['version'], { sandbox: sb }); // anything else running meanwhile is fine
    sb.file('go', '');
    await sleep(300);
    t.child.stdin!.write('\r');
    expect(await t.exited).toBe(0);
    const out = t.stdout().replace(/\r/g, '');
    expect(out).toMatch(/^\/dev\/pts\/0\n30 100\nresize-now\n/m);
    expect(out).toMatch(/\n40 120\n0 +1 +2 +3\nrc=4\n/);
  });

  it('run -it passes ctrl-c to the container as a byte (raw mode)', async () => {
    const t = spawnInTerminal(sb, `${cliLine(sb, ['run', '-it', '--rm', 'bb', 'sh', '-c', 'trap "echo got-int; exit 9" INT; echo ready; while :; do sleep 0.1; done'])}; echo "rc=$?"`);
    await t.waitFor('ready');
    t.child.stdin!.write('\x03');
    expect(await t.exited).toBe(0);
    expect(t.stdout().replace(/\r/g, '')).toMatch(/got-int\n(.*\n)?rc=9\n/);
  });

  it('ctrl-p ctrl-q detaches run -it: the CLI exits 0, the container carries on', async () => {
    const t = spawnInTerminal(sb, `${cliLine(sb, ['run', '-it', '--name', 'dk', 'bb', 'sh', '-c', 'echo started; until [ -e /tmp/go ]; do sleep 0.1; done'])}; echo "rc=$?"`);
    await t.waitFor('started');
    t.child.stdin!.write(CTRL_P_Q);
    await t.waitFor('rc=');
    expect(await t.exited).toBe(0);
    expect(t.stdout()).toMatch(/rc=0/);
    const id = (await tscRunOk(['inspect', '--format', '{{.Id}}', 'dk'], { sandbox: sb })).stdout.trim();
    // It waits for our go-ahead, so "still running" does not depend on how fast a loaded machine detaches.
    expect(readRecord(sb, id).state.status).toBe('running');
    await tscRunOk(['exec', 'dk', 'touch', '/tmp/go'], { sandbox: sb });
    await until(() => readRecord(sb, id).state.status === 'exited', 20_000, 'the container to finish');
    expect(readRecord(sb, id).state.exitCode).toBe(0);
    await tscRun(['rm', 'dk'], { sandbox: sb });
  });

  it.runIf(full)('attach to run -dit: typed input reaches it, ctrl-p ctrl-q detaches, the next attach gets the exit code', async () => {
    const id = (await tscRunOk(['run', '-dit', '--name', 'sh1', 'bb', 'sh'], { sandbox: sb })).stdout.trim();
    const a = spawnInTerminal(sb, `${cliLine(sb, ['attach', 'sh1'])}; echo "rc=$?"`);
    await sleep(500);
    a.child.stdin!.write('echo in-container $((6*7))\r');
    await a.waitFor('in-container 42');
    a.child.stdin!.write(CTRL_P_Q);
    await a.waitFor('rc=');
    expect(await a.exited).toBe(0);
    expect(a.stdout()).toMatch(/rc=0/);
    // One \r\n per line, not \r\r\n: our terminal's own output processing is off while attached.
    expect(a.stdout()).toMatch(/in-container 42\r\n/);
    expect(a.stdout()).not.toMatch(/\r\r\n/);
    expect(readRecord(sb, id).state.status).toBe('running');

    const b = spawnInTerminal(sb, `${cliLine(sb, ['attach', 'sh1'])}; echo "rc=$?"`);
    await sleep(500);
    b.child.stdin!.write('exit 7\r');
    await b.waitFor('rc=');
    expect(await b.exited).toBe(0);
    expect(b.stdout()).toMatch(/rc=7/);
    await until(() => readRecord(sb, id).state.status === 'exited', 20_000, 'cleanup');
    await tscRun(['rm', 'sh1'], { sandbox: sb });
  });

  it.runIf(full)('--detach-keys changes the sequence; the default then passes through', async () => {
    const t = spawnInTerminal(sb, `${cliLine(sb, ['run', '-it', '--rm', '--detach-keys', 'ctrl-x', 'bb', 'sh', '-c', 'stty raw -echo; echo ready; od -An -b -N2; stty sane; echo done'])}; echo "rc=$?"`);
    await t.waitFor('ready');
    t.child.stdin!.write(CTRL_P_Q);
    await t.waitFor('done');
    expect(t.stdout()).toMatch(/020 +021/);
    expect(await t.exited).toBe(0);
    expect(t.stdout()).toMatch(/rc=0/);
  });
}

describe('run -t (rootless)', () => suite('user', true));
describe.runIf(isRoot())('run -t (root)', () => suite('root', false));
