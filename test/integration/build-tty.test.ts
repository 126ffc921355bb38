// `build` on a real terminal (util-linux `script` gives the CLI a
// pseudo-terminal): the live view draws the running step with its timer and
// output, and what stays on the screen once it is done is podman's plain
// lines, every RUN line in order, none lost (checked by replaying the bytes
// through a small terminal emulator). Ctrl-C mid-step exits 1 as podman does
// and leaves no container, temporary directory or process behind. -q,
// --log-level debug, and one stream redirected get podman's plain lines.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, type Sandbox } from '../harness/index.js';
import { busyboxSandbox, cliLine, disposeSandbox, spawnInTerminal } from './run-util.js';

/**
 * The text a terminal keeps (screen and scrollback) after these bytes: enough
 * of a VT100 for Ink's output (CR, LF, erase line, cursor up, column 1);
 * other sequences are ignored. A full-screen clear is recorded, not done.
 */
function replay(bytes: string): { lines: string[]; clears: number } {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  let clears = 0;
  const put = (ch: string) => {
    const l = lines[row]!.padEnd(col);
    lines[row] = l.slice(0, col) + ch + l.slice(col + 1);
    col++;
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === '\x1b') {
      const m = /^\x1b\[([?0-9;]*)([@-~])/.exec(bytes.slice(i));
      if (!m) continue;
      i += m[0].length - 1;
      const [, arg = '', fin] = m;
      if (fin === 'K') lines[row] = arg === '2' ? '' : lines[row]!.slice(0, col);
      else if (fin === 'A') row = Math.max(0, row - Number(arg || 1));
      else if (fin === 'G') col = Number(arg || 1) - 1;
      else if (fin === 'J' && arg !== '') clears++;
      continue;
    }
    if (c === '\r') col = 0;
    else if (c === '\n') {
      row++;
      if (row === lines.length) lines.push('');
    } else put(c);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return { lines: lines.map((l) => l.replace(/\s+$/, '')), clears };
}

const ids = (s: string) => s.replace(/\b[0-9a-f]{64}\b/g, '<ID>').replace(/--> [0-9a-f]{11}\b/g, '--> <id>');

describe('build on a terminal', () => {
  let sb: Sandbox;
  let ctx: string;
  let tmp: string;
  /** The CLI on a terminal of 30x100 (TERM=xterm, TMPDIR private); `after` runs after it in the same shell. */
  // The shell (dash) would die of the terminal's SIGINT before saying rc=: it runs `:` on it instead (its children keep the default).
  const onTerminal = (args: string[], after = '') =>
    spawnInTerminal(sb, `trap : INT; stty rows 30 cols 100; env TERM=xterm TMPDIR=${tmp} ${cliLine(sb, args)}${after}; echo "rc=$?"`);
  const leftovers = async () => {
    const ps = await tscRun(['ps', '-a', '-q'], { sandbox: sb });
    const buildTmp = path.join(sb.root, 'build', 'tmp');
    return { containers: ps.stdout.trim(), buildTmp: fs.existsSync(buildTmp) ? fs.readdirSync(buildTmp) : [], tmp: fs.readdirSync(tmp) };
  };

  beforeAll(async () => {
    sb = await busyboxSandbox('build-tty', 'user');
    tmp = path.join(sb.dir, 'tmp');
    sb.file('tmp/.keep', '');
    fs.rmSync(path.join(tmp, '.keep'));
    ctx = path.join(sb.dir, 'ctx');
    sb.file('ctx/f.txt', 'file\n');
    sb.file(
      'ctx/Containerfile',
      [
        'FROM bb AS base',
        // 600 lines (more than the view holds back), then a line on stderr, a progress line redrawn with \r, an unfinished line.
        `RUN i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo "line $i"; done; sleep 0.3; echo "to stderr" >&2; sleep 0.3; printf '10%%\\r50%%\\r100%%\\n'; printf 'unfinished'`,
        'FROM base',
        'COPY f.txt /f.txt',
        'RUN sleep 1.5; echo slept',
      ].join('\n'),
    );
    sb.chown(path.join(sb.dir, 'ctx'));
    sb.chown(tmp);
  });
  afterAll(() => disposeSandbox(sb));

  it('the live view: a timer while a step runs; what stays is podman lines, RUN output in order, nothing lost', async () => {
    const t = onTerminal(['build', '--no-cache', '-t', 'v', ctx]);
    expect(await t.exited).toBe(0);
    const raw = t.stdout();
    expect(raw).toMatch(/\x1b\[\?2026h/); // Ink drew frames
    expect(raw).toMatch(/\[2\/2\] STEP 3\/3: RUN sleep 1\.5; echo slept +1\.\ds/); // the timer of the running step
    const screen = replay(raw);
    expect(screen.clears).toBe(0); // the scrollback is never wiped
    // The same build off a terminal: podman's lines on stdout (the stderr line goes to stderr there).
    const plain = await tscRun(['build', '--no-cache', '-t', 'v', ctx], { sandbox: sb, timeoutMs: 120_000 });
    expect(plain.exitCode).toBe(0);
    expect(plain.stderr).toBe('to stderr\n');
    // The view shows the stderr line where it came, the last state of a \r-redrawn line, an unfinished line as a line.
    const want = plain.stdout.replace('line 600\n', 'line 600\nto stderr\n').replace('10%\r50%\r100%\n', '100%\n').replace('unfinished--> ', 'unfinished\n--> ');
    const shown = screen.lines.filter((l) => !l.startsWith('rc=') && !l.startsWith('stty'));
    expect(ids(`${shown.join('\n')}\n`)).toBe(ids(want));
    expect(t.stdout()).toMatch(/rc=0/);
  });

  it('ctrl-c mid-step: exit 1 (podman), the output so far kept, no container, temporary directory or process left', async () => {
    // The step ignores SIGINT: Ctrl-C must stop it all the same. (The quotes keep "started" out of the STEP line.)
    sb.file('ctrlc/Containerfile', 'FROM bb\nRUN trap "" INT; echo "sta""rted"; sleep 60; echo never\nRUN echo after\n');
    sb.chown(path.join(sb.dir, 'ctrlc'));
    const t = onTerminal(['build', '--no-cache', path.join(sb.dir, 'ctrlc')]);
    await t.waitFor('  started', 60_000);
    t.child.stdin!.write('\x03');
    await t.waitFor('rc=', 30_000);
    expect(await t.exited).toBe(0);
    const screen = replay(t.stdout()).lines.join('\n');
    expect(screen).toMatch(/STEP 2\/3: RUN trap "" INT; echo "sta""rted"; sleep 60; echo never\nstarted\n/);
    expect(screen).not.toMatch(/^never$|after|Error/m);
    expect(screen).toMatch(/rc=1$/);
    expect(await leftovers()).toEqual({ containers: '', buildTmp: [], tmp: [] });
    // No helper, monitor or step process of this store still runs.
    const procs = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(sb.root);
      } catch {
        return false;
      }
    });
    expect(procs).toEqual([]);
  });

  it('-q and --log-level debug on a terminal, and either stream redirected: podman plain lines, no view', async () => {
    // No frame drawn, erased or redrawn (debug lines of logrus may be coloured on a terminal, as podman's).
    const plainEnough = (s: string) => expect(s).not.toMatch(/\x1b\[(\?2026h|\?25l|2K|1A)/);
    const q = onTerminal(['build', '-q', ctx]);
    expect(await q.exited).toBe(0);
    plainEnough(q.stdout());
    expect(q.stdout().replace(/\r/g, '')).toMatch(/^(stty.*\n)?[0-9a-f]{64}\nrc=0\n$/);

    const dbg = onTerminal(['--log-level', 'debug', 'build', ctx]);
    expect(await dbg.exited).toBe(0);
    plainEnough(dbg.stdout());
    expect(dbg.stdout()).toMatch(/STEP 1\/2: FROM bb AS base\r\n/);

    // stdout on the terminal, stderr to a file: plain lines, the RUN's stderr in the file.
    const errFile = path.join(tmp, 'err');
    const o = onTerminal(['build', '--no-cache', ctx], ` 2>${errFile}`);
    expect(await o.exited).toBe(0);
    plainEnough(o.stdout());
    expect(o.stdout()).toMatch(/line 600\r\n10%\r50%\r100%\r\n/);
    expect(fs.readFileSync(errFile, 'utf8')).toBe('to stderr\n');
    fs.rmSync(errFile);

    // stderr on the terminal, stdout into a pipe: podman's lines in the pipe.
    const outFile = path.join(tmp, 'out');
    const p = onTerminal(['build', '--no-cache', ctx], ` | cat > ${outFile}`);
    expect(await p.exited).toBe(0);
    expect(p.stdout().replace(/\r/g, '')).toMatch(/^(stty.*\n)?to stderr\nrc=0\n$/);
    const piped = fs.readFileSync(outFile, 'utf8');
    expect(piped).not.toMatch(/\x1b/);
    expect(piped).toMatch(/^\[1\/2\] STEP 1\/2: FROM bb AS base\n\[1\/2\] STEP 2\/2: RUN i=0;.*\nline 1\n(line \d+\n){599}10%\r50%\r100%\nunfinished--> [0-9a-f]{11}\n/);
    fs.rmSync(outFile);
  });
});
