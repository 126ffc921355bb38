// The fast parser (src/cli/fast-argv.ts) against yargs, the parser it stands
// in for, on a corpus of command lines built from every hot command's own
// option table: each flag in each spelling, with good and bad values,
// repeated, clustered, unknown, with missing and surplus positionals, global
// flags around the command, and container command lines. Whatever the fast
// parser accepts must give the handler exactly what yargs gives it; every
// command line yargs refuses (its message and exit code) must be left to
// yargs. It must also accept the everyday lines, or it saves nothing.
import { describe, expect, it } from 'vitest';
import { fastParse, parserSpec } from '../../../src/cli/fast-argv.js';
import { withGlobalOptions } from '../../../src/cli/global.js';
import { rootInfo, yargsParser } from '../../../src/cli/main.js';
import { loadCommand } from '../../../src/cli/dispatch.js';
import { splitTrailingCommand, type TrailingCommandSpec } from '../../../src/cli/trailing-command.js';
import { TscRunError } from '../../../src/errors.js';
import type { AnyCommand } from '../../../src/cli/help/command-info.js';

const HOT = ['run', 'create', 'exec', 'start', 'stop', 'rm', 'ps', 'images', 'inspect'] as const;

interface UsageHolder {
  getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } };
}

type Result = { ok: Record<string, unknown> } | { err: string; code: number };

interface Harness {
  cmd: AnyCommand;
  split: (argv: string[]) => string[];
  yargs: (argv: string[]) => Promise<Result>;
}

async function harness(word: string): Promise<Harness> {
  const cmd = (await loadCommand(word))!;
  let got: Record<string, unknown> | undefined;
  const capture: AnyCommand = { ...cmd, handler: (a: Record<string, unknown>) => void (got = a) };
  const root = await rootInfo([capture]);
  const valueFlags = new Set(root.options.filter((o) => o.type !== 'boolean' && o.type !== 'count').map((o) => `--${o.name}`));
  const t = (cmd as { trailing?: Omit<TrailingCommandSpec, 'names'> }).trailing;
  const specs: TrailingCommandSpec[] = t ? [{ ...t, names: [word] }] : [];
  const split = (argv: string[]) => splitTrailingCommand(argv, specs, [...valueFlags]);
  return {
    cmd,
    split,
    yargs: async (argv) => {
      got = undefined;
      const raw = split(argv);
      try {
        const y = await yargsParser(raw, [capture], root, valueFlags);
        // As in the bundle (scripts/build.mjs): no full help text rendered after each command, ~200 ms a run line.
        (y as unknown as UsageHolder).getInternalMethods().getUsageInstance().cacheHelpMessage = () => {};
        await y.parseAsync();
        return got ? { ok: got } : { err: 'no handler call', code: -1 };
      } catch (err) {
        return { err: (err as Error).message, code: err instanceof TscRunError ? err.exitCode : 125 };
      }
    },
  };
}

/** The positionals a command needs to be valid. */
const BASE: Record<(typeof HOT)[number], string[]> = {
  run: ['img'],
  create: ['img'],
  exec: ['ctr', 'true'],
  start: ['c1'],
  stop: ['c1'],
  rm: ['c1'],
  ps: [],
  images: [],
  inspect: ['x'],
};

/** Command lines from the command's own option table. */
function corpus(word: (typeof HOT)[number], options: ReadonlyArray<{ name: string; short?: string; aliases: string[]; type?: string; array: boolean }>): string[][] {
  const base = BASE[word];
  const lines: string[][] = [[word, ...base]];
  const add = (flags: string[], pos = base) => {
    lines.push([word, ...flags, ...pos]);
    lines.push([word, ...pos, ...flags]);
  };
  // yargs takes ~20-50 ms per run/create line: with their ~140 flags, the odd forms go to every 7th flag and every kind.
  const kinds = new Set<string>();
  for (const [idx, o] of options.entries()) {
    const spellings = [`--${o.name}`, ...o.aliases.map((a) => `--${a}`), ...(o.short ? [`-${o.short}`] : [])];
    const kind = `${o.type}/${o.array}/${o.short !== undefined}/${o.name.startsWith('no-')}`;
    const odd = options.length < 40 || idx % 7 === 0 || !kinds.has(kind);
    kinds.add(kind);
    for (const [n, s] of spellings.entries()) {
      // Every spelling in its plain form; the first one also in the odd ones.
      if (o.type === 'boolean') {
        lines.push([word, s, ...base]);
        if (n > 0 || !odd) continue;
        lines.push([word, ...base, s], [word, s, s, ...base], [word, s, 'false', ...base], [word, `${s}=false`, ...base], [word, `${s}=yes`, ...base]);
        lines.push([word, `--no-${o.name}`, ...base], [word, `--no-${o.name}=true`, ...base]);
      } else {
        lines.push([word, s, 'v1', ...base]);
        if (n > 0 || !odd) continue;
        for (const v of ['10', '', '-x', '--', 'true', '1e3']) lines.push([word, s, v, ...base]);
        for (const v of ['v1', '', '-x', '10']) lines.push([word, `${s}=${v}`, ...base]);
        lines.push([word, ...base.slice(0, 1), s, 'a=b'], [word, s, 'a', s, 'b', ...base], [word, ...base, s], [word, s]);
      }
    }
  }
  // Clusters of one-letter flags, in both orders, and with a value flag last.
  const shorts = options.filter((o) => o.short);
  for (const [i, a] of shorts.entries()) {
    for (const b of [shorts[(i + 1) % shorts.length]!, shorts[(i + 3) % shorts.length]!]) {
      if (a === b) continue;
      lines.push([word, `-${a.short}${b.short}`, 'val', ...base], [word, `-${a.short}${b.short}`, ...base]);
    }
  }
  add(['-Z']);
  add(['--bogus']);
  add(['--bogus=1']);
  add(['-']);
  add(['-1']);
  lines.push([word]);
  lines.push([word, ...base, 'extra1', 'extra2']);
  lines.push(['--root', '/r', word, ...base]);
  lines.push(['--root=/r', '--runroot', '/rr', '--log-level=debug', word, ...base]);
  lines.push(['--log-level', 'bogus', word, ...base]);
  lines.push([word, '--root', '/r', '--root', '/s', ...base]);
  lines.push(['--storage-opt', 'a', '--storage-opt=b', word, ...base]);
  lines.push(['--noout', word, ...base]);
  lines.push([word, '--syslog=false', ...base]);
  lines.push([word, '--', ...base]);
  lines.push([word, ...base, '--', 'x']);
  if (word === 'run' || word === 'create' || word === 'exec') {
    lines.push([word, ...base, 'sh', '-c', 'echo $x --rm']);
    lines.push([word, ...base, '--rm', '-it']);
    lines.push([word, '-it', '--rm', '-e', 'A=1', '-e', 'B=2', '--name', 'n', ...base, 'ls', '-la']);
    lines.push([word, '-e', 'A=1', '--env=B=2', ...base.slice(0, 1)]);
  }
  if (word === 'run' || word === 'create') {
    lines.push([word, '--rm', '--network', 'none', 'img', 'true']);
    lines.push([word, '-d', '--name', 'web', '-p', '127.0.0.1:8080:80', '-v', 'data:/data', 'img', 'httpd', '-f']);
    lines.push([word, '--no-hosts', '--no-healthcheck', 'img']);
    lines.push([word, '--hosts=false', 'img']);
    lines.push([word, '-tid', 'img']);
    lines.push([word, '--net', 'host', 'img']);
  }
  if (word === 'ps') lines.push(['ps', '-a', '--format', '{{.ID}} {{.Names}}'], ['ps', '-aq', '--no-trunc'], ['ps', '--last', '3'], ['ps', '-n', '-1']);
  if (word === 'stop' || word === 'rm') lines.push([word, '-t', '0', 'a', 'b'], [word, '-fa', '-t', '0'], [word, '--time=5', 'c'], [word, '-t', '1.5', 'c'], [word, '-t', '0x10', 'c']);
  return lines;
}

