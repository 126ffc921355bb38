// `.env` and `env_file` files as compose reads them: KEY=VALUE lines,
// `export ` prefixes, '#' comments, single quotes literal, double quotes with
// escapes, unquoted values trimmed with ` #` comments cut, and ${VAR}
// interpolation from earlier lines and the environment (not in single
// quotes). A bare `KEY` takes its value from the environment, if set. Pure.

import { interpolate, type Lookup } from './interpolate.js';

export class DotenvError extends Error {}

export function parseDotenv(text: string, lookup: Lookup): Map<string, string> {
  const out = new Map<string, string>();
  const get: Lookup = (n) => out.get(n) ?? lookup(n);
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    if (eq < 0) {
      const name = line;
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new DotenvError(`line ${i + 1}: unexpected character in variable name ${JSON.stringify(name)}`);
      const v = lookup(name);
      if (v !== undefined) out.set(name, v);
      continue;
    }
    const name = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.\-[\]]*$/.test(name)) throw new DotenvError(`line ${i + 1}: unexpected character in variable name ${JSON.stringify(name)}`);
    let rest = line.slice(eq + 1).trimStart();
    let value: string;
    const q = rest[0];
    if (q === "'" || q === '"') {
      // A quoted value may span lines.
      let body = rest.slice(1);
      let close = findClose(body, q);
      while (close < 0 && i + 1 < lines.length) {
        i++;
        body += `\n${lines[i]!}`;
        close = findClose(body, q);
      }
      if (close < 0) throw new DotenvError(`line ${i + 1}: unterminated quoted value for ${name}`);
      const raw = body.slice(0, close);
      value = q === "'" ? raw : interpolate(unescapeDouble(raw), get);
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = interpolate(rest.trim(), get);
    }
    out.set(name, value);
  }
  return out;
}

function findClose(s: string, q: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && q === '"') {
      i++;
      continue;
    }
    if (s[i] === q) return i;
  }
  return -1;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}
