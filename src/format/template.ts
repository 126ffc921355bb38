// A Go text/template subset, faithful for the --format strings that scripts
// pass to podman: fields and chains (.State.Running, (index .X 0).Field,
// $v.Field), pipelines, variables (:= and =), if/else if/else, range (with
// $i, $v :=, break, continue), with, comments, whitespace trimming; Go's
// builtin functions (and, or, not, len, index, slice, print, printf,
// println, eq, ne, lt, le, gt, ge, html, js, urlquery) and podman's (json,
// lower, upper, title, split, join, pad, truncate). Nothing else: a function
// podman does not know is an error here too. Pure: no I/O.

import { UsageError } from '../errors.js';

export class TemplateError extends UsageError {
  constructor(message: string) {
    super(`template: ${message}`);
  }
}

// ---- Go types that our JSON-shaped records lose --------------------------

/** A nil slice ([]string(nil)): Go prints `[]`, json prints null. */
export class GoNilSlice {
  toJSON(): null {
    return null;
  }
}
/** A nil map (map[string]string(nil)): Go prints `map[]`, json prints null. */
export class GoNilMap {
  toJSON(): null {
    return null;
  }
}
/**
 * A value that prints itself as Go's %v does where a plain object would
 * print as a map (a struct with typed fields such as durations, e.g. an
 * image's HealthCheck): `{[CMD true] 1s 5s 2s 4}`.
 */
export const GO_FORMAT: unique symbol = Symbol.for('tsc-run.go-format');

/** A nil pointer to a struct (an image without a HealthCheck): `<nil>`, false, `null` in json. */
export class GoNilPointer {
  toJSON(): null {
    return null;
  }
}

const NIL_SLICE = new GoNilSlice();
const NIL_MAP = new GoNilMap();

// podman's record fields that are Go slices or maps: absent or null in our
// records, they are still typed in podman's, so `{{.Config.Cmd}}` is `[]`.
const SLICE_FIELDS = new Set([
  'Args', 'Binds', 'CapAdd', 'CapDrop', 'Cmd', 'Dependencies', 'Digests', 'Dns', 'DnsOptions', 'DnsSearch',
  'Entrypoint', 'Env', 'ExecIDs', 'ExtraHosts', 'Layers', 'Mounts', 'OnBuild', 'RepoDigests', 'RepoTags', 'Secrets', 'Shell',
]);
const MAP_FIELDS = new Set(['Annotations', 'ExposedPorts', 'Labels', 'Options', 'Ports', 'Volumes']);

/** Objects reached through a struct-typed field: true in an {{if}} even when empty (Go's non-nil pointer). */
const structValues = new WeakSet<object>();

// ---- lexing ----------------------------------------------------------------

type Tok =
  | { t: 'str' | 'num' | 'bool' | 'nil' | 'ident' | 'field' | 'var'; v: string; adj: boolean }
  | { t: '(' | ')' | '|' | ':=' | '=' | ','; v: string; adj: boolean };

const NUM_RE = /^[+-]?(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;

/** A Go "..." literal's value: its escapes are JSON's (plus \a \v \x.. \'), and a raw tab may stand in it. */
function goUnquote(lit: string): string {
  const body = lit
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|a|v|'|\\)|[\u0000-\u001f]/g, (m: string, esc: string | undefined) => {
      if (esc === undefined) return `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`;
      if (esc === '\\') return m;
      if (esc === 'a') return '\\u0007';
      if (esc === 'v') return '\\u000b';
      if (esc === "'") return "'";
      const code = esc[0] === 'x' ? parseInt(esc.slice(1), 16) : parseInt(esc, 8);
      return `\\u${code.toString(16).padStart(4, '0')}`;
    });
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    throw new TemplateError(`invalid syntax: ${lit}`);
  }
}

