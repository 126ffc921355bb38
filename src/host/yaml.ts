// A YAML emitter for plain JSON-like values, in the style podman's `info`
// prints (go-yaml v2): sorted keys, block sequences level with their key,
// quoting only where a plain scalar would be read back as something else.
// Pure: no I/O.

export interface YamlOptions {
  /** Sort map keys like go-yaml does for Go maps (default true). */
  sortKeys?: boolean;
}

type Plain = null | undefined | boolean | number | string | readonly unknown[] | { [k: string]: unknown };

/** Render `value` (a map at the top level, usually) as a YAML document. */
export function toYaml(value: unknown, opts: YamlOptions = {}): string {
  const lines: string[] = [];
  emit(value as Plain, 0, lines, opts.sortKeys ?? true);
  return lines.join('\n') + '\n';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entriesOf(v: Record<string, unknown>, sort: boolean): Array<[string, unknown]> {
  // JSON drops undefined fields; so do we.
  const e = Object.entries(v).filter(([, x]) => x !== undefined);
  return sort ? e.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : e;
}

function emit(v: Plain, indent: number, out: string[], sort: boolean): void {
  const pad = ' '.repeat(indent);
  if (isMap(v)) {
    const entries = entriesOf(v, sort);
    if (!entries.length) {
      out.push(pad + '{}');
      return;
    }
    for (const [k, x] of entries) emitEntry(pad + scalar(k), x, indent, out, sort);
    return;
  }
  if (Array.isArray(v)) {
    if (!v.length) {
      out.push(pad + '[]');
      return;
    }
    for (const item of v) emitItem(item, indent, out, sort);
    return;
  }
  out.push(pad + scalarBlock(v, indent));
}

/** `key: value`, or `key:` followed by a nested block. */
function emitEntry(prefix: string, x: unknown, indent: number, out: string[], sort: boolean): void {
  if (isMap(x) && entriesOf(x, sort).length) {
    out.push(prefix + ':');
    emit(x as Plain, indent + 2, out, sort);
  } else if (Array.isArray(x) && x.length) {
    // go-yaml v2 puts a sequence's dashes level with its key.
    out.push(prefix + ':');
    emit(x, indent, out, sort);
  } else {
    out.push(prefix + ': ' + inline(x, indent + 2));
  }
}

/** One `- item` of a sequence; a map item continues on the dash's line. */
function emitItem(item: unknown, indent: number, out: string[], sort: boolean): void {
  const pad = ' '.repeat(indent);
  if (isMap(item) && entriesOf(item, sort).length) {
    const nested: string[] = [];
    emit(item as Plain, indent + 2, nested, sort);
    nested[0] = pad + '- ' + nested[0]!.slice(indent + 2);
    out.push(...nested);
  } else if (Array.isArray(item) && item.length) {
    const nested: string[] = [];
    emit(item, indent + 2, nested, sort);
    nested[0] = pad + '- ' + nested[0]!.slice(indent + 2);
    out.push(...nested);
  } else {
    out.push(pad + '- ' + inline(item, indent + 2));
  }
}

/** A value that fits after `key: ` (scalars, empty collections, block strings). */
function inline(x: unknown, indent: number): string {
  if (isMap(x)) return '{}';
  if (Array.isArray(x)) return '[]';
  return scalarBlock(x as Plain, indent);
}

/** Scalars, with multi-line strings as literal blocks indented under the key. */
function scalarBlock(v: Plain, indent: number): string {
  if (typeof v === 'string' && v.includes('\n') && literalAllowed(v)) {
    let body = v;
    let chomp = '-';
    if (body.endsWith('\n')) {
      body = body.slice(0, -1);
      chomp = body.endsWith('\n') ? '+' : '';
    }
    const pad = ' '.repeat(indent);
    const lines = body.split('\n').map((l) => (l ? pad + l : ''));
    // A block whose first line starts with a space needs an explicit indent indicator.
    const indicator = body.startsWith(' ') ? '2' : '';
    return `|${indicator}${chomp}\n` + lines.join('\n');
  }
  return scalar(v);
}

/** Literal blocks cannot carry control characters or trailing blanks on a line. */
function literalAllowed(s: string): boolean {
  return !/[\x00-\x08\x0b-\x1f\x7f]/.test(s) && !/[ \t]\n/.test(s) && !/[ \t]$/.test(s);
}

// Plain scalars that YAML 1.1 (go-yaml v2) would resolve to a non-string.
const NON_STRING = /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*|(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+|\.(?:inf|Inf|INF))|\.(?:nan|NaN|NAN))$/;

/** Render a single-line scalar the way go-yaml v2 would. */
export function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  if (typeof v === 'bigint') return String(v);
  const s = String(v);
  if (s === '' || NON_STRING.test(s)) return doubleQuoted(s);
  if (/[\x00-\x1f\x7f\u0085\u2028\u2029]/.test(s)) return doubleQuoted(s);
  if (plainAllowed(s)) return s;
  return `'${s.replace(/'/g, "''")}'`;
}

function plainAllowed(s: string): boolean {
  if (/^\s|\s$/.test(s)) return false;
  // Indicators that cannot start a plain scalar; `-`, `?`, `:` may when followed by a non-space.
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (/^---|^\.\.\./.test(s)) return false;
  // Inside the scalar, ": " starts a mapping and " #" a comment; a trailing ':' too.
  return !/:(\s|$)/.test(s) && !/\s#/.test(s);
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0').toUpperCase();
    else out += ch;
  }
  return out + '"';
}
