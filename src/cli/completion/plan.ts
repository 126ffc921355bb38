// What a shell asks for when it calls `tsc-run __complete WORDS... CURRENT`:
// the words already typed are walked down the command tree as cobra would
// (flags and their values skipped, `--` ends flags), and the word under the
// cursor is classified: a subcommand, a flag name, a flag's value, or the
// Nth argument, named by the command's usage line (CONTAINER, IMAGE...).
// Pure: the candidates themselves come from src/cli/completion/candidates.ts.

import type { CommandInfo, OptionInfo } from '../help/command-info.js';

export type CompletionTarget =
  | { kind: 'subcommands'; node: CommandInfo; toComplete: string }
  | { kind: 'flags'; node: CommandInfo; toComplete: string; given: ReadonlySet<string> }
  /** prefix: `--flag=` when the value is typed in the same word (cobra puts it back in front of each candidate). */
  | { kind: 'flag-value'; node: CommandInfo; flag: OptionInfo; toComplete: string; prefix: string }
  /** token: the usage line's word for this argument (`CONTAINER`, `[IMAGE...]`), undefined past the last one. */
  | {
      kind: 'arg';
      node: CommandInfo;
      token: string | undefined;
      index: number;
      args: readonly string[];
      toComplete: string;
      /** Values of the flags typed so far, by flag name (compose's -f, -p... to find its services). */
      flagValues: ReadonlyMap<string, readonly string[]>;
    };

function takesValue(o: OptionInfo): boolean {
  return o.type !== 'boolean' && o.type !== 'count';
}

function findLong(flags: readonly OptionInfo[], name: string): OptionInfo | undefined {
  return flags.find((o) => o.name === name || o.aliases.includes(name));
}

function findShort(flags: readonly OptionInfo[], c: string): OptionInfo | undefined {
  return flags.find((o) => o.short === c);
}

/** The argument words of a usage line, after the command's own path: `[options] IMAGE [COMMAND [ARG...]]` → IMAGE, [COMMAND, [ARG...]]. */
export function argTokens(node: CommandInfo): string[] {
  const line = node.useLine.startsWith(node.path) ? node.useLine.slice(node.path.length) : node.useLine;
  return line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '' && w !== '[options]' && w !== '[OPTIONS]' && w !== '[command]');
}

/** The token for argument `index`: a token with `...` stands for every later argument too. */
export function tokenAt(tokens: readonly string[], index: number): string | undefined {
  if (index < tokens.length) return tokens[index];
  const last = tokens.at(-1);
  return last !== undefined && last.includes('...') ? last : undefined;
}

/**
 * Commands whose arguments end in a command line of their own stop reading
 * flags at their first argument (cobra's SetInterspersed(false)): in
 * `run IMG ls -l`, `-l` belongs to ls.
 */
function flagsStopAtFirstArg(node: CommandInfo): boolean {
  return argTokens(node).some((t) => /COMMAND/.test(t));
}

/**
 * words: everything after `__complete`, the last being the word under the
 * cursor (possibly empty). root.options are the global flags, known to
 * every command; a command's own flags are node.options.
 */