/** Tokenise the inside of one {{ }} action. */
function lexAction(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let adj = false;
  const push = (t: Tok['t'], v: string): void => {
    toks.push({ t, v, adj });
    adj = true;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      adj = false;
      continue;
    }
    if (c === '"' || c === '`' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (c !== '`' && src[j] === '\n') break;
        j += src[j] === '\\' && c !== '`' ? 2 : 1;
      }
      if (j >= src.length || src[j] !== c) throw new TemplateError(`unterminated ${c === "'" ? 'character constant' : c === '`' ? 'raw quoted string' : 'quoted string'}`);
      const lit = src.slice(i, j + 1);
      if (c === "'") {
        const ch = JSON.parse(`"${lit.slice(1, -1).replace(/"/g, '\\"').replace(/\\'/g, "'")}"`) as string;
        if ([...ch].length !== 1) throw new TemplateError(`malformed character constant: ${lit}`);
        push('num', String(ch.codePointAt(0)));
      } else {
        push('str', c === '`' ? lit.slice(1, -1) : goUnquote(lit));
      }
      i = j + 1;
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      push(c, c);
      i++;
      continue;
    }
    if (c === ':' && src[i + 1] === '=') {
      push(':=', ':=');
      i += 2;
      continue;
    }
    if (c === '=') {
      push('=', '=');
      i++;
      continue;
    }
    const num = /[\d+-]/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? '')) ? NUM_RE.exec(src.slice(i)) : null;
    if (num) {
      push('num', num[0].replace(/_/g, ''));
      i += num[0].length;
      continue;
    }
    const word = /^(?:\$\w*|\.?[A-Za-z_]\w*|\.)(?:\.[A-Za-z_]\w*)*/.exec(src.slice(i));
    if (!word) throw new TemplateError(`unexpected ${JSON.stringify(c)} in command`);
    const w = word[0];
    if (w.startsWith('$')) push('var', w);
    else if (w.startsWith('.')) push('field', w);
    else if (w === 'true' || w === 'false') push('bool', w);
    else if (w === 'nil') push('nil', w);
    else if (w.includes('.')) throw new TemplateError(`unexpected ${JSON.stringify(w)} in operand`);
    else push('ident', w);
    i += w.length;
  }
  return toks;
}

// ---- parsing ---------------------------------------------------------------

type Term =
  | { kind: 'lit'; value: unknown }
  | { kind: 'dot' }
  | { kind: 'field'; path: string[] }
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipe: Pipeline; path: string[] };

type Command = Term[];
interface Pipeline {
  decl: string[];
  /** `$x = v` assigns an existing variable; `:=` declares one. */
  assign: boolean;
  cmds: Command[];
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipeline; body: Node[]; else: Node[] }
  | { kind: 'break' | 'continue' };

class TokStream {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  next(): Tok | undefined {
    return this.toks[this.i++];
  }
}

function parsePipeline(s: TokStream, ctx: string, inParen: boolean): Pipeline {
  const pipe: Pipeline = { decl: [], assign: false, cmds: [] };
  // Declarations: `$x :=`, `$x =`, `$i, $v :=` (range).
  if (s.peek()?.t === 'var') {
    const a = s.peek(1);
    if (a?.t === ':=' || a?.t === '=') {
      pipe.decl.push(s.next()!.v);
      pipe.assign = s.next()!.t === '=';
    } else if (a?.t === ',' && s.peek(2)?.t === 'var' && s.peek(3)?.t === ':=') {
      if (ctx !== 'range') throw new TemplateError(`too many declarations in ${ctx}`);
      pipe.decl.push(s.next()!.v);
      s.next();
      pipe.decl.push(s.next()!.v);
      s.next();
    }
  }
  let cmd: Command = [];
  for (;;) {
    const t = s.peek();
    if (!t || (t.t === ')' && inParen)) break;
    s.next();
    switch (t.t) {
      case ')':
        throw new TemplateError('unexpected right paren');
      case '|':
        if (!cmd.length) throw new TemplateError(`missing command before "|"`);
        pipe.cmds.push(cmd);
        cmd = [];
        break;
      case '(': {
        const sub = parsePipeline(s, 'parenthesized pipeline', true);
        if (s.next()?.t !== ')') throw new TemplateError('unclosed left paren');
        const chain = s.peek();
        let path: string[] = [];
        if (chain?.t === 'field' && chain.adj && chain.v !== '.') {
          s.next();
          path = chain.v.slice(1).split('.');
        }
        cmd.push({ kind: 'pipe', pipe: sub, path });
        break;
      }
      case 'str':
        cmd.push({ kind: 'lit', value: t.v });
        break;
      case 'num':
        cmd.push({ kind: 'lit', value: Number(t.v) });
        break;
      case 'bool':
        cmd.push({ kind: 'lit', value: t.v === 'true' });
        break;
      case 'nil':
        cmd.push({ kind: 'lit', value: null });
        break;
      case 'field':
        cmd.push(t.v === '.' ? { kind: 'dot' } : { kind: 'field', path: t.v.slice(1).split('.') });
        break;
      case 'var': {
        const [name, ...path] = t.v.split('.');
        cmd.push({ kind: 'var', name: name!, path });
        break;
      }
      case 'ident':
        cmd.push({ kind: 'ident', name: t.v });
        break;
      default:
        throw new TemplateError(`unexpected "${t.v}" in ${ctx}`);
    }
  }
  if (cmd.length) pipe.cmds.push(cmd);
  if (!pipe.cmds.length) throw new TemplateError(`missing value for ${ctx}`);
  for (const c of pipe.cmds) {
    if (c[0]!.kind === 'lit' && c.length > 1) throw new TemplateError(`can't give argument to non-function ${JSON.stringify(c[0]!.value)}`);
  }
  return pipe;
}

