// WWW-Authenticate (RFC 7235): one header may hold several challenges, each
// a scheme followed by comma-separated key=value params (quoted or not),
// e.g. `Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"`.
// Pure.

export interface Challenge {
  /** Lower-cased: `basic`, `bearer`. */
  scheme: string;
  /** Param names lower-cased. */
  params: Record<string, string>;
}

export function parseWwwAuthenticate(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseWwwAuthenticate(h));
  const out: Challenge[] = [];
  let current: Challenge | undefined;
  let i = 0;
  const s = header;
  const skip = (re: RegExp) => {
    while (i < s.length && re.test(s[i]!)) i++;
  };
  while (i < s.length) {
    skip(/[\s,]/);
    if (i >= s.length) break;
    const start = i;
    while (i < s.length && !/[\s,=]/.test(s[i]!)) i++;
    const token = s.slice(start, i);
    const afterToken = i;
    skip(/\s/);
    if (s[i] === '=' && current && s[i + 1] !== '=') {
      i++;
      skip(/\s/);
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++; // closing quote
      } else {
        const vs = i;
        while (i < s.length && s[i] !== ',') i++;
        value = s.slice(vs, i).trim();
      }
      current.params[token.toLowerCase()] = value;
      continue;
    }
    if (s[i] === '=') {
      // token68 (`Basic abc==`): not a param; skip it.
      while (i < s.length && s[i] !== ',') i++;
      continue;
    }
    i = afterToken;
    current = { scheme: token.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;
}
