// The Compose Specification's interpolation: $VAR, ${VAR}, ${VAR:-d},
// ${VAR-d}, ${VAR:?err}, ${VAR?err}, ${VAR:+x}, ${VAR+x}, nested defaults,
// and $$ for a literal $. Applied to every string value of a file (never to
// keys) before merging. Pure.

export type Lookup = (name: string) => string | undefined;

/** A required variable is missing (`${VAR:?err}`), or the syntax is wrong. */
export class InterpolationError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Interpolate one string. `onUnset` is told of each variable used without a
 * default that is not set (compose warns and substitutes "").
 */
export function interpolate(text: string, lookup: Lookup, onUnset?: (name: string) => void): string {
  const [out, end] = expand(text, 0, lookup, onUnset, false);
  if (end !== text.length) throw new InterpolationError(`invalid interpolation format for ${JSON.stringify(text)}`);
  return out;
}

/** Expand from i; inside a ${...} default (nested) stop at the closing brace. */
function expand(s: string, i: number, lookup: Lookup, onUnset: ((n: string) => void) | undefined, nested: boolean): [string, number] {
  let out = '';
  let depth = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (nested && c === '}' && depth === 0) return [out, i];
    if (nested && c === '{') depth++;
    if (nested && c === '}') depth--;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const n = s[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
    } else if (n === '{') {
      const [v, end] = braced(s, i + 2, lookup, onUnset);
      out += v;
      i = end;
    } else if (n !== undefined && NAME_START.test(n)) {
      let j = i + 1;
      while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
      const name = s.slice(i + 1, j);
      const v = lookup(name);
      if (v === undefined) onUnset?.(name);
      out += v ?? '';
      i = j;
    } else {
      // A lone $ (end of string, `$ `, `$1`) is kept as it is.
      out += '$';
      i++;
    }
  }
  if (nested) throw new InterpolationError(`invalid interpolation format for ${JSON.stringify(s)}: missing closing brace`);
  return [out, i];
}

/** After `${`: NAME [op word] `}`. Returns the value and the index after `}`. */
function braced(s: string, i: number, lookup: Lookup, onUnset: ((n: string) => void) | undefined): [string, number] {
  let j = i;
  while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
  const name = s.slice(i, j);
  if (name === '' || !NAME_START.test(name[0]!)) {
    throw new InterpolationError(`invalid interpolation format for ${JSON.stringify(s)}: invalid variable name ${JSON.stringify(s.slice(i, s.indexOf('}', i) < 0 ? undefined : s.indexOf('}', i)))}`);
  }
  if (s[j] === '}') {
    const v = lookup(name);
    if (v === undefined) onUnset?.(name);
    return [v ?? '', j + 1];
  }
  let op: string;
  if (s[j] === ':' && (s[j + 1] === '-' || s[j + 1] === '?' || s[j + 1] === '+')) op = s.slice(j, j + 2);
  else if (s[j] === '-' || s[j] === '?' || s[j] === '+') op = s[j]!;
  else throw new InterpolationError(`invalid interpolation format for ${JSON.stringify(s)}`);
  const value = lookup(name);
  const unsetOrEmpty = value === undefined || value === '';
  const colon = op.length === 2;
  const missing = colon ? unsetOrEmpty : value === undefined;
  // The word is expanded only when it is used (a nested ${X:?} must not fail otherwise).
  const wordStart = j + op.length;
  const used = op.endsWith('+') ? !missing : missing;
  // An unused word is only scanned: every variable in it looks set.
  const [word, end] = expand(s, wordStart, used ? lookup : () => 'x', used ? onUnset : undefined, true);
  const after = end + 1;
  switch (op[op.length - 1]) {
    case '-':
      return [missing ? word : value!, after];
    case '+':
      return [missing ? '' : word, after];
    default: // '?'
      if (missing) {
        throw new InterpolationError(
          `required variable ${name} is missing a value${word ? `: ${word}` : ''}`,
        );
      }
      return [value!, after];
  }
}

/** Interpolate every string value of a parsed YAML tree (keys are left alone). */
export function interpolateTree(
  node: unknown,
  lookup: Lookup,
  onError: (path: Array<string | number>, err: InterpolationError) => never,
  onUnset?: (name: string) => void,
  path: Array<string | number> = [],
): unknown {
  if (typeof node === 'string') {
    try {
      return interpolate(node, lookup, onUnset);
    } catch (err) {
      if (err instanceof InterpolationError) onError(path, err);
      throw err;
    }
  }
  if (Array.isArray(node)) return node.map((v, i) => interpolateTree(v, lookup, onError, onUnset, [...path, i]));
  if (node !== null && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = interpolateTree(v, lookup, onError, onUnset, [...path, k]);
    return out;
  }
  return node;
}