function pipelineOf(src: string, ctx: string): Pipeline {
  const s = new TokStream(lexAction(src));
  const p = parsePipeline(s, ctx, false);
  if (s.peek()) throw new TemplateError(`unexpected "${s.peek()!.v}" in ${ctx}`);
  return p;
}

type Piece = { text: string } | { action: string };

/** Split a template into text and actions, honouring {{- and -}} trimming and quotes inside actions. */
function splitTemplate(src: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let j = open + 2;
    if (src[j] === '-' && /\s/.test(src[j + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      j++;
    }
    if (text) out.push({ text });
    const start = j;
    let close = -1;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '"' || c === '`' || c === "'") {
        let k = j + 1;
        while (k < src.length && src[k] !== c) k += src[k] === '\\' && c !== '`' ? 2 : 1;
        j = k + 1;
      } else if (c === '/' && src[j + 1] === '*') {
        const end = src.indexOf('*/', j + 2);
        if (end < 0) throw new TemplateError('unclosed comment');
        j = end + 2;
      } else if (c === '}' && src[j + 1] === '}') {
        close = j;
        break;
      } else {
        j++;
      }
    }
    if (close < 0) throw new TemplateError('unclosed action');
    let body = src.slice(start, close);
    i = close + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      i += /^\s*/.exec(src.slice(i))![0].length;
    }
    out.push({ action: body.trim() });
  }
  return out;
}

function parse(src: string): Node[] {
  const pieces = splitTemplate(src);
  let p = 0;
  let rangeDepth = 0;
  function list(): { nodes: Node[]; end: 'end' | 'else' | 'eof'; elseRest: string } {
    const nodes: Node[] = [];
    while (p < pieces.length) {
      const piece = pieces[p++]!;
      if ('text' in piece) {
        nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const a = piece.action;
      if (a.startsWith('/*')) {
        if (!a.endsWith('*/')) throw new TemplateError('comment ends before closing delimiter');
        continue;
      }
      const word = /^[A-Za-z_]\w*/.exec(a)?.[0] ?? '';
      const rest = a.slice(word.length).trim();
      switch (word) {
        case 'end':
          return { nodes, end: 'end', elseRest: '' };
        case 'else':
          return { nodes, end: 'else', elseRest: rest };
        case 'if':
        case 'range':
        case 'with':
          nodes.push(control(word, rest));
          break;
        case 'break':
        case 'continue':
          if (rest) throw new TemplateError(`unexpected "${rest}" in {{${word}}}`);
          if (!rangeDepth) throw new TemplateError(`{{${word}}} outside {{range}}`);
          nodes.push({ kind: word });
          break;
        case 'define':
        case 'template':
        case 'block':
          throw new TemplateError(`{{${word}}} is not supported in a --format template`);
        default:
          if (!a) throw new TemplateError('missing value for command');
          nodes.push({ kind: 'action', pipe: pipelineOf(a, 'command') });
      }
    }
    return { nodes, end: 'eof', elseRest: '' };
  }
  function control(kind: 'if' | 'range' | 'with', cond: string): Node {
    const pipe = pipelineOf(cond, kind);
    if (kind === 'range') rangeDepth++;
    const body = list();
    if (kind === 'range') rangeDepth--;
    let elseNodes: Node[] = [];
    if (body.end === 'eof') throw new TemplateError(`unexpected EOF`);
    if (body.end === 'else') {
      if (/^if\s/.test(body.elseRest)) {
        // {{else if X}} is {{else}}{{if X}}...{{end}} sharing the outer {{end}}.
        elseNodes = [control('if', body.elseRest.slice(2).trim())];
      } else {
        if (body.elseRest) throw new TemplateError(`unexpected "${body.elseRest}" in else`);
        const rest = list();
        if (rest.end !== 'end') throw new TemplateError(rest.end === 'eof' ? 'unexpected EOF' : `expected end; found {{else}}`);
        elseNodes = rest.nodes;
      }
    }
    return { kind, pipe, body: body.nodes, else: elseNodes };
  }
  const top = list();
  if (top.end !== 'eof') throw new TemplateError(`unexpected {{${top.end}}}`);
  return top.nodes;
}

// ---- values ----------------------------------------------------------------

type Fn = (...args: unknown[]) => unknown;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof GoNilSlice) && !(v instanceof GoNilMap);
}

