// docker's --format for a list (compose ps, volumes, stats, images): `table`
// (the command's default template), `table TEMPLATE` (a header made of each
// field's header), `json` (one object per line), or a Go template per row.
// Columns as docker's tabwriter sets them (minimum width 10, padding 3). Pure.

import { alignColumns } from '../format/output.js';
import { GoTemplate } from '../format/template.js';

export interface DockerListFormat {
  /** The command's `table ...` template. */
  table: string;
  /** Header of each field (else the field's name in capitals, words split). */
  headers: Record<string, string>;
}

export function dockerList(rows: ReadonlyArray<object>, format: string | undefined, spec: DockerListFormat): string {
  const f = format ?? '';
  if (f === 'json') return rows.map((r) => `${JSON.stringify(sortedKeys(r))}\n`).join('');
  const fmt = f === '' || f === 'table' ? spec.table : f;
  if (!fmt.startsWith('table')) {
    const tpl = new GoTemplate(fmt.endsWith('\n') ? fmt : `${fmt}\n`);
    return rows.map((r) => tpl.render(r)).join('');
  }
  const src = fmt.slice(5).trim().replace(/\\t/g, '\t');
  const tpl = new GoTemplate(src);
  const header = src.replace(/\{\{-?\s*\.(\w+)\s*-?\}\}/g, (_m, name: string) => spec.headers[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase());
  const lines = [header, ...rows.map((r) => tpl.render(r).replace(/\n$/, ''))];
  return `${alignColumns(lines.join('\n'), 10, 3)}\n`;
}

/** docker marshals its format contexts as maps: keys in order. */
function sortedKeys(r: object): Record<string, unknown> {
  const rec = r as Record<string, unknown>;
  return Object.fromEntries(Object.keys(rec).sort().map((k) => [k, rec[k]]));
}