export function planCompletion(root: CommandInfo, words: readonly string[]): CompletionTarget {
  const toComplete = words.at(-1) ?? '';
  const typed = words.slice(0, -1);
  // `help [command...]` completes command paths, as cobra's help command does.
  if (typed[0] === 'help') {
    let at: CommandInfo | undefined = root;
    for (const w of typed.slice(1)) at = at?.subcommands.find((s) => s.name === w || s.aliases.includes(w));
    const empty: CommandInfo = { ...root, subcommands: [] };
    return { kind: 'subcommands', node: at ?? empty, toComplete };
  }
  let node = root;
  const flags = (): OptionInfo[] => (node === root ? root.options : [...node.options, ...root.options]);
  const given = new Set<string>();
  const args: string[] = [];
  let flagsDone = false;
  let awaiting: OptionInfo | undefined;
  const flagValues = new Map<string, string[]>();
  const record = (o: OptionInfo, v: string) => flagValues.set(o.name, [...(flagValues.get(o.name) ?? []), v]);

  for (const w of typed) {
    if (awaiting) {
      record(awaiting, w);
      awaiting = undefined;
      continue;
    }
    if (!flagsDone && w === '--') {
      flagsDone = true;
      continue;
    }
    if (!flagsDone && w.startsWith('--')) {
      const [name, value] = [w.slice(2).split('=')[0]!, w.includes('=')];
      const o = findLong(flags(), name) ?? (name.startsWith('no-') ? findLong(flags(), name.slice(3)) : undefined);
      if (o) {
        given.add(o.name);
        if (takesValue(o) && !value) awaiting = o;
        else if (takesValue(o)) record(o, w.slice(w.indexOf('=') + 1));
      }
      continue;
    }
    if (!flagsDone && w.startsWith('-') && w.length > 1) {
      // A cluster (`-it`): a value flag takes the rest of the word, or the next word.
      for (let i = 1; i < w.length; i++) {
        const o = findShort(flags(), w[i]!);
        if (!o) continue;
        given.add(o.name);
        if (takesValue(o)) {
          if (i === w.length - 1) awaiting = o;
          else record(o, w.slice(i + 1));
          break;
        }
      }
      continue;
    }
    const sub = args.length === 0 ? node.subcommands.find((s) => s.name === w || s.aliases.includes(w)) : undefined;
    if (sub) {
      node = sub;
      continue;
    }
    args.push(w);
    if (flagsStopAtFirstArg(node)) flagsDone = true;
  }

  if (awaiting) return { kind: 'flag-value', node, flag: awaiting, toComplete, prefix: '' };
  if (!flagsDone && toComplete.startsWith('-')) {
    const eq = toComplete.indexOf('=');
    if (toComplete.startsWith('--') && eq > 0) {
      const o = findLong(flags(), toComplete.slice(2, eq));
      if (o && takesValue(o)) return { kind: 'flag-value', node, flag: o, toComplete: toComplete.slice(eq + 1), prefix: toComplete.slice(0, eq + 1) };
    }
    return { kind: 'flags', node, toComplete, given };
  }
  if (node.subcommands.length > 0 && args.length === 0) return { kind: 'subcommands', node, toComplete };
  const tokens = argTokens(node);
  return { kind: 'arg', node, token: tokenAt(tokens, args.length), index: args.length, args, toComplete, flagValues };
}

/**
 * Flag names for `-…`/`--…`: the command's own flags (the program's at the
 * top level), in pflag's order, each long name then its one-letter form,
 * without hidden flags or ones already given (lists may be repeated).
 */
export function flagCandidates(node: CommandInfo, toComplete: string, given: ReadonlySet<string>): Array<{ value: string; describe: string }> {
  const out: Array<{ value: string; describe: string }> = [];
  const sorted = [...node.options].filter((o) => !o.hidden && o.name !== 'help').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const o of sorted) {
    if (given.has(o.name) && !o.array && o.type !== 'count') continue;
    const describe = o.describe.split('\n')[0]!;
    if (`--${o.name}`.startsWith(toComplete)) out.push({ value: `--${o.name}`, describe });
    if (o.short !== undefined && `-${o.short}`.startsWith(toComplete)) out.push({ value: `-${o.short}`, describe });
  }
  return out;
}

/** What objects an argument token names: `{CONTAINER|POD}` both, `[CONTAINER:]SRC_PATH` a container path. */
export type ArgKind = 'service' | 'container' | 'container-path' | 'pod' | 'image' | 'network' | 'volume' | 'secret' | 'registry' | 'image-path' | 'files';

export function argKinds(token: string | undefined, node: CommandInfo, index: number, args: readonly string[]): ArgKind[] {
  if (token === undefined) return [];
  if (token.includes('CONTAINER:]')) return ['container-path'];
  const kinds: ArgKind[] = [];
  if (/SERVICE/.test(token) && !token.includes(':')) kinds.push('service');
  if (/CONTAINER/.test(token)) kinds.push('container');
  if (/POD/.test(token)) kinds.push('pod');
  if (/IMAGE/.test(token)) kinds.push('image');
  if (/NETWORK/.test(token)) kinds.push('network');
  if (/VOLUME/.test(token)) kinds.push('volume');
  if (/SECRET/.test(token)) kinds.push('secret');
  if (/REGISTRY/.test(token)) kinds.push('registry');
  if (kinds.length) return kinds;
  // run/create IMAGE COMMAND: the command is a path inside that image.
  const tokens = argTokens(node);
  if (/^\[?COMMAND/.test(token) && index > 0 && /IMAGE/.test(tokens[index - 1] ?? '') && args[index - 1] !== undefined) return ['image-path'];
  if (/PATH|CONTEXT|FILE|COMMAND|ARG|URI|DIR|DEST|SOURCE|TARBALL|\|-/.test(token)) return ['files'];
  return [];
}