/** Go's type name of a value, for error messages. */
function goType(v: unknown): string {
  if (v === undefined || v === null) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v) || v instanceof GoNilSlice) return '[]string';
  if (v instanceof Date) return 'time.Time';
  return 'map[string]interface {}';
}

/** Go's fmt %v of a value; `top` is an action's own result (a nil interface there prints <no value>). */
export function goString(v: unknown, top = true): string {
  if (v === undefined || v === null) return top ? '<no value>' : '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof GoNilSlice) return '[]';
  if (v instanceof GoNilMap) return 'map[]';
  if (v instanceof GoNilPointer) return '<nil>';
  if (v instanceof Date) return v.toString();
  if (typeof v === 'object' && GO_FORMAT in v) return (v as { [GO_FORMAT]: () => string })[GO_FORMAT]();
  if (Array.isArray(v)) return `[${v.map((x) => goString(x, false)).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return `map[${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${k}:${goString(x, false)}`)
      .join(' ')}]`;
  }
  return String(v);
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || Number.isNaN(v)) return false;
  if (v instanceof GoNilSlice || v instanceof GoNilMap || v instanceof GoNilPointer) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Date) return true;
  if (typeof v === 'object') return structValues.has(v) || Object.keys(v).length > 0;
  return true;
}

function typedZero(name: string): unknown {
  if (SLICE_FIELDS.has(name)) return NIL_SLICE;
  if (MAP_FIELDS.has(name)) return NIL_MAP;
  return undefined;
}

const FIELD_ALIASES: Record<string, string> = { ID: 'Id', HealthCheck: 'Healthcheck', ImageID: 'Image', Src: 'Source', Dst: 'Destination' };

function lookupField(obj: unknown, name: string): unknown {
  if (obj === null || obj === undefined || obj instanceof GoNilPointer) throw new TemplateError(`nil pointer evaluating interface {}.${name}`);
  if (obj instanceof GoNilMap) return undefined;
  if (!isPlainObject(obj) && !(obj instanceof Date)) throw new TemplateError(`can't evaluate field ${name} in type ${goType(obj)}`);
  const rec = obj as Record<string, unknown>;
  // The Go field behind a JSON key of another spelling (ID for "Id"), and
  // podman inspect's own rewrites (.Src, .Dst, .ImageID): both spellings work.
  const alias = FIELD_ALIASES[name];
  if (!(name in rec) && alias !== undefined && alias in rec) name = alias;
  if (name in rec) {
    let v = rec[name];
    if (typeof v === 'function') v = (v as Fn).call(obj);
    if (v === undefined || v === null) return typedZero(name) ?? v;
    if (isPlainObject(v) && /^[A-Z]/.test(name) && !MAP_FIELDS.has(name) && Object.keys(v).every((k) => /^[A-Z]/.test(k))) structValues.add(v);
    return v;
  }
  const zero = typedZero(name);
  if (zero !== undefined) return zero;
  // Go returns the zero value for a missing map key (labels, annotations) but
  // fails on an unknown struct field. Our records are plain objects: one whose
  // keys all look like exported Go fields (Capitalised) is a struct.
  const keys = Object.keys(rec);
  const isStruct = obj instanceof Date || (keys.length > 0 && keys.every((k) => /^[A-Z]/.test(k)));
  if (!isStruct) return undefined;
  throw new TemplateError(`can't evaluate field ${name} in type ${obj instanceof Date ? 'time.Time' : 'interface {}'}`);
}

