// Before yargs parses anything: is this a request for help, a command
// that does not exist, or a command group called without its subcommand?
// cobra answers these from the command tree alone, and so do we. Pure.

import type { CommandInfo } from './command-info.js';

export type Route =
  | { kind: 'help'; command: CommandInfo; isRoot: boolean }
  /** `tsc-run help nosuch`: podman prints the root's usage after a notice and exits 0. */
  | { kind: 'unknown-topic'; topic: string }
  /** A group (or the program) without a subcommand: its help on stdout, then `Error: missing command`, exit 125. */
  | { kind: 'missing'; command: CommandInfo; isRoot: boolean }
  | { kind: 'unknown'; message: string }
  /** An unknown flag after an unknown command word: cobra parses the flags first, so that is the error (`See '<helpPath> --help'`). */
  | { kind: 'bad-flag'; message: string; helpPath: string }
  /** `tsc-run help --help`: cobra's own words for its help command. */
  | { kind: 'help-command' }
  | { kind: 'run' };

function lookup(node: CommandInfo, word: string): CommandInfo | undefined {
  return node.subcommands.find((s) => s.name === word || s.aliases.includes(word));
}

function hasShortH(node: CommandInfo): boolean {
  return node.options.some((o) => o.short === 'h');
}

function isHelpFlag(arg: string, node: CommandInfo): boolean {
  return arg === '--help' || arg === '--help=true' || (arg === '-h' && !hasShortH(node));
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** cobra's suggestions: within two edits, or the word is a prefix of the name. */
export function suggestions(node: CommandInfo, word: string): string[] {
  return node.subcommands
    .filter((s) => !s.hidden)
    .filter((s) => editDistance(word.toLowerCase(), s.name) <= 2 || (word.length > 1 && s.name.startsWith(word.toLowerCase())))
    .map((s) => s.name);
}

function unknownCommand(node: CommandInfo, word: string): Route {
  const hint = suggestions(node, word);
  const mean = hint.length ? `; did you mean ${hint.map((h) => `\`${h}\``).join(' or ')}?` : '';
  return { kind: 'unknown', message: `unrecognized command \`${node.path} ${word}\`${mean}; try '${node.path} --help' for more information` };
}

/**
 * pflag's verdict on the flags after an unknown command word, read with the
 * node's own flags and the global ones: the first unknown flag, if any.
 */
function unknownFlagAfter(rest: readonly string[], node: CommandInfo, root: CommandInfo): Route | undefined {
  const options = [...node.options, ...root.options];
  const long = (n: string) => options.find((o) => o.name === n || o.aliases.includes(n));
  const short = (c: string) => options.find((o) => o.short === c);
  const valued = (o: { type: string | undefined }) => o.type !== 'boolean' && o.type !== 'count';
  const bad = (message: string): Route => ({ kind: 'bad-flag', message, helpPath: node.path });
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') break;
    if (isHelpFlag(a, node)) continue;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]!;
      const o = long(name);
      if (!o) return bad(`unknown flag: --${name}`);
      if (valued(o) && !a.includes('=')) i++;
    } else if (a.startsWith('-') && a !== '-') {
      for (let k = 1; k < a.length; k++) {
        const o = short(a[k]!);
        if (!o) return bad(`unknown shorthand flag: '${a[k]}' in -${a.slice(k)}`);
        if (valued(o)) {
          if (k === a.length - 1) i++;
          break;
        }
      }
    }
  }
  return undefined;
}

/**
 * argv: the program's arguments (after `--` was inserted before a
 * container's command line); globalValueFlags: global flags that take a
 * value, so `--root DIR system df` walks to `system df`.
 */
export function route(argv: readonly string[], root: CommandInfo, globalValueFlags: ReadonlySet<string>): Route {
  let node = root;
  let help = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-') && a !== '-') {
      if (isHelpFlag(a, node)) {
        help = true;
        continue;
      }
      // Between a group and its subcommand only global flags and the group's own may come; yargs judges the rest.
      if (node.subcommands.length === 0) break;
      if (!a.includes('=') && (globalValueFlags.has(a) || takesValue(node, a))) i++;
      continue;
    }
    if (node === root && a === 'help' && !help) return helpTopic(argv.slice(i + 1), root);
    if (node.subcommands.length === 0) break;
    const next = lookup(node, a);
    if (!next) {
      // cobra: the flags are parsed first (an unknown one is the error), then --help shows this node's help.
      const rest = argv.slice(i + 1);
      const asked = help || rest.slice(0, rest.includes('--') ? rest.indexOf('--') : undefined).some((r) => isHelpFlag(r, node));
      return unknownFlagAfter(rest, node, root) ?? (asked ? { kind: 'help', command: node, isRoot: node === root } : unknownCommand(node, a));
    }
    node = next;
  }
  if (!help) {
    const end = argv.indexOf('--');
    help = argv.slice(i, end < 0 ? undefined : end).some((a) => isHelpFlag(a, node));
  }
  if (help) return { kind: 'help', command: node, isRoot: node === root };
  if (node.subcommands.length > 0) return { kind: 'missing', command: node, isRoot: node === root };
  return { kind: 'run' };
}

/** Whether `a` is one of node's own flags that take a value (`compose -f FILE up`). */
function takesValue(node: CommandInfo, a: string): boolean {
  const name = a.startsWith('--') ? a.slice(2) : a.length === 2 ? a.slice(1) : undefined;
  if (name === undefined) return false;
  return node.options.some((o) => o.type !== 'boolean' && o.type !== 'count' && (o.name === name || o.short === name || o.aliases.includes(name)));
}

function helpTopic(words: readonly string[], root: CommandInfo): Route {
  if (words.includes('--help') || words.includes('-h')) return { kind: 'help-command' };
  let node = root;
  for (const w of words) {
    if (w.startsWith('-')) continue;
    const next = lookup(node, w);
    if (!next) return { kind: 'unknown-topic', topic: w };
    node = next;
  }
  return { kind: 'help', command: node, isRoot: node === root };
}

/** The command argv names (as far as it resolves): for `see '... --help'` hints and its flags. */
export function commandNode(argv: readonly string[], root: CommandInfo, globalValueFlags: ReadonlySet<string>): CommandInfo {
  let node = root;
  for (let i = 0; i < argv.length && node.subcommands.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (!a.includes('=') && globalValueFlags.has(a)) i++;
      continue;
    }
    const next = lookup(node, a);
    if (!next) break;
    node = next;
  }
  return node;
}
