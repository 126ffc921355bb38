// compose up on a real terminal (util-linux `script` gives the CLI a
// pseudo-terminal; what we write to its stdin is what the user types), as
// the unprivileged user: the live progress view (docker compose's `[+]
// Running 3/3` with a spinner per step under way: building, waiting for a
// healthcheck, creating, starting, healthy), then the logs; Ctrl-C stops
// the services gracefully (their stop signal, then exit 130), a second
// Ctrl-C kills them at once. --progress and --ansi choose plain lines or
// none, as docker compose's.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tscRun, tscRunOk } from '../harness/cli.js';
import type { Sandbox } from '../harness/sandbox.js';
import { busyboxSandbox, cliLine, composeProjects, disposeSandbox, spawnInTerminal, type Live } from './run-util.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await busyboxSandbox('compose-tty', 'user');
}, 120_000);

afterAll(async () => {
  await disposeSandbox(sb);
});

const { projectDir, composeOk } = composeProjects(() => sb);

/** The CLI in a 120x40 terminal; `exec` so that script's exit code is the CLI's. */
function inTerminal(dir: string, args: readonly string[]): Live {
  return spawnInTerminal(sb, `stty cols 120 rows 40; exec ${cliLine(sb, ['compose', '-f', path.join(dir, 'compose.yaml'), ...args])}`);
}

const CTRL_C = '\x03';
const SPINNER = '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]';
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
const state = async (name: string) => (await tscRunOk(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name], { sandbox: sb })).stdout.trim();