// ---- fmt ---------------------------------------------------------------------

function fmtNumber(verb: string, a: number, prec: string | undefined, plus: boolean, sharp: boolean): string {
  const p = prec === undefined ? undefined : Number(prec);
  let s: string;
  switch (verb) {
    case 'd':
      s = String(Math.abs(Math.trunc(a)));
      break;
    case 'x':
    case 'X':
      s = (sharp ? '0x' : '') + Math.abs(Math.trunc(a)).toString(16);
      if (verb === 'X') s = s.toUpperCase();
      break;
    case 'o':
      s = (sharp ? '0' : '') + Math.abs(Math.trunc(a)).toString(8);
      break;
    case 'b':
      s = Math.abs(Math.trunc(a)).toString(2);
      break;
    case 'f':
    case 'F':
      s = Math.abs(a).toFixed(p ?? 6);
      break;
    case 'e':
    case 'E': {
      s = Math.abs(a).toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      if (verb === 'E') s = s.toUpperCase();
      break;
    }
    default: {
      // %v and %g: Go's shortest representation ('g' with exponent past 21 digits).
      const abs = Math.abs(a);
      if (p !== undefined) s = String(Number(abs.toPrecision(Math.max(p, 1))));
      else if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) s = abs.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
      else s = String(abs);
    }
  }
  const neg = a < 0 || Object.is(a, -0);
  return (neg ? '-' : plus ? '+' : '') + s;
}

/** Go's fmt.Sprintf for the verbs templates use. */
export function sprintf(fmt: string, ...args: unknown[]): string {
  let i = 0;
  let out = fmt.replace(/%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (width === '*') width = String(args[i++]);
    if (prec === '*') prec = String(args[i++]);
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    let s: string;
    const numeric = typeof a === 'number';
    switch (verb) {
      case 'v':
        s = numeric ? fmtNumber('v', a, undefined, flags.includes('+'), false) : goString(a, false);
        if (a === undefined || a === null) s = '<nil>';
        break;
      case 's':
        if (numeric || typeof a === 'boolean') return `%!s(${goType(a)}=${goString(a)})`;
        s = a === undefined || a === null ? '%!s(<nil>)' : goString(a, false);
        if (prec !== undefined) s = [...s].slice(0, Number(prec)).join('');
        break;
      case 'q':
        s = numeric ? `'${String.fromCodePoint(a)}'` : JSON.stringify(goString(a, false));
        break;
      case 't':
        if (typeof a !== 'boolean') return `%!t(${goType(a)}=${goString(a)})`;
        s = String(a);
        break;
      case 'c':
        if (!numeric) return `%!c(${goType(a)}=${goString(a)})`;
        s = String.fromCodePoint(a);
        break;
      case 'd':
      case 'o':
      case 'b':
        if (!numeric) return `%!${verb}(${goType(a)}=${goString(a)})`;
        s = fmtNumber(verb, a, undefined, flags.includes('+'), flags.includes('#'));
        break;
      case 'x':
      case 'X':
        if (numeric) s = fmtNumber(verb, a, undefined, flags.includes('+'), flags.includes('#'));
        else {
          s = Buffer.from(goString(a, false)).toString('hex');
          if (verb === 'X') s = s.toUpperCase();
        }
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        if (!numeric) return `%!${verb}(${goType(a)}=${goString(a)})`;
        s = fmtNumber(verb.toLowerCase() === 'g' ? 'v' : verb, a, prec, flags.includes('+'), false);
        if (verb === 'G') s = s.toUpperCase();
        break;
      default:
        return `%!${verb}(${goType(a)}=${goString(a)})`;
    }
    if (prec !== undefined && verb === 'v' && numeric) s = fmtNumber('v', a, prec, flags.includes('+'), false);
    const w = Number(width ?? 0);
    const len = [...s].length;
    if (len >= w) return s;
    if (flags.includes('-')) return s + ' '.repeat(w - len);
    if (flags.includes('0') && numeric) {
      const sign = /^[+-]/.test(s) ? s[0]! : '';
      return sign + '0'.repeat(w - len) + s.slice(sign.length);
    }
    return ' '.repeat(w - len) + s;
  });
  if (i < args.length) out += `%!(EXTRA ${args.slice(i).map((a) => `${goType(a)}=${goString(a)}`).join(', ')})`;
  return out;
}

