// A small TOML subset, enough for containers' storage.conf and
// registries.conf: [tables], [[arrays of tables]], key = string | literal
// string | integer | boolean | (multi-line) array of those, # comments.
// Pure: no I/O. Anything outside the subset is a TomlError naming the line.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'TomlError';
  }
}

export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  let current = root;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = stripComment(lines[i]!).trim();
    if (!line) continue;
    const arrayTable = /^\[\[\s*([^\]]+?)\s*\]\]$/.exec(line);
    const table = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (arrayTable) {
      const keys = splitKey(arrayTable[1]!, lineNo);
      const parent = descend(root, keys.slice(0, -1), lineNo);
      const last = keys[keys.length - 1]!;
      const arr = (parent[last] ??= []);
      if (!Array.isArray(arr)) throw new TomlError(`${last} is not an array of tables`, lineNo);
      current = {};
      arr.push(current);
      continue;
    }
    if (table) {
      current = descend(root, splitKey(table[1]!, lineNo), lineNo);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new TomlError(`expected key = value`, lineNo);
    const keys = splitKey(line.slice(0, eq).trim(), lineNo);
    let src = line.slice(eq + 1).trim();
    // Arrays may span lines: gather until the brackets balance.
    while (src.startsWith('[') && !balanced(src) && i + 1 < lines.length) {
      src += ' ' + stripComment(lines[++i]!).trim();
    }
    const parent = descend(current, keys.slice(0, -1), lineNo);
    parent[keys[keys.length - 1]!] = parseValue(src, lineNo);
  }
  return root;
}

/** Drop a # comment that is not inside a string. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

function balanced(src: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
  }
  return depth === 0;
}

function splitKey(src: string, lineNo: number): string[] {
  // Dotted keys; a quoted part may itself contain dots.
  const keys: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length && (m = re.exec(src))) {
    keys.push(m[1] ?? m[2] ?? m[3]!);
    if (!m[4]) break;
  }
  if (!keys.length || re.lastIndex < src.length) throw new TomlError(`bad key "${src}"`, lineNo);
  return keys;
}

function descend(from: TomlTable, keys: string[], lineNo: number): TomlTable {
  let t = from;
  for (const k of keys) {
    let next = t[k];
    if (next === undefined) next = t[k] = {};
    // A dotted table header under an array of tables continues its last element.
    if (Array.isArray(next)) next = next[next.length - 1];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new TomlError(`${k} is not a table`, lineNo);
    }
    t = next;
  }
  return t;
}

function parseValue(src: string, lineNo: number): TomlValue {
  const p = { s: src, i: 0 };
  const v = value(p, lineNo);
  skipSpace(p);
  if (p.i < p.s.length) throw new TomlError(`unexpected "${p.s.slice(p.i)}"`, lineNo);
  return v;
}

interface Cursor {
  s: string;
  i: number;
}

function skipSpace(p: Cursor): void {
  while (p.i < p.s.length && /\s/.test(p.s[p.i]!)) p.i++;
}

function value(p: Cursor, lineNo: number): TomlValue {
  skipSpace(p);
  const c = p.s[p.i];
  if (c === '"') return basicString(p, lineNo);
  if (c === "'") {
    const end = p.s.indexOf("'", p.i + 1);
    if (end < 0) throw new TomlError('unterminated string', lineNo);
    const v = p.s.slice(p.i + 1, end);
    p.i = end + 1;
    return v;
  }
  if (c === '[') {
    p.i++;
    const arr: TomlValue[] = [];
    for (;;) {
      skipSpace(p);
      if (p.s[p.i] === ']') {
        p.i++;
        return arr;
      }
      arr.push(value(p, lineNo));
      skipSpace(p);
      if (p.s[p.i] === ',') p.i++;
      else if (p.s[p.i] !== ']') throw new TomlError('expected , or ] in array', lineNo);
    }
  }
  const m = /^(true|false|[-+]?\d[\d_]*)/.exec(p.s.slice(p.i));
  if (!m) throw new TomlError(`unsupported value "${p.s.slice(p.i)}"`, lineNo);
  p.i += m[0].length;
  if (m[1] === 'true' || m[1] === 'false') return m[1] === 'true';
  return Number(m[1]!.replace(/_/g, ''));
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

function basicString(p: Cursor, lineNo: number): string {
  let out = '';
  for (let i = p.i + 1; i < p.s.length; i++) {
    const c = p.s[i]!;
    if (c === '"') {
      p.i = i + 1;
      return out;
    }
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = p.s[++i] ?? '';
    if (e in ESCAPES) out += ESCAPES[e];
    else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      out += String.fromCodePoint(parseInt(p.s.slice(i + 1, i + 1 + n), 16));
      i += n;
    } else throw new TomlError(`bad escape \\${e}`, lineNo);
  }
  throw new TomlError('unterminated string', lineNo);
}
