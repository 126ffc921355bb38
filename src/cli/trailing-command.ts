// Commands like `run IMAGE CMD...`, `exec CTR CMD...` and `unshare CMD...`
// take a command line of their own: its flags belong to the container's
// program, not to us (`tsc-run run img ls -la`). Podman (cobra) stops flag
// parsing at the first positional for these commands; yargs cannot do that
// per command, so we insert `--` where the container's command starts before
// yargs sees argv. Pure function.

export interface TrailingCommandSpec {
  /** Command path as typed: `run`, `container run`, `unshare`. */
  names: string[];
  /** Positionals before the trailing command (1 for `run IMAGE`, 0 for `unshare`). */
  positionalsBefore: number;
  /** Flags of this command that take a value (`-e`, `--env`, `--name`...). */
  valueFlags: string[];
  /** Flags that name the target themselves (`exec -l CMD...`): with one, no positional comes before the command. */
  targetFlags?: string[];
  /** Flags allowed between the words of the name (`compose -f x.yaml run`), these taking a value. */
  betweenValueFlags?: string[];
}

/** Where the words of `name` end in argv from i, skipping flags between them; -1 when they do not match. */
function matchWords(argv: readonly string[], i: number, words: readonly string[], between: Set<string> | undefined): number {
  let j = i;
  for (const [k, w] of words.entries()) {
    while (k > 0 && between && j < argv.length && argv[j]!.startsWith('-') && argv[j] !== '--') j += takesValue(argv[j]!, between) ? 2 : 1;
    if (argv[j] !== w) return -1;
    j++;
  }
  return j;
}

/** Whether arg is (or, in a short cluster, contains) one of flags. */
function hasFlag(arg: string, flags: Set<string>): boolean {
  if (arg.startsWith('--')) return flags.has(arg.split('=')[0]!);
  return [...arg.slice(1)].some((c) => flags.has(`-${c}`));
}

function takesValue(arg: string, valueFlags: Set<string>): boolean {
  if (arg.startsWith('--')) return !arg.includes('=') && valueFlags.has(arg);
  // Short cluster `-it` or `-eFOO=1`: the first value flag consumes the rest, or the next arg.
  for (let i = 1; i < arg.length; i++) {
    if (valueFlags.has(`-${arg[i]}`)) return i === arg.length - 1;
  }
  return false;
}

export function splitTrailingCommand(argv: readonly string[], specs: readonly TrailingCommandSpec[], globalValueFlags: readonly string[]): string[] {
  const globals = new Set(globalValueFlags);
  let i = 0;
  // Global flags before the command word.
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
    i += takesValue(argv[i]!, globals) ? 2 : 1;
  }
  for (const spec of specs) {
    for (const name of spec.names) {
      const words = name.split(' ');
      const after = matchWords(argv, i, words, spec.betweenValueFlags ? new Set([...spec.betweenValueFlags, ...globalValueFlags]) : undefined);
      if (after < 0) continue;
      const flags = new Set([...spec.valueFlags, ...globalValueFlags]);
      const targetFlags = new Set(spec.targetFlags ?? []);
      let before = spec.positionalsBefore;
      let j = after;
      let positionals = 0;
      while (j < argv.length) {
        const a = argv[j]!;
        if (a === '--') return [...argv];
        // As cobra without interspersed flags: once the image (or container) is named, every
        // later word is the container's, flags too (`run img --help` runs `--help`).
        if (before > 0 && positionals === before) return [...argv.slice(0, j), '--', ...argv.slice(j)];
        if (a.startsWith('-') && a !== '-') {
          if (hasFlag(a, targetFlags)) before = 0;
          j += takesValue(a, flags) ? 2 : 1;
          continue;
        }
        if (positionals === before) {
          return [...argv.slice(0, j), '--', ...argv.slice(j)];
        }
        positionals++;
        j++;
      }
      return [...argv];
    }
  }
  return [...argv];
}