describe('fast argv parser against yargs', () => {
  it.each(HOT)('%s: same parse as yargs, or left to yargs', async (word) => {
    const h = await harness(word);
    const spec = parserSpec(h.cmd, withGlobalOptions);
    expect(spec, `${word} has a spec`).toBeDefined();
    const info = (await rootInfo([h.cmd])).subcommands[0]!;
    const lines = corpus(word, info.options);
    let accepted = 0;
    let refused = 0;
    const differ: string[] = [];
    for (const argv of lines) {
      const fast = fastParse(h.split(argv), spec!);
      const slow = await h.yargs(argv);
      if ('err' in slow) refused++;
      if (fast === undefined) continue;
      accepted++;
      try {
        expect('ok' in slow ? slow.ok : slow).toStrictEqual(fast);
      } catch {
        differ.push(`${argv.map((a) => JSON.stringify(a)).join(' ')}\n  yargs: ${JSON.stringify(slow)}\n  fast:  ${JSON.stringify(fast)}`);
      }
    }
    expect(differ.slice(0, 20).join('\n'), `${differ.length} of ${lines.length} lines differ`).toBe('');
    // The everyday lines must take the fast path.
    expect(fastParse(h.split([word, ...BASE[word]]), spec!), word).toBeDefined();
    expect(accepted / lines.length, `${word}: ${accepted} of ${lines.length} accepted`).toBeGreaterThan(0.2);
    // The corpus has errors of every kind (unknown flags, missing values and arguments, bad numbers...): all left to yargs.
    expect(refused, `${word}: lines yargs refuses`).toBeGreaterThan(5);
    process.stderr.write(`fast-argv ${word}: ${lines.length} lines, ${accepted} parsed alike, ${refused} refused by yargs (left to it)\n`);
  }, 120_000);

  it('takes the everyday command lines', async () => {
    const cases: string[][] = [
      ['run', '--rm', 'img', 'true'],
      ['run', '--rm', '--network', 'none', 'img', 'true'],
      ['run', '-d', '--name', 'web', '-p', '8080:80', 'img', 'httpd', '-f', '-p', '80'],
      ['run', '-it', '--rm', '-e', 'A=1', '-v', '/x:/y:ro', 'img', 'sh'],
      ['create', '--name', 'c', 'img'],
      ['exec', '-it', 'c', 'sh', '-c', 'ls'],
      ['start', '-a', 'c'],
      ['stop', '-t', '0', 'c'],
      ['rm', '-f', 'c'],
      ['ps', '-a'],
      ['ps', '-a', '--format', 'json'],
      ['images'],
      ['images', '--format', '{{.ID}}'],
      ['inspect', '--format', '{{.Id}}', 'c'],
      ['--root', '/r', '--runroot', '/rr', 'run', '--rm', 'img', 'true'],
    ];
    for (const argv of cases) {
      const word = argv.find((a) => (HOT as readonly string[]).includes(a))!;
      const h = await harness(word);
      const spec = parserSpec(h.cmd, withGlobalOptions)!;
      const fast = fastParse(h.split(argv), spec);
      expect(fast, argv.join(' ')).toBeDefined();
      const slow = await h.yargs(argv);
      expect('ok' in slow ? slow.ok : slow, argv.join(' ')).toStrictEqual(fast);
    }
  }, 60_000);
});