/** Polls the terminal's output until it matches, failing with what was seen. */
async function seen(t: Live, re: RegExp, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!re.test(stripAnsi(t.stdout()))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${re}; terminal: ${stripAnsi(t.stdout())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('compose up on a terminal', () => {
  it('draws the live view (build, healthy, started), attaches, and stops gracefully on Ctrl-C (exit 130)', async () => {
    const dir = projectDir('tty', {
      'compose.yaml': [
        'name: tty',
        'services:',
        '  db:',
        '    image: bb',
        '    command: ["sh", "-c", "sleep 2; touch /tmp/ok; while :; do sleep 0.1; done"]',
        '    stop_signal: SIGKILL',
        '    network_mode: none',
        '    healthcheck: {test: ["CMD", "test", "-e", "/tmp/ok"], interval: 1s, retries: 30}',
        '  web:',
        '    build: {context: ., dockerfile_inline: "FROM bb\\nLABEL tty=1\\n"}',
        '    command: ["sh", "-c", "trap \'echo got TERM; exit 0\' TERM; echo web is ready; while :; do sleep 0.1; done"]',
        '    network_mode: none',
        '    depends_on: {db: {condition: service_healthy}}',
        '',
      ].join('\n'),
    });
    const t = inTerminal(dir, ['up']);
    await seen(t, /web-1 {2}\| web is ready/, 180_000);
    const shown = stripAnsi(t.stdout());
    // The steps under way had spinners; the last frame has every row done, then the logs.
    expect(shown).toMatch(new RegExp(`${SPINNER} Container tty-db-1 +Waiting`));
    expect(shown).toMatch(/\[\+\] Running 3\/3\n ✔ Image tty-web +Built +\d+\.\ds *\n ✔ Container tty-db-1 +Healthy +\d+\.\ds *\n ✔ Container tty-web-1 +Started +\d+\.\ds *\n/);
    expect(shown.indexOf('[+] Running 3/3')).toBeLessThan(shown.indexOf('Attaching to db-1, web-1'));

    t.child.stdin!.write(CTRL_C);
    expect(await t.exited).toBe(130);
    const out = stripAnsi(t.stdout());
    expect(out).toContain('Gracefully stopping... (press Ctrl+C again to force)\n');
    expect(out).toMatch(/\[\+\] Stopping 2\/2\n( ✔ Container tty-(db|web)-1 +Stopped +\d+\.\ds *\n){2}/);
    // Stopped with its stop signal (its trap ran), not killed.
    expect(await state('tty-web-1')).toBe('exited 0');
    expect((await composeOk(dir, ['logs', 'web'])).stdout).toContain('got TERM');
    await composeOk(dir, ['down']);
  });

  it('a second Ctrl-C kills what a graceful stop is still waiting for', async () => {
    const dir = projectDir('tty2', {
      'compose.yaml': [
        'name: tty2',
        'services:',
        '  stubborn:',
        '    image: bb',
        '    command: ["sh", "-c", "trap \'\' TERM; echo stubborn is ready; while :; do sleep 0.1; done"]',
        '    stop_grace_period: 2m',
        '    network_mode: none',
        '',
      ].join('\n'),
    });
    const t = inTerminal(dir, ['up']);
    await seen(t, /stubborn is ready/, 120_000);
    t.child.stdin!.write(CTRL_C);
    await seen(t, new RegExp(`${SPINNER} Container tty2-stubborn-1 +Stopping`));
    const t0 = Date.now();
    t.child.stdin!.write(CTRL_C);
    expect(await t.exited).toBe(130);
    // Well before the 2 minutes of grace.
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(stripAnsi(t.stdout())).toMatch(/ ✔ Container tty2-stubborn-1 +Killed/);
    expect(await state('tty2-stubborn-1')).toBe('exited 137');
    await composeOk(dir, ['down']);
  });

  it('--progress plain, --ansi never: plain lines on a terminal; --progress quiet: none; contradictions refused', async () => {
    const dir = projectDir('tty3', {
      'compose.yaml': ['name: tty3', 'services:', '  one:', '    image: bb', '    command: ["sleep", "300"]', '    stop_signal: SIGKILL', '    network_mode: none', ''].join('\n'),
    });
    const plain = inTerminal(dir, ['--progress', 'plain', 'up', '-d']);
    expect(await plain.exited).toBe(0);
    expect(stripAnsi(plain.stdout())).toContain(' Container tty3-one-1  Started\n');
    expect(plain.stdout()).not.toContain('[+]');
    const never = inTerminal(dir, ['--ansi', 'never', 'stop']);
    expect(await never.exited).toBe(0);
    expect(never.stdout().replace(/\r/g, '')).toContain(' Container tty3-one-1  Stopped\n');
    expect(never.stdout()).not.toContain('\x1b[');
    const quiet = inTerminal(dir, ['--progress', 'quiet', 'up', '-d']);
    expect(await quiet.exited).toBe(0);
    expect(stripAnsi(quiet.stdout()).trim()).toBe('');
    const live = inTerminal(dir, ['stop']);
    expect(await live.exited).toBe(0);
    expect(stripAnsi(live.stdout())).toMatch(/\[\+\] Stopping 1\/1\n ✔ Container tty3-one-1 +Stopped/);

    for (const [args, err] of [
      [['--progress', 'tty', '--ansi', 'never', 'up', '-d'], "Error: can't use --progress tty while ANSI support is disabled\n"],
      [['--progress', 'plain', '--ansi', 'always', 'up', '-d'], "Error: can't use --progress plain while ANSI support is forced\n"],
      [['--progress', 'fancy', 'up', '-d'], 'Error: unsupported --progress value "fancy"\n'],
    ] as const) {
      const r = await tscRun(['compose', '-f', path.join(dir, 'compose.yaml'), ...args], { sandbox: sb });
      expect(r.exitCode, args.join(' ')).toBe(125);
      expect(r.stderr).toBe(err);
    }
    // Without a terminal --progress tty falls back to plain lines, with docker compose's warning.
    const notty = await composeOk(dir, ['--progress', 'tty', 'up', '-d']);
    expect(notty.stderr).toMatch(/^WARN\[0000\] Terminal is not a POSIX console\n Container tty3-one-1 {2}Starting\n/);
    await composeOk(dir, ['down']);
  });
});
