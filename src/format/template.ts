// A Go text/template subset, enough for the --format strings that scripts
// pass to podman: fields and chains (.State.Running), pipelines, if/else,
// range, with, comparison, and podman's helper functions (json, lower, upper,
// join, len, index, printf, println, truncate, title, split, contains).
// Pure: no I/O.

import { UsageError } from '../errors.js';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if'; pipe: Pipeline; then: Node[]; else: Node[] }
  | { kind: 'range'; pipe: Pipeline; body: Node[]; else: Node[] }
  | { kind: 'with'; pipe: Pipeline; body: Node[]; else: Node[] };

type Arg =
  | { kind: 'field'; root: 'dot' | 'var'; name?: string; path: string[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'ident'; name: string }
  | { kind: 'sub'; pipe: Pipeline };

type Command = Arg[];
interface Pipeline {
  decl?: string;
  cmds: Command[];
}

export class TemplateError extends UsageError {
  constructor(message: string) {
    super(`template: ${message}`);
  }
}

/** Tokenise the inside of one {{ }} action. */
function lexAction(src: string): string[] {
  const toks: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' && c === '"' ? 2 : 1;
      if (j >= src.length) throw new TemplateError(`unterminated string in "${src}"`);
      toks.push(src.slice(i, j + 1));
      i = j + 1;
    } else if (c === '(' || c === ')' || c === '|') {
      toks.push(c);
      i++;
    } else if (c === ':' && src[i + 1] === '=') {
      toks.push(':=');
      i += 2;
    } else {
      let j = i;
      while (j < src.length && !/[\s()|]/.test(src[j]!)) j++;
      toks.push(src.slice(i, j));
      i = j;
    }
  }
  return toks;
}

function parseArg(tok: string): Arg {
  if (tok.startsWith('"')) return { kind: 'string', value: JSON.parse(tok) as string };
  if (tok.startsWith('`')) return { kind: 'string', value: tok.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(tok)) return { kind: 'number', value: Number(tok) };
  if (tok === 'true' || tok === 'false') return { kind: 'bool', value: tok === 'true' };
  if (tok === 'nil') return { kind: 'nil' };
  if (tok === '.') return { kind: 'field', root: 'dot', path: [] };
  if (tok.startsWith('.')) return { kind: 'field', root: 'dot', path: tok.slice(1).split('.') };
  if (tok.startsWith('$')) {
    const [name, ...path] = tok.split('.');
    return { kind: 'field', root: 'var', name: name!, path };
  }
  if (/^[A-Za-z_]\w*$/.test(tok)) return { kind: 'ident', name: tok };
  throw new TemplateError(`unexpected "${tok}"`);
}

function parsePipeline(toks: string[], pos: { i: number }, stopAtParen: boolean): Pipeline {
  const pipe: Pipeline = { cmds: [] };
  if (toks[pos.i + 1] === ':=' && toks[pos.i]?.startsWith('$')) {
    pipe.decl = toks[pos.i];
    pos.i += 2;
  }
  let cmd: Command = [];
  while (pos.i < toks.length) {
    const t = toks[pos.i]!;
    if (t === ')') {
      if (!stopAtParen) throw new TemplateError('unexpected ")"');
      break;
    }
    pos.i++;
    if (t === '|') {
      if (cmd.length === 0) throw new TemplateError('missing command before "|"');
      pipe.cmds.push(cmd);
      cmd = [];
    } else if (t === '(') {
      const sub = parsePipeline(toks, pos, true);
      if (toks[pos.i] !== ')') throw new TemplateError('unclosed "("');
      pos.i++;
      cmd.push({ kind: 'sub', pipe: sub });
    } else {
      cmd.push(parseArg(t));
    }
  }
  if (cmd.length) pipe.cmds.push(cmd);
  if (!pipe.cmds.length) throw new TemplateError('missing value for command');
  return pipe;
}

function pipelineOf(src: string): Pipeline {
  return parsePipeline(lexAction(src), { i: 0 }, false);
}

/** Split a template into text and actions, honouring {{- and -}} trimming. */
function tokenize(src: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start++;
    }
    if (text) out.push({ text });
    const close = src.indexOf('}}', start);
    if (close < 0) throw new TemplateError('unclosed action');
    let body = src.slice(start, close);
    i = close + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^\s*/.exec(src.slice(i));
      i += m ? m[0].length : 0;
    }
    out.push({ action: body.trim() });
  }
  return out;
}

