// A small argv parser for the hot commands (run, create, exec, start, stop,
// rm, ps, images, inspect): building yargs and registering the ~140 run
// flags with it costs ~25 ms CPU on every such command, a sixth of
// `run --rm IMG true`. It reads the same option tables (the builders run
// against a recorder, as help does) and gives the handler the object yargs
// would give: every key, alias and camelCase spelling, defaults, coercions,
// positionals and `--`. It only accepts command lines whose meaning is
// plain; anything else (an unknown or repeated flag, a missing value, a
// value that looks like a flag, `-abc` clusters it cannot read, surplus
// positionals, a builder using a yargs feature it does not model) returns
// undefined and goes to yargs, so every error message and exit code is
// yargs' own. test/unit/cli/fast-argv.test.ts compares both parsers on a
// corpus of command lines built from the flag tables.

import type { Options } from 'yargs';
import type { AnyCommand } from './help/command-info.js';

type Kind = 'boolean' | 'string' | 'strings' | 'number';

interface FlagSpec {
  /** The declared name, then its aliases. */
  keys: string[];
  kind: Kind;
  coerce?: (v: never) => unknown;
  default?: unknown;
}

interface Positional {
  name: string;
  variadic: boolean;
  required: boolean;
  /** yargs gives `[]` for a variadic positional with no words only when the builder declared it an array. */
  emptyArray?: boolean;
}

export interface ParserSpec {
  /** The command word. */
  word: string;
  flags: Map<string, FlagSpec>;
  all: FlagSpec[];
  positionals: Positional[];
}

const PROG = 'tsc-run';

/** What a handler gets: yargs' argv shape. */
export interface ParsedArgv {
  [key: string]: unknown;
  _: string[];
  $0: string;
}

/** Option properties the parser models; a builder using another (choices, conflicts, count...) keeps yargs. */
const KNOWN_OPTION_KEYS = new Set(['type', 'alias', 'describe', 'description', 'desc', 'default', 'requiresArg', 'array', 'nargs', 'coerce', 'global', 'hidden', 'goType']);
/** Builder methods that do not change parsing. */
const INERT_METHODS = new Set(['usage', 'example', 'epilog', 'epilogue', 'hide']);

function flagSpec(name: string, o: Options): FlagSpec | undefined {
  if (Object.keys(o).some((k) => !KNOWN_OPTION_KEYS.has(k))) return undefined;
  const aliases = [o.alias ?? []].flat().map(String);
  let kind: Kind;
  if (o.type === 'boolean' && o.array !== true && o.nargs === undefined) kind = 'boolean';
  else if (o.type === 'number' && o.array !== true && o.nargs === undefined) kind = 'number';
  else if (o.type === 'string' && o.array === true && o.nargs === 1) kind = 'strings';
  else if (o.type === 'string' && o.array !== true && o.nargs === undefined) kind = 'string';
  else return undefined;
  if (o.coerce !== undefined && kind !== 'string') return undefined;
  const spec: FlagSpec = { keys: [name, ...aliases], kind };
  if (o.coerce !== undefined) spec.coerce = o.coerce as (v: never) => unknown;
  if (o.default !== undefined) spec.default = o.default;
  return spec;
}

/** `run [image] [command..]` → its positionals; undefined for forms it does not model. */
function positionalsOf(command: string): Positional[] | undefined {
  const out: Positional[] = [];
  for (const w of command.split(' ').slice(1)) {
    const m = /^([<[])([a-z][a-z0-9-]*)(\.\.)?([\]>])$/.exec(w);
    if (!m || (m[1] === '<') !== (m[4] === '>')) return undefined;
    out.push({ name: m[2]!, variadic: m[3] !== undefined, required: m[1] === '<' });
  }
  return out;
}

/**
 * The parser's view of a command (its builder run against a recorder) and
 * of the global options; undefined when either uses something it does not model.
 */
export function parserSpec(command: AnyCommand, globals: (y: never) => unknown): ParserSpec | undefined {
  if (typeof command.command !== 'string' || [command.aliases ?? []].flat().length || typeof command.builder !== 'function') return undefined;
  const positionals = positionalsOf(command.command);
  if (!positionals) return undefined;
  const options = new Map<string, Options>();
  const declaredArrays = new Set<string>();
  let plain = true;
  const proxy: unknown = new Proxy(
    {},
    {
      get: (_t, prop) => (...args: unknown[]) => {
        if (prop === 'option' && typeof args[0] === 'string') options.set(args[0], (args[1] ?? {}));
        else if (prop === 'positional') {
          const o = (args[1] ?? {}) as Options;
          if (o.type !== 'string' || Object.keys(o).some((k) => !['type', 'array', 'describe', 'hidden'].includes(k))) plain = false;
          if (o.array === true) declaredArrays.add(String(args[0]));
        } else if (!INERT_METHODS.has(String(prop))) plain = false;
        return proxy;
      },
    },
  );
  globals(proxy as never);
  (command.builder as (y: unknown) => unknown)(proxy);
  if (!plain) return undefined;
  for (const p of positionals) p.emptyArray = p.variadic && declaredArrays.has(p.name);
  const flags = new Map<string, FlagSpec>();
  const all: FlagSpec[] = [];
  for (const [name, o] of options) {
    const spec = flagSpec(name, o);
    if (!spec) return undefined;
    all.push(spec);
    for (const k of spec.keys) {
      if (flags.has(k)) return undefined;
      flags.set(k, spec);
    }
  }
  // yargs reads `--no-x` as x=false; a declared `no-x` whose x is not a boolean would be read otherwise.
  for (const k of flags.keys()) if (k.startsWith('no-') && flags.get(k.slice(3))?.kind !== 'boolean') return undefined;
  return { word: command.command.split(' ')[0]!, flags, all, positionals };
}

