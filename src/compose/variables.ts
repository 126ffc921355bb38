// `compose config --variables`: the variables a compose file uses, read
// from the file before interpolation, as compose-go's ExtractVariables:
// required (`${V:?err}`, `${V?err}`), a default (`${V:-d}`, `${V-d}`), an
// alternate value (`${V:+x}`, `${V+x}`); `$$` is no variable. Pure.

import { alignColumns } from '../format/output.js';
import { isPlainObject } from './yaml-read.js';

export interface Variable {
  Name: string;
  DefaultValue: string;
  PresenceValue: string;
  Required: boolean;
}

function closing(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && depth-- === 0) return i;
  }
  return -1;
}

function scan(s: string, out: Map<string, Variable>): void {
  const add = (v: Variable) => {
    const had = out.get(v.Name);
    out.set(v.Name, had ? { Name: v.Name, DefaultValue: had.DefaultValue || v.DefaultValue, PresenceValue: had.PresenceValue || v.PresenceValue, Required: had.Required || v.Required } : v);
  };
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '$') continue;
    if (s[i + 1] === '$') {
      i++;
      continue;
    }
    if (s[i + 1] === '{') {
      const end = closing(s, i + 2);
      if (end < 0) return;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(s.slice(i + 2, end));
      if (m) {
        const op = m[2] ?? '';
        const arg = m[3] ?? '';
        add({ Name: m[1]!, DefaultValue: op.endsWith('-') ? arg : '', PresenceValue: op.endsWith('+') ? arg : '', Required: op.endsWith('?') });
        scan(arg, out);
      }
      i = end;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (m) {
      add({ Name: m[0], DefaultValue: '', PresenceValue: '', Required: false });
      i += m[0].length;
    }
  }
}

export function extractVariables(node: unknown, out = new Map<string, Variable>()): Map<string, Variable> {
  if (typeof node === 'string') scan(node, out);
  else if (Array.isArray(node)) for (const n of node) extractVariables(n, out);
  else if (isPlainObject(node)) for (const v of Object.values(node)) extractVariables(v, out);
  return out;
}

/** docker compose's table (NAME, REQUIRED, DEFAULT VALUE, ALTERNATE VALUE), or JSON (an object by name, 4-space indent). */
export function variablesOutput(vars: Map<string, Variable>, format: string): string {
  const sorted = [...vars.values()].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  if (format === 'json') return `${JSON.stringify(Object.fromEntries(sorted.map((v) => [v.Name, v])), null, 4)}\n`;
  const lines = ['NAME\tREQUIRED\tDEFAULT VALUE\tALTERNATE VALUE', ...sorted.map((v) => `${v.Name}\t${v.Required}\t${v.DefaultValue}\t${v.PresenceValue}`)];
  return `${alignColumns(lines.join('\n'), 20, 3)}\n`;
}