function parse(src: string): Node[] {
  const toks = tokenize(src);
  let p = 0;
  function block(): { nodes: Node[]; end: 'end' | 'else' | 'eof'; elseRest?: string } {
    const nodes: Node[] = [];
    while (p < toks.length) {
      const t = toks[p++]!;
      if ('text' in t) {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const a = t.action;
      if (a.startsWith('/*')) continue;
      const word = a.split(/\s+/, 1)[0];
      if (word === 'end') return { nodes, end: 'end' };
      if (word === 'else') return { nodes, end: 'else', elseRest: a.slice(4).trim() };
      if (word === 'if' || word === 'range' || word === 'with') {
        nodes.push(control(word, a.slice(word.length).trim()));
      } else {
        nodes.push({ kind: 'action', pipe: pipelineOf(a) });
      }
    }
    return { nodes, end: 'eof' };
  }
  function control(kind: 'if' | 'range' | 'with', cond: string): Node {
    const pipe = pipelineOf(cond);
    const body = block();
    let elseNodes: Node[] = [];
    if (body.end === 'eof') throw new TemplateError(`unexpected EOF in {{${kind}}}`);
    if (body.end === 'else') {
      if (body.elseRest && body.elseRest.startsWith('if ')) {
        // {{else if X}} is sugar for {{else}}{{if X}}...{{end}} sharing the outer end.
        elseNodes = [control('if', body.elseRest.slice(3))];
      } else {
        const rest = block();
        if (rest.end !== 'end') throw new TemplateError(`missing {{end}} for {{${kind}}}`);
        elseNodes = rest.nodes;
      }
    }
    if (kind === 'if') return { kind, pipe, then: body.nodes, else: elseNodes };
    return { kind, pipe, body: body.nodes, else: elseNodes };
  }
  const top = block();
  if (top.end !== 'eof') throw new TemplateError(`unexpected {{${top.end}}}`);
  return top.nodes;
}

// ---- evaluation -----------------------------------------------------------

type Fn = (...args: unknown[]) => unknown;

/** Go's fmt %v rendering of a value, which is what {{.X}} prints. */
export function goString(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toString();
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return `map[${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${k}:${goString(x)}`)
      .join(' ')}]`;
  }
  return String(v);
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function lookupField(obj: unknown, name: string): unknown {
  if (obj === null || obj === undefined) throw new TemplateError(`nil pointer evaluating .${name}`);
  if (typeof obj !== 'object') throw new TemplateError(`can't evaluate field ${name} in type ${typeof obj}`);
  const rec = obj as Record<string, unknown>;
  if (name in rec) {
    const v = rec[name];
    return typeof v === 'function' ? (v as Fn).call(obj) : v;
  }
  // Go returns the zero value for a missing map key (labels, annotations) but
  // fails on an unknown struct field. Our records are plain objects: treat one
  // whose keys all look like exported Go fields (Capitalised) as a struct.
  const keys = Object.keys(rec);
  const isStruct = keys.length > 0 && keys.every((k) => /^[A-Z]/.test(k));
  if (!isStruct) return undefined;
  throw new TemplateError(`can't evaluate field ${name}`);
}

function sprintf(fmt: string, ...args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([vsdqtfx%])/g, (_m, _flags: string, width: string, prec: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    let s: string;
    switch (verb) {
      case 'q': s = JSON.stringify(goString(a)); break;
      case 'd': s = String(Math.trunc(Number(a))); break;
      case 'f': s = Number(a).toFixed(prec ? Number(prec) : 6); break;
      case 'x': s = typeof a === 'number' ? a.toString(16) : Buffer.from(goString(a)).toString('hex'); break;
      default: s = goString(a);
    }
    if (prec && verb === 's') s = s.slice(0, Number(prec));
    const w = Number(width || 0);
    return _flags.includes('-') ? s.padEnd(w) : s.padStart(w);
  });
}