/** yargs-parser's camelCase of a dashed key (`log-level` → `logLevel`). */
function camel(key: string): string {
  return key.replace(/-+([^-])/g, (_m, c: string) => c.toUpperCase());
}

const INTEGER = /^(0|[1-9][0-9]{0,14})$/;

/**
 * argv (after splitTrailingCommand) parsed as yargs would for spec's
 * command; undefined when yargs should see it (see the file's header).
 */
export function fastParse(argv: readonly string[], spec: ParserSpec): ParsedArgv | undefined {
  const values = new Map<FlagSpec, unknown>();
  const positionals: string[] = [];
  let rest: string[] | undefined;
  /** Set one flag once; a repeat is yargs' (arrays, last-value coercions and `--x --x` differ). */
  const set = (f: FlagSpec, v: unknown): boolean => {
    if (f.kind === 'strings') {
      values.set(f, [...((values.get(f) as string[] | undefined) ?? []), v]);
      return true;
    }
    if (values.has(f)) return false;
    values.set(f, v);
    return true;
  };
  /** A value for a flag that takes one, from `=v` or the next word. */
  const valueOf = (f: FlagSpec, v: string): unknown => {
    if (f.kind === 'number') return INTEGER.test(v) ? Number(v) : undefined;
    return v;
  };
  const plainValue = (v: string | undefined): v is string => v !== undefined && v !== '' && !v.startsWith('-') && v !== '--';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const f = spec.flags.get(name);
      if (!f) {
        // `--no-x`: x=false for a boolean x (yargs' negation), also when `no-x` is declared.
        const neg = name.startsWith('no-') ? spec.flags.get(name.slice(3)) : undefined;
        if (eq >= 0 || neg?.kind !== 'boolean' || !set(neg, false)) return undefined;
        continue;
      }
      if (name.startsWith('no-') && spec.flags.get(name.slice(3))?.kind === 'boolean') {
        // Declared `no-x` beside its x (`--no-hosts`): yargs sets x=false, not no-x.
        if (eq >= 0 || !set(spec.flags.get(name.slice(3))!, false)) return undefined;
        continue;
      }
      if (f.kind === 'boolean') {
        if (eq >= 0) {
          const v = a.slice(eq + 1);
          if ((v !== 'true' && v !== 'false') || !set(f, v === 'true')) return undefined;
        } else if (argv[i + 1] === 'true' || argv[i + 1] === 'false' || !set(f, true)) return undefined;
        continue;
      }
      const raw = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (!plainValue(raw)) return undefined;
      const v = valueOf(f, raw);
      if (v === undefined || !set(f, v)) return undefined;
      continue;
    }
    if (a === '-') return undefined; // yargs' own reading of a lone dash
    if (a.startsWith('-')) {
      // `-x`, `-x v`, or a cluster of one-letter booleans whose last letter may take the next word (`-it`, `-de X`).
      const letters = a.slice(1);
      if (!/^[a-zA-Z]+$/.test(letters)) return undefined;
      for (let j = 0; j < letters.length; j++) {
        const f = spec.flags.get(letters[j]!);
        if (!f) return undefined;
        if (f.kind === 'boolean') {
          if (j === letters.length - 1 && (argv[i + 1] === 'true' || argv[i + 1] === 'false')) return undefined;
          if (!set(f, true)) return undefined;
          continue;
        }
        if (j !== letters.length - 1) return undefined;
        const raw = argv[++i];
        if (!plainValue(raw)) return undefined;
        const v = valueOf(f, raw);
        if (v === undefined || !set(f, v)) return undefined;
      }
      continue;
    }
    positionals.push(a);
  }
  if (positionals.shift() !== spec.word) return undefined;
  const out: ParsedArgv = { _: [spec.word], $0: PROG };
  const put = (key: string, v: unknown): void => {
    out[key] = v;
    if (key.includes('-')) out[camel(key)] = v;
  };
  // Positionals: declared ones in order, the variadic one takes the rest.
  let filled = false;
  for (const p of spec.positionals) {
    if (p.variadic) {
      if (p.required && !positionals.length) return undefined;
      // yargs: `[]` when the builder declared it an array, or when an earlier positional was filled.
      if (positionals.length || p.emptyArray || filled) put(p.name, positionals.splice(0));
      continue;
    }
    const v = positionals.shift();
    if (v === undefined && p.required) return undefined;
    if (v === undefined) continue;
    put(p.name, v);
    filled = true;
  }
  if (positionals.length) return undefined;
  for (const f of spec.all) {
    let v: unknown;
    if (values.has(f)) v = f.coerce ? f.coerce(values.get(f) as never) : values.get(f);
    else if (f.default !== undefined) v = f.default;
    else continue;
    for (const k of f.keys) put(k, v);
  }
  if (rest?.length) out['--'] = rest;
  return out;
}