// ---- functions ---------------------------------------------------------------

function asSlice(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v as unknown[];
  if (v instanceof GoNilSlice) return [];
  return undefined;
}

function basicCompare(fn: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean' && (fn === 'eq' || fn === 'ne')) return a === b ? 0 : 1;
  if ((a === null || a === undefined) && (b === null || b === undefined) && (fn === 'eq' || fn === 'ne')) return 0;
  if (fn === 'eq' || fn === 'ne') {
    if (typeof a !== typeof b || typeof a === 'object') throw new TemplateError(`error calling ${fn}: incompatible types for comparison`);
  }
  throw new TemplateError(`error calling ${fn}: ${typeof a !== typeof b ? 'incompatible types for comparison' : 'invalid type for comparison'}`);
}

function goIndex(v: unknown, ...keys: unknown[]): unknown {
  let item = v;
  for (const k of keys) {
    const arr = asSlice(item) ?? (typeof item === 'string' ? [...Buffer.from(item)] : undefined);
    if (arr) {
      if (typeof k !== 'number' || !Number.isInteger(k)) throw new TemplateError(`error calling index: cannot index slice/array with type ${goType(k)}`);
      if (k < 0 || k >= arr.length) throw new TemplateError(`error calling index: index out of range: ${k}`);
      item = arr[k];
    } else if (item instanceof GoNilMap) {
      item = '';
    } else if (isPlainObject(item)) {
      if (typeof k !== 'string') throw new TemplateError(`error calling index: value has type ${goType(k)}; should be string`);
      if (k in item) item = item[k];
      else {
        // The element type's zero: "" for podman's string maps (labels, annotations).
        const vals = Object.values(item);
        item = vals.every((x) => typeof x === 'string') ? '' : undefined;
      }
    } else if (item === undefined || item === null) {
      throw new TemplateError('error calling index: index of untyped nil');
    } else {
      throw new TemplateError(`error calling index: can't index item of type ${goType(item)}`);
    }
  }
  return item;
}

function goSlice(v: unknown, ...idx: unknown[]): unknown {
  const n = idx.map((x) => {
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new TemplateError('error calling slice: cannot index slice/array with nil');
    return x;
  });
  if (n.length > 3) throw new TemplateError(`error calling slice: too many slice indexes: ${n.length}`);
  if (typeof v === 'string') {
    if (n.length === 3) throw new TemplateError('error calling slice: cannot 3-index slice a string');
    const b = Buffer.from(v);
    const [lo = 0, hi = b.length] = n;
    if (lo < 0 || hi > b.length || lo > hi) throw new TemplateError(`error calling slice: index out of range: ${hi > b.length ? hi : lo}`);
    return b.subarray(lo, hi).toString();
  }
  const arr = asSlice(v);
  if (!arr) throw new TemplateError(`error calling slice: can't slice item of type ${goType(v)}`);
  const [lo = 0, hi = arr.length] = n;
  if (lo < 0 || hi > arr.length || lo > hi) throw new TemplateError(`error calling slice: index out of range: ${hi > arr.length ? hi : lo}`);
  return arr.slice(lo, hi);
}

function goPrint(args: unknown[]): string {
  // fmt.Sprint: a space between operands when neither is a string.
  let out = '';
  args.forEach((a, k) => {
    if (k > 0 && typeof a !== 'string' && typeof args[k - 1] !== 'string') out += ' ';
    out += a === undefined || a === null ? '<nil>' : goString(a, false);
  });
  return out;
}

function needString(fn: string, v: unknown): string {
  if (typeof v !== 'string') throw new TemplateError(`error calling ${fn}: wrong type for value; expected string; got ${goType(v)}`);
  return v;
}