const builtins: Record<string, Fn> = {
  json: (v) => JSON.stringify(v === undefined ? null : v),
  lower: (s) => goString(s).toLowerCase(),
  upper: (s) => goString(s).toUpperCase(),
  title: (s) => goString(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  join: (a, sep) => (Array.isArray(a) ? a.map(goString).join(goString(sep)) : goString(a)),
  split: (s, sep) => goString(s).split(goString(sep)),
  len: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  index: (v, ...keys) => keys.reduce<unknown>((acc, k) => (acc as Record<string, unknown> | undefined)?.[k as string], v),
  printf: (fmt, ...args) => sprintf(goString(fmt), ...args),
  print: (...args) => args.map(goString).join(''),
  println: (...args) => args.map(goString).join(' ') + '\n',
  truncate: (s, n) => goString(s).slice(0, Number(n)),
  contains: (s, sub) => goString(s).includes(goString(sub)),
  hasPrefix: (s, p) => goString(s).startsWith(goString(p)),
  hasSuffix: (s, p) => goString(s).endsWith(goString(p)),
  replace: (s, a, b, n) => {
    let out = goString(s);
    const count = n === undefined ? -1 : Number(n);
    for (let k = 0; count < 0 || k < count; k++) {
      if (!out.includes(goString(a))) break;
      out = out.replace(goString(a), goString(b));
    }
    return out;
  },
  not: (v) => !truthy(v),
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
};

interface Scope {
  dot: unknown;
  vars: Map<string, unknown>;
}

function evalArg(arg: Arg, s: Scope): unknown {
  switch (arg.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return arg.value;
    case 'nil':
      return null;
    case 'sub':
      return evalPipeline(arg.pipe, s);
    case 'ident':
      throw new TemplateError(`function "${arg.name}" used as a value`);
    case 'field': {
      let v: unknown;
      if (arg.root === 'dot') v = s.dot;
      else {
        if (!s.vars.has(arg.name!)) throw new TemplateError(`undefined variable "${arg.name}"`);
        v = s.vars.get(arg.name!);
      }
      for (const name of arg.path) v = lookupField(v, name);
      return v;
    }
  }
}

function evalCommand(cmd: Command, s: Scope, piped: unknown[]): unknown {
  const head = cmd[0]!;
  if (head.kind === 'ident') {
    const fn = builtins[head.name];
    if (!fn) throw new TemplateError(`function "${head.name}" not defined`);
    const args = cmd.slice(1).map((a) => evalArg(a, s));
    return fn(...args, ...piped);
  }
  if (cmd.length > 1 || piped.length) throw new TemplateError(`can't give argument to non-function`);
  return evalArg(head, s);
}

function evalPipeline(pipe: Pipeline, s: Scope): unknown {
  let v: unknown;
  pipe.cmds.forEach((cmd, i) => {
    v = evalCommand(cmd, s, i === 0 ? [] : [v]);
  });
  if (pipe.decl) s.vars.set(pipe.decl, v);
  return v;
}

function exec(nodes: Node[], s: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out.push(n.text);
        break;
      case 'action': {
        const v = evalPipeline(n.pipe, s);
        if (!n.pipe.decl) out.push(goString(v));
        break;
      }
      case 'if':
        exec(truthy(evalPipeline(n.pipe, s)) ? n.then : n.else, s, out);
        break;
      case 'with': {
        const v = evalPipeline(n.pipe, s);
        if (truthy(v)) exec(n.body, { dot: v, vars: s.vars }, out);
        else exec(n.else, s, out);
        break;
      }
      case 'range': {
        const v = evalPipeline(n.pipe, s);
        const items: Array<[unknown, unknown]> = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v && typeof v === 'object'
            ? Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))
            : [];
        if (!items.length) exec(n.else, s, out);
        for (const [, item] of items) exec(n.body, { dot: item, vars: s.vars }, out);
        break;
      }
    }
  }
}

/** A parsed template, reusable over many records (one per row of `ps`). */
export class GoTemplate {
  private readonly nodes: Node[];
  constructor(readonly source: string) {
    // Podman unescapes \t and \n typed literally in a shell argument.
    this.nodes = parse(source.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
  }
  render(data: unknown): string {
    const out: string[] = [];
    exec(this.nodes, { dot: data, vars: new Map([['$', data]]) }, out);
    return out.join('');
  }
}
