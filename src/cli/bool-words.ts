// pflag reads a bool flag's `=VALUE` with strconv.ParseBool: `--rm=1`,
// `-a=T`, `--all=False` are true/false words to podman, while yargs takes
// only `true`/`false` (and reads `--rm=1` as false). Such words are
// rewritten to true/false before yargs parses; any other word is pflag's
// error. Nothing after `--` (a container's command line) is touched. Pure.

import type { CommandInfo } from './help/command-info.js';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const FLAG_EQ = /^(--?)([A-Za-z][\w-]*)=(.*)$/s;

/** Whether argv has a `--flag=WORD` (before `--`) whose word is not already true/false: only then is the flag table needed. */
export function mayHaveBoolWord(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a.charCodeAt(0) !== 45 /* - */) continue;
    const m = FLAG_EQ.exec(a);
    if (m && m[3] !== 'true' && m[3] !== 'false') return true;
  }
  return false;
}

export interface BoolWordsResult {
  argv: string[];
  /** pflag's complaint about the first word it cannot read, and the flag as typed. */
  invalid?: { flag: string; value: string };
}

export function pflagBoolWords(argv: readonly string[], ...nodes: CommandInfo[]): BoolWordsResult {
  const bools = new Set<string>();
  for (const node of nodes) {
    for (const o of node.options) {
      if (o.type !== 'boolean') continue;
      for (const n of [o.name, ...o.aliases, ...(o.short ? [o.short] : [])]) bools.add(n);
    }
  }
  const out: string[] = [];
  let invalid: BoolWordsResult['invalid'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = FLAG_EQ.exec(a);
    if (!m || !bools.has(m[2]!) || (m[1] === '-') !== (m[2]!.length === 1)) {
      out.push(a);
      continue;
    }
    const [, dash, name, value] = m as unknown as [string, string, string, string];
    if (TRUE.has(value)) out.push(`${dash}${name}=true`);
    else if (FALSE.has(value)) out.push(`${dash}${name}=false`);
    else {
      invalid ??= { flag: `${dash}${name}`, value };
      out.push(a);
    }
  }
  return invalid ? { argv: out, invalid } : { argv: out };
}
