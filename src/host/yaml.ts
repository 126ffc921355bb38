// YAML in the style podman's `info` prints it (ghodss/yaml over go-yaml
// v2.4): map keys in go-yaml's order, block sequences level with their key,
// multi-line strings as literal blocks, and go-yaml's choice of quotes. The
// `yaml` package emits; this module only picks each string's style the way
// go-yaml would. Pure: no I/O.

import { Document, Scalar, visit, type Pair, type ToStringOptions } from 'yaml';

export interface YamlOptions {
  /** Sort map keys like go-yaml does for Go maps (default true). */
  sortKeys?: boolean;
}

const STRING_OPTIONS: ToStringOptions = {
  indentSeq: false,
  // go-yaml folds long plain scalars at spaces past column 80, the yaml
  // package before it; nothing info prints is that long, so never fold.
  lineWidth: 0,
  nullStr: 'null',
  // go-yaml keeps a double-quoted string on one line (\n escapes).
  doubleQuotedMinMultiLineLength: Number.POSITIVE_INFINITY,
};

/** Render `value` (a map at the top level, usually) as a YAML document. */
export function toYaml(value: unknown, opts: YamlOptions = {}): string {
  const sort = opts.sortKeys ?? true;
  // JSON drops undefined fields; so does keepUndefined: false.
  const doc = new Document(value, { keepUndefined: false, sortMapEntries: sort ? byGoKey : false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.type = goStyle(node.value);
    },
  });
  return doc.toString(STRING_OPTIONS);
}

/** A single scalar as go-yaml renders it (no trailing newline). */
export function scalar(v: unknown): string {
  return toYaml(v).replace(/\n$/, '');
}

function byGoKey(a: Pair, b: Pair): number {
  const ak = String(a.key instanceof Scalar ? a.key.value : a.key);
  const bk = String(b.key instanceof Scalar ? b.key.value : b.key);
  return goKeyLess(ak, bk) ? -1 : goKeyLess(bk, ak) ? 1 : 0;
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** go-yaml v2's key order for strings: non-letters before letters, digit runs by value. */
export function goKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      // A zero inside a number that began earlier counts as a digit of it.
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

// Plain scalars that go-yaml v2 resolves to something other than a string
// (YAML 1.1 booleans and nulls, ints in any base, floats, base-60 numbers,
// timestamps, the merge key): it double-quotes those.
const NON_STRING =
  /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|<<|[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?|(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+|\.(?:inf|Inf|INF))|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:[Tt ]\d\d?:\d\d?:\d\d?(?:\.\d+)?(?:Z|[-+]\d\d?(?::\d\d)?)?)?)$/;

/** go-yaml's style for a string: literal block, plain, else single quotes, else double. */
function goStyle(s: string): Scalar.Type {
  if (s.includes('\n')) return literalAllowed(s) ? 'BLOCK_LITERAL' : 'QUOTE_DOUBLE';
  if (s === '' || NON_STRING.test(s) || /[\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029\t]/.test(s)) return 'QUOTE_DOUBLE';
  return plainAllowed(s) ? 'PLAIN' : 'QUOTE_SINGLE';
}

/** Literal blocks cannot carry control characters or blanks at a line's end. */
function literalAllowed(s: string): boolean {
  return !/[\x00-\x08\x0b-\x1f\x7f]/.test(s) && !/[ \t]\n/.test(s) && !/[ \t]$/.test(s);
}

/** go-yaml's emitter check for plain style (yaml_emitter_analyze_scalar). */
function plainAllowed(s: string): boolean {
  if (/^\s|\s$/.test(s)) return false;
  // Indicators that cannot start a plain scalar; `-`, `?`, `:` may when followed by a non-space.
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (/^---|^\.\.\./.test(s)) return false;
  // Inside the scalar, ": " starts a mapping and " #" a comment; a trailing ':' too.
  return !/:(\s|$)/.test(s) && !/\s#/.test(s);
}
