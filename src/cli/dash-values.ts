// pflag takes the word after a value flag as its value whatever it looks
// like (`kill -s -INT`, `run --entrypoint -x`); yargs reads a word that
// starts with a dash as another flag. Where that word is no flag of the
// command (so yargs could only fail on it), the pair is glued into
// `--flag=value` before yargs sees it. A known flag after a value flag is
// left alone: some value flags have an optional value (`build --pull -t x`).
// Pure.

import type { CommandInfo } from './help/command-info.js';

export interface FlagSpellings {
  /** Spelling (`--name`, `-n`, alias) of an option that takes a value, to its `--name`. */
  value: Map<string, string>;
  /** Every long name and one-letter short of the command and the globals. */
  longs: Set<string>;
  shorts: Set<string>;
}

export function flagSpellings(...nodes: CommandInfo[]): FlagSpellings {
  const s: FlagSpellings = { value: new Map(), longs: new Set(), shorts: new Set() };
  for (const node of nodes) {
    for (const o of node.options) {
      const long = `--${o.name}`;
      const names = [o.name, ...o.aliases, ...(o.short ? [o.short] : [])];
      for (const n of names) (n.length === 1 ? s.shorts : s.longs).add(n);
      if (o.type === 'boolean' || o.type === 'count') continue;
      for (const n of names) s.value.set(n.length === 1 ? `-${n}` : `--${n}`, long);
    }
  }
  return s;
}

function isKnownFlag(word: string, s: FlagSpellings): boolean {
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=')[0]!;
    return s.longs.has(name) || (name.startsWith('no-') && s.longs.has(name.slice(3)));
  }
  // -x, -xyz (a cluster of shorts), -xVALUE: known when its first letter is.
  return word.length > 1 && s.shorts.has(word[1]!);
}

/** argv with each `FLAG -WORD` pair written `--long=-WORD` when WORD is no flag; untouched from `--` on. */
export function glueDashValues(argv: readonly string[], s: FlagSpellings): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const long = s.value.get(a);
    if (long !== undefined && next !== undefined && next.length > 1 && next.startsWith('-') && next !== '--' && !isKnownFlag(next, s)) {
      out.push(`${long}=${next}`);
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