const builtins: Record<string, Fn> = {
  // podman's (containers/common report funcs)
  json: (v) => JSON.stringify(v === undefined ? null : v) ?? 'null',
  lower: (s) => needString('lower', s).toLowerCase(),
  upper: (s) => needString('upper', s).toUpperCase(),
  title: (s) => needString('title', s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase()),
  join: (a, sep) => {
    const arr = asSlice(a);
    if (!arr) throw new TemplateError(`error calling join: wrong type for value; expected []string; got ${goType(a)}`);
    return arr.map((x) => goString(x, false)).join(needString('join', sep));
  },
  split: (s, sep) => {
    const str = needString('split', s);
    const p = needString('split', sep);
    return p === '' ? [...str] : str.split(p);
  },
  pad: (s, pre, post) => {
    const str = needString('pad', s);
    return str === '' ? '' : ' '.repeat(Number(pre)) + str + ' '.repeat(Number(post));
  },
  truncate: (s, n) => {
    const str = needString('truncate', s);
    return str.length < Number(n) ? str : str.slice(0, Number(n));
  },
  // Go's
  len: (v) => {
    if (typeof v === 'string') return Buffer.byteLength(v);
    const arr = asSlice(v);
    if (arr) return arr.length;
    if (v instanceof GoNilMap) return 0;
    if (isPlainObject(v)) return Object.keys(v).length;
    throw new TemplateError(`error calling len: len of type ${goType(v)}`);
  },
  index: goIndex,
  slice: goSlice,
  printf: (fmt, ...args) => sprintf(needString('printf', fmt), ...args),
  print: (...args) => goPrint(args),
  println: (...args) => args.map((a) => (a === undefined || a === null ? '<nil>' : goString(a, false))).join(' ') + '\n',
  not: (v) => !truthy(v),
  eq: (a, ...b) => {
    if (!b.length) throw new TemplateError('error calling eq: missing argument for comparison');
    return b.some((x) => basicCompare('eq', a, x) === 0);
  },
  ne: (a, b) => basicCompare('ne', a, b) !== 0,
  lt: (a, b) => basicCompare('lt', a, b) < 0,
  le: (a, b) => basicCompare('le', a, b) <= 0,
  gt: (a, b) => basicCompare('gt', a, b) > 0,
  ge: (a, b) => basicCompare('ge', a, b) >= 0,
  html: (...args) =>
    goPrint(args).replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!),
  js: (...args) =>
    goPrint(args).replace(/[\\'"<>&=]|[\x00-\x1f]/g, (c) => {
      if (c === '\\' || c === "'" || c === '"') return '\\' + c;
      return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    }),
  urlquery: (...args) =>
    encodeURIComponent(goPrint(args))
      .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
      .replace(/%20/g, '+'),
};

// ---- evaluation --------------------------------------------------------------

class Scope {
  private readonly vars = new Map<string, unknown>();
  constructor(
    readonly dot: unknown,
    private readonly parent?: Scope,
  ) {}
  child(dot: unknown): Scope {
    return new Scope(dot, this);
  }
  declare(name: string, v: unknown): void {
    this.vars.set(name, v);
  }
  assign(name: string, v: unknown): void {
    this.owner(name).vars.set(name, v);
  }
  get(name: string): unknown {
    return this.owner(name).vars.get(name);
  }
  /** The innermost scope that declared the variable. */
  private owner(name: string): Scope {
    if (this.vars.has(name)) return this;
    if (!this.parent) throw new TemplateError(`undefined variable: ${name}`);
    return this.parent.owner(name);
  }
}

/** {{break}} and {{continue}} unwind to their {{range}} as exceptions. */
class BreakSignal extends Error {}
class ContinueSignal extends Error {}

function walk(v: unknown, path: string[]): unknown {
  for (const name of path) v = lookupField(v, name);
  return v;
}

function evalTerm(t: Term, s: Scope): unknown {
  switch (t.kind) {
    case 'lit':
      return t.value;
    case 'dot':
      return s.dot;
    case 'field':
      return walk(s.dot, t.path);
    case 'var':
      return walk(s.get(t.name), t.path);
    case 'pipe':
      return walk(evalPipeline(t.pipe, s), t.path);
    case 'ident':
      if (t.name in builtins || t.name === 'and' || t.name === 'or') return callFunction(t.name, [], s, []);
      throw new TemplateError(`function "${t.name}" not defined`);
  }
}

