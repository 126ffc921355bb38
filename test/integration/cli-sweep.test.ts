// No internal error ever reaches the user: every command of the command
// table (read from the same definitions as help), called with an unknown
// flag, with nonsense arguments, and with each of its value flags given a
// nonsense value. stderr must be podman-style lines, never JavaScript's
// (TypeError, "is not a function", a stack, Node's raw errno text), and the
// exit code one podman uses. The unknown flag is compared with podman.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootInfo } from '../../src/cli/main.js';
import type { CommandInfo } from '../../src/cli/help/command-info.js';
import { disposeStore, emptyStore, runAs, runProcess, STD_PATH, tscRun, type ProcResult, type Sandbox } from '../harness/index.js';

const INTERNAL = [
  /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|AssertionError)\b/,
  /is not a function|is not iterable|Cannot read propert|Cannot destructure|undefined \(reading/,
  /^\s+at .+\(.+:\d+:\d+\)$/m,
  /\b[A-Z]{4,}: [a-z ]+, (?:open|stat|lstat|mkdir|rename|unlink|rmdir|scandir|read|write|access|chmod|readlink) '/,
  /\[object Object\]|node:internal|\/dist\/app\/|\.mjs:\d+/,
];
const CODES = new Set([0, 1, 2, 125, 126, 127]);


/** Every runnable command path with its options (hidden ones included: they are accepted too). */
function leaves(c: CommandInfo, out: CommandInfo[] = []): CommandInfo[] {
  if (c.subcommands.length === 0) out.push(c);
  for (const s of c.subcommands) leaves(s, out);
  return out;
}

/** Commands that wait for something by design: given a way to end, or a short leash. */
const ENDS: Record<string, string[]> = {
  'tsc-run events': ['--stream=false'],
  'tsc-run stats': ['--no-stream'],
  'tsc-run container stats': ['--no-stream'],
};

const podmanHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-sweep-podman-'));
function podman(args: readonly string[]): Promise<ProcResult> {
  return runProcess('podman', args, { env: { HOME: podmanHome, XDG_RUNTIME_DIR: podmanHome, PATH: STD_PATH, LANG: 'C.UTF-8' }, input: '' });
}

/** What is wrong with a result (none: clean). */
function problems(r: ProcResult, what: string): string[] {
  const out: string[] = [];
  for (const re of INTERNAL) {
    if (re.test(r.stderr) || re.test(r.stdout)) out.push(`${what}: internal error text ${re}: ${r.stderr.slice(0, 300)}${r.stdout.slice(0, 200)}`);
  }
  if (!r.timedOut && !CODES.has(r.exitCode)) out.push(`${what}: exit ${r.exitCode}: ${r.stderr.slice(0, 300)}`);
  // Progress or warnings may come first; the failure itself is one `Error:` line at the end.
  if (r.exitCode === 125 && !/(^|\n)Error: [^\n]+\n(See '[^'\n]+ --help'\n)?$/.test(r.stderr)) out.push(`${what}: 125 without a final Error: line: ${JSON.stringify(r.stderr.slice(-300))}`);
  return out;
}

async function pool<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
  }));
}

const allCommandsRoot = await rootInfo();

/** Podman commands tsc-run refuses whole, with the reason, whatever the flags. */
const REFUSED = new Set(
  ['container checkpoint', 'container restore', 'container clone', 'container init', 'init', 'generate spec', 'system service', 'system connection', ...['info', 'init', 'inspect', 'list', 'rm', 'set', 'ssh', 'start', 'stop'].map((s) => `machine ${s}`), 'image scp', 'image sign', 'auto-update', 'pod clone', 'compose alpha', 'compose bridge'].map((c) => `tsc-run ${c}`),
);

