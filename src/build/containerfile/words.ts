// Docker's word rules for instruction arguments: quotes ('...' literal,
// "..." with $ expansion), the escape character, and variable substitution
// ($VAR, ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:+word}, ${VAR+word},
// ${VAR:?msg}, ${VAR?msg}). Used by ADD COPY ENV EXPOSE FROM LABEL
// STOPSIGNAL USER VOLUME WORKDIR ARG; RUN/CMD/ENTRYPOINT are left to the
// shell. Pure.

export type Lookup = (name: string) => string | undefined;

export class SubstitutionError extends Error {}

class Scanner {
  i = 0;
  constructor(
    readonly s: string,
    readonly esc: string,
  ) {}
  peek(): string | undefined {
    return this.s[this.i];
  }
  next(): string | undefined {
    return this.s[this.i++];
  }
  eof(): boolean {
    return this.i >= this.s.length;
  }
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Read a `${...}` or `$NAME` after the `$`. Returns the value (undefined: a literal `$`). */
function readVariable(sc: Scanner, lookup: Lookup): string | undefined {
  const c = sc.peek();
  if (c === '{') {
    sc.next();
    let name = '';
    while (!sc.eof() && NAME_CHAR.test(sc.peek()!)) name += sc.next();
    if (!name) throw new SubstitutionError(`missing variable name in \${...}`);
    const c2 = sc.peek();
    if (c2 === '}') {
      sc.next();
      return lookup(name) ?? '';
    }
    let op = '';
    if (c2 === ':') {
      sc.next();
      op = ':';
    }
    const kind = sc.next();
    if (kind !== '-' && kind !== '+' && kind !== '?') throw new SubstitutionError(`unsupported modifier (${op}${kind ?? ''}) in substitution`);
    op += kind;
    // The word runs to the matching brace; it is itself expanded.
    const word = readUntilBrace(sc, lookup);
    const value = lookup(name);
    const set = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
    switch (op.replace(':', '')) {
      case '-':
        return set ? value! : word;
      case '+':
        return set ? word : '';
      default:
        if (!set) throw new SubstitutionError(`${name}: ${word || 'is not allowed to be unset'}`);
        return value!;
    }
  }
  if (c !== undefined && NAME_START.test(c)) {
    let name = '';
    while (!sc.eof() && NAME_CHAR.test(sc.peek()!)) name += sc.next();
    return lookup(name) ?? '';
  }
  return undefined;
}

function readUntilBrace(sc: Scanner, lookup: Lookup): string {
  let out = '';
  for (;;) {
    const c = sc.next();
    if (c === undefined) throw new SubstitutionError('missing \'}\' in substitution');
    if (c === '}') return out;
    if (c === sc.esc) {
      const n = sc.next();
      if (n !== undefined) out += n;
      continue;
    }
    if (c === '$') {
      const v = readVariable(sc, lookup);
      out += v ?? '$';
      continue;
    }
    if (c === "'" || c === '"') {
      const q = c;
      while (!sc.eof() && sc.peek() !== q) out += sc.next();
      sc.next();
      continue;
    }
    out += c;
  }
}

/**
 * Process text into words: quotes removed, escapes applied, variables
 * substituted; unquoted whitespace (also inside an unquoted variable's
 * value) separates words when `split` is true.
 */
export function processWords(text: string, lookup: Lookup, esc = '\\', split = true): string[] {
  const sc = new Scanner(text, esc);
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  const end = () => {
    if (inWord) words.push(cur);
    cur = '';
    inWord = false;
  };
  while (!sc.eof()) {
    const c = sc.next()!;
    if (split && /\s/.test(c)) {
      end();
      continue;
    }
    inWord = true;
    if (c === esc) {
      const n = sc.next();
      cur += n ?? '';
      continue;
    }
    if (c === "'") {
      let closed = false;
      while (!sc.eof()) {
        const d = sc.next()!;
        if (d === "'") {
          closed = true;
          break;
        }
        cur += d;
      }
      if (!closed) throw new SubstitutionError('unexpected end of statement while looking for matching single-quote');
      continue;
    }
    if (c === '"') {
      let closed = false;
      while (!sc.eof()) {
        const d = sc.next()!;
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === esc) {
          const n = sc.peek();
          // In double quotes the escape only escapes ", $ and itself (Docker).
          if (n === '"' || n === '$' || n === esc) {
            cur += sc.next();
            continue;
          }
          cur += d;
          continue;
        }
        if (d === '$') {
          const v = readVariable(sc, lookup);
          cur += v ?? '$';
          continue;
        }
        cur += d;
      }
      if (!closed) throw new SubstitutionError('unexpected end of statement while looking for matching double-quote');
      continue;
    }
    if (c === '$') {
      const v = readVariable(sc, lookup);
      if (v === undefined) {
        cur += '$';
        continue;
      }
      if (!split) {
        cur += v;
        continue;
      }
      // Unquoted: the value's whitespace splits words.
      const parts = v.split(/\s+/);
      for (let k = 0; k < parts.length; k++) {
        if (k > 0) {
          end();
          inWord = true;
        }
        cur += parts[k];
      }
      if (v !== '' && /\s$/.test(v)) end();
      if (v === '' && cur === '') inWord = false;
      continue;
    }
    cur += c;
  }
  end();
  return words;
}

/** One word (no splitting): quotes removed, variables substituted. */
export function processWord(text: string, lookup: Lookup, esc = '\\'): string {
  return processWords(text, lookup, esc, false).join('');
}

/**
 * Split text on unquoted whitespace keeping quotes and escapes as written
 * (Docker's parseWords, for ENV/LABEL/ARG pairs before substitution).
 */
export function rawWords(text: string, esc = '\\'): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === undefined && /\s/.test(c)) {
      if (cur) words.push(cur);
      cur = '';
      continue;
    }
    if (c === esc && i + 1 < text.length && quote !== "'") {
      cur += c + text[++i];
      continue;
    }
    if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (quote === c) quote = undefined;
    cur += c;
  }
  if (cur) words.push(cur);
  return words;
}

/** `k=v` pairs (ENV, LABEL, ARG): keys and values as written, quotes kept. Undefined for a word without `=`. */
export function splitPair(word: string): { key: string; value: string } | undefined {
  const eq = word.indexOf('=');
  if (eq < 0) return undefined;
  return { key: word.slice(0, eq), value: word.slice(eq + 1) };
}