function callFunction(name: string, args: Term[], s: Scope, piped: unknown[]): unknown {
  if (name === 'and' || name === 'or') {
    // Go evaluates and/or lazily, left to right, returning the deciding operand.
    const thunks: Array<() => unknown> = [...args.map((a) => () => evalTerm(a, s)), ...piped.map((v) => () => v)];
    if (!thunks.length) throw new TemplateError(`wrong number of args for ${name}: want at least 1 got 0`);
    let v: unknown;
    for (const th of thunks) {
      v = th();
      if (truthy(v) === (name === 'or')) return v;
    }
    return v;
  }
  if (name === 'call') throw new TemplateError('error calling call: no function values in a --format template');
  const fn = builtins[name];
  if (!fn) throw new TemplateError(`function "${name}" not defined`);
  return fn(...args.map((a) => evalTerm(a, s)), ...piped);
}

function evalCommand(cmd: Command, s: Scope, piped: unknown[]): unknown {
  const head = cmd[0]!;
  if (head.kind === 'ident') {
    if (!(head.name in builtins) && head.name !== 'and' && head.name !== 'or' && head.name !== 'call') {
      throw new TemplateError(`function "${head.name}" not defined`);
    }
    return callFunction(head.name, cmd.slice(1), s, piped);
  }
  if (cmd.length > 1 || piped.length) {
    const what = head.kind === 'field' ? `.${head.path.join('.')}` : head.kind === 'var' ? [head.name, ...head.path].join('.') : 'value';
    throw new TemplateError(`can't give argument to non-function ${what}`);
  }
  return evalTerm(head, s);
}

function evalPipeline(pipe: Pipeline, s: Scope, bind = true): unknown {
  let v: unknown;
  pipe.cmds.forEach((cmd, i) => {
    v = evalCommand(cmd, s, i === 0 ? [] : [v]);
  });
  if (bind && pipe.decl.length === 1) {
    if (pipe.assign) s.assign(pipe.decl[0]!, v);
    else s.declare(pipe.decl[0]!, v);
  }
  return v;
}

function rangeItems(v: unknown): Array<[unknown, unknown]> {
  const arr = asSlice(v);
  if (arr) return arr.map((x, i) => [i, x]);
  if (v instanceof GoNilMap || v === undefined || v === null) return [];
  if (isPlainObject(v)) return Object.keys(v).sort().map((k) => [k, v[k]]);
  throw new TemplateError(`range can't iterate over ${goString(v)}`);
}

function exec(nodes: Node[], s: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out.push(n.text);
        break;
      case 'action': {
        const v = evalPipeline(n.pipe, s);
        if (!n.pipe.decl.length) out.push(goString(v));
        break;
      }
      case 'if':
      case 'with': {
        const inner = s.child(s.dot);
        const v = evalPipeline(n.pipe, inner);
        if (truthy(v)) exec(n.body, n.kind === 'with' ? inner.child(v) : inner, out);
        else exec(n.else, inner, out);
        break;
      }
      case 'range': {
        const v = evalPipeline(n.pipe, s, false);
        const items = rangeItems(v);
        if (!items.length) {
          exec(n.else, s.child(s.dot), out);
          break;
        }
        for (const [k, item] of items) {
          const inner = s.child(item);
          if (n.pipe.decl.length === 1) inner.declare(n.pipe.decl[0]!, item);
          else if (n.pipe.decl.length === 2) {
            inner.declare(n.pipe.decl[0]!, k);
            inner.declare(n.pipe.decl[1]!, item);
          }
          try {
            exec(n.body, inner, out);
          } catch (e) {
            if (e instanceof BreakSignal) break;
            if (!(e instanceof ContinueSignal)) throw e;
          }
        }
        break;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }
}

/** A parsed template, reusable over many records (one per row of `ps`). */
export class GoTemplate {
  private readonly nodes: Node[];
  constructor(readonly source: string) {
    // Podman unescapes \t and \n typed literally in a shell argument; when that
    // breaks the template (`{{"\n"}}` would hold a newline in a string), it
    // parses the text as typed instead.
    const normalized = source.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
    let nodes: Node[];
    try {
      nodes = parse(normalized);
    } catch (err) {
      if (!(err instanceof TemplateError) || normalized === source) throw err;
      nodes = parse(source);
    }
    this.nodes = nodes;
  }
  render(data: unknown): string {
    const out: string[] = [];
    const root = new Scope(data);
    root.declare('$', data);
    exec(this.nodes, root, out);
    return out.join('');
  }
}