describe('every command with bad input', () => {
  let sb: Sandbox;
  const root = allCommandsRoot;
  // `container run` is the very module of `run`: sweep each module once.
  const seen = new Set<string>();
  const cmds = leaves(root).filter((c) => {
    const key = `${c.name} ${c.options.map((o) => o.name).join(',')}`;
    if (c === root || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  beforeAll(async () => {
    sb = await emptyStore('sweep', 'user');
  });
  afterAll(async () => {
    await disposeStore(sb);
    fs.rmSync(podmanHome, { recursive: true, force: true });
  });

  const run = (words: string[], extra: string[]) => {
    const args = [...words, ...extra, ...(ENDS[`tsc-run ${words.join(' ')}`] ?? [])];
    return tscRun(args, { sandbox: sb, input: '', timeoutMs: 15_000 });
  };
  const wordsOf = (c: CommandInfo) => c.path.split(' ').slice(1);

  it('an unknown flag: podman\'s exit code, one line naming it', async () => {
    const bad: string[] = [];
    await pool(cmds, 4, async (c) => {
      const words = wordsOf(c);
      const [ours, theirs] = await Promise.all([run(words, ['--no-such-flag']), podman([...words, '--no-such-flag'])]);
      bad.push(...problems(ours, `${c.path} --no-such-flag`));
      // Where podman has the command too, it refuses the same way.
      const code = /unrecognized command/.test(theirs.stderr) || REFUSED.has(c.path) ? 125 : theirs.exitCode;
      if (ours.exitCode !== code) bad.push(`${c.path}: exit ${ours.exitCode}, podman ${code}`);
      // A command tsc-run refuses as a whole says why, whatever flags follow (src/cli/commands/refused.ts).
      if (REFUSED.has(c.path)) {
        if (ours.exitCode !== 125 || !/^Error: [^\n]+\n$/.test(ours.stderr) || /unknown flag/.test(ours.stderr)) bad.push(`${c.path} (refused): ${ours.stderr}`);
        return;
      }
      if (!/^Error: unknown flag: --no-such-flag/.test(ours.stderr)) bad.push(`${c.path}: ${ours.stderr}`);
    });
    expect(bad).toEqual([]);
  }, 600_000);

  it('nonsense arguments', async () => {
    const bad: string[] = [];
    await pool(cmds, 4, async (c) => {
      for (const extra of [['no-such-thing-\u00e9', '-'], ['a/b:c@d', '../../..', '']]) {
        bad.push(...problems(await run(wordsOf(c), extra), `${c.path} ${extra.join(' ')}`));
      }
    });
    expect(bad).toEqual([]);
  }, 900_000);

  it('every value flag with a nonsense value', async () => {
    const jobs = cmds.flatMap((c) => c.options.filter((o) => o.type !== 'boolean' && o.type !== 'count').map((o) => ({ c, o }))).map((j, i) => ({ ...j, i }));
    const bad: string[] = [];
    await pool(jobs, 4, async ({ c, o, i }) => {
      // Half the flags get a template fragment, half a negative number: both kinds of parser see nonsense.
      const v = i % 2 ? '-1' : '{{.No';
      const r = await run(wordsOf(c), [`--${o.name}=${v}`, 'no-such-thing']);
      bad.push(...problems(r, `${c.path} --${o.name}=${v}`));
    });
    expect(bad).toEqual([]);
  }, 1_200_000);

  it('works without XDG_RUNTIME_DIR (podman\'s fallback runtime dir)', async () => {
    for (const args of [['ps', '-a'], ['images'], ['volume', 'ls'], ['info', '--format', '{{.Store.RunRoot}}'], ['events', '--stream=false'], ['system', 'df'], ['version']]) {
      const r = await runAs('user', (await import('../harness/index.js')).cliBinary().bin, ['--root', sb.root, ...args], {
        env: { HOME: sb.home, XDG_CACHE_HOME: path.join(sb.home, '.cache') },
        input: '',
      });
      expect(problems(r, args.join(' '))).toEqual([]);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  }, 120_000);
});
