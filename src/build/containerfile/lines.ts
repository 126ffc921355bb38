// From Containerfile text to logical lines: parser directives (`# syntax=`,
// `# escape=`) at the very top, comments, line continuations with the escape
// character (comment and blank lines inside a continuation are skipped, as
// Docker does), and heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`) whose bodies
// follow the instruction line. Pure.

import { ContainerfileError } from './errors.js';

export interface Heredoc {
  /** The terminator word. */
  name: string;
  /** The body, each line ending in a newline. */
  content: string;
  /** `<<-`: leading tabs were stripped from every line. */
  chomp: boolean;
  /** Unquoted terminator: variables in the body are expanded. */
  expand: boolean;
}

export interface LogicalLine {
  /** Line number of the instruction's first line (1-based). */
  line: number;
  /** The instruction text with continuations joined (escape+newline removed). */
  text: string;
  heredocs: Heredoc[];
}

export interface Directives {
  escape: '\\' | '`';
  syntax?: string;
  check?: string;
}

const DIRECTIVE_RE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` (not `<<<` or `<< EOF`).
const HEREDOC_RE = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;

/** The directives at the top of the file, and where the instructions start. */
export function readDirectives(file: string, lines: readonly string[]): { directives: Directives; start: number } {
  const directives: Directives = { escape: '\\' };
  const seen = new Set<string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE_RE.exec(lines[i]!.trim());
    if (!m) break;
    const key = m[1]!.toLowerCase();
    const value = m[2]!;
    if (key !== 'escape' && key !== 'syntax' && key !== 'check') break; // an ordinary comment ends the directives
    if (seen.has(key)) throw new ContainerfileError(file, i + 1, `only one ${key} parser directive can be used`);
    seen.add(key);
    if (key === 'escape') {
      if (value !== '\\' && value !== '`') throw new ContainerfileError(file, i + 1, `invalid escape token '${value}' does not match ` + '` or \\');
      directives.escape = value;
    } else directives[key] = value;
  }
  return { directives, start: i };
}

/** Heredoc openers in an instruction line (RUN, COPY and ADD only). */
function heredocOpeners(text: string): Array<{ name: string; chomp: boolean; expand: boolean }> {
  const keyword = /^\s*(\S+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  let kw = keyword;
  if (kw === 'ONBUILD') kw = /^\s*\S+\s+(\S+)/.exec(text)?.[1]?.toUpperCase() ?? '';
  if (!HEREDOC_INSTRUCTIONS.has(kw)) return [];
  const out: Array<{ name: string; chomp: boolean; expand: boolean }> = [];
  for (const m of text.matchAll(HEREDOC_RE)) {
    const before = text[m.index - 1];
    if (before === '<') continue;
    out.push({ name: m[3]!, chomp: m[1] === '-', expand: m[2] === '' });
  }
  return out;
}

/** Split text into logical lines. Throws ContainerfileError for an unterminated heredoc. */
export function logicalLines(file: string, text: string): { directives: Directives; lines: LogicalLine[] } {
  const raw = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { directives, start } = readDirectives(file, raw);
  const esc = directives.escape;
  const out: LogicalLine[] = [];
  let i = start;
  while (i < raw.length) {
    const first = raw[i]!;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const lineNo = i + 1;
    let joined = '';
    let current = first.replace(/^\s+/, '');
    i++;
    // Continuations: a line ending in the escape character (trailing blanks allowed), as Docker's `\\[ \t]*$`.
    for (;;) {
      const stripped = current.replace(/[ \t]+$/, '');
      if (!stripped.endsWith(esc)) {
        joined += current;
        break;
      }
      joined += stripped.slice(0, -1);
      // Comment and blank lines inside a continuation are skipped.
      while (i < raw.length && (raw[i]!.trim() === '' || raw[i]!.trim().startsWith('#'))) i++;
      if (i >= raw.length) break;
      current = raw[i]!.replace(/^\s+/, '');
      i++;
    }
    const heredocs: Heredoc[] = [];
    for (const h of heredocOpeners(joined)) {
      const body: string[] = [];
      let closed = false;
      while (i < raw.length) {
        const l = raw[i]!;
        i++;
        const cmp = h.chomp ? l.replace(/^\t+/, '') : l;
        if (cmp === h.name) {
          closed = true;
          break;
        }
        body.push(cmp);
      }
      if (!closed) throw new ContainerfileError(file, lineNo, `unterminated heredoc: no line ${JSON.stringify(h.name)} after the instruction`);
      heredocs.push({ name: h.name, content: body.map((b) => `${b}\n`).join(''), chomp: h.chomp, expand: h.expand });
    }
    out.push({ line: lineNo, text: joined.trim(), heredocs });
  }
  return { directives, lines: out };
}
