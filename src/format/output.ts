// One formatter for every list and inspect command: default tables, `json`,
// `table {{...}}` and plain Go templates, the way podman's --format works.

import { GoTemplate } from './template.js';

/**
 * Go's text/tabwriter as podman configures it (minwidth 12, padding 2):
 * tab-separated cells become space-aligned columns; a line's last cell is
 * not padded.
 */
export function alignColumns(text: string, minWidth = 12, padding = 2): string {
  const lines = text.split('\n');
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length - 1; i++) widths[i] = Math.max(widths[i] ?? 0, codePoints(r[i]!) + padding, minWidth);
  }
  return rows
    .map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]! - (codePoints(cell) - cell.length)) : cell)).join(''))
    .join('\n');
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points in s (tabwriter counts runes); without an array per cell, which showed in `ps -a` over thousands of rows. */
function codePoints(s: string): number {
  return SURROGATE.test(s) ? [...s].length : s.length;
}

/** `CreatedAt` → `CREATED AT`, `ID` → `ID`: podman's default header for a field. */
export function headerFor(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toUpperCase();
}

export interface Column {
  /** Go template field path, e.g. `ID` or `State.Status`. */
  field: string;
  /** Header text; defaults to headerFor(field). */
  header?: string;
}

export interface ListOptions {
  format?: string | undefined;
  /** Default table columns, used without --format or with plain `table`. */
  columns: Column[];
  /** Suppress the header row (--noheading). */
  noHeading?: boolean;
  /** Header overrides for fields named in a user's `table` template. */
  headers?: Record<string, string>;
}

/** Render a list (ps, images, ...) per --format into the text to print. */
export function formatList(rows: readonly object[], opts: ListOptions): string {
  const fmt = opts.format?.trim();
  if (fmt === 'json') return JSON.stringify(rows, null, 4) + '\n';
  let templateSrc: string;
  let table: boolean;
  if (!fmt || fmt === 'table') {
    templateSrc = opts.columns.map((c) => `{{.${c.field}}}`).join('\t');
    table = true;
  } else if (fmt.startsWith('table ')) {
    // podman's tableReplacer: in a table, spaces separate columns as tabs do.
    templateSrc = fmt.slice(6).replace(/ /g, '\t');
    table = true;
  } else {
    templateSrc = opts.format!;
    table = false;
  }
  if (!table) {
    // podman ends a template with a newline before parsing it, so a closing
    // `-}}` trims that newline too (`{{.Names -}}` prints the names run together).
    const tpl = new GoTemplate(withNewline(templateSrc));
    return rows.map((r) => tpl.render(r)).join('');
  }
  const tpl = new GoTemplate(templateSrc);
  const lines = rows.map((r) => tpl.render(r).replace(/\n$/, ''));
  if (!opts.noHeading) lines.unshift(headerLine(templateSrc, opts));
  // No rows and no heading: nothing at all, as podman (not an empty line).
  if (lines.length === 0) return '';
  return alignColumns(lines.join('\n')) + '\n';
}

/** The header row for a table template: each {{.Field}} becomes its header. */
function headerLine(templateSrc: string, opts: ListOptions): string {
  const known = new Map<string, string>();
  for (const c of opts.columns) known.set(c.field, c.header ?? headerFor(c.field));
  for (const [f, h] of Object.entries(opts.headers ?? {})) known.set(f, h);
  const src = templateSrc.replace(/\\t/g, '\t');
  return src.replace(/\{\{-?\s*([^}]*?)\s*-?\}\}/g, (_m, inner: string) => {
    const field = /^\.([\w.]+)$/.exec(inner)?.[1];
    if (!field) return '';
    return known.get(field) ?? headerFor(field.split('.').pop()!);
  });
}

/** Render inspect output: a JSON array by default (podman 4.3 indents it by five spaces), else the template per object. */
export function formatInspect(objects: readonly object[], format?: string): string {
  if (!format || format === 'json') return JSON.stringify(objects, null, 5) + '\n';
  const tpl = new GoTemplate(withNewline(format));
  return objects.map((o) => tpl.render(o)).join('');
}

/** The template with a newline at its end, as podman parses it (`\\n` typed literally counts). */
function withNewline(src: string): string {
  return /(\n|\\n)$/.test(src) ? src : src + '\n';
}

/** Render a single object (info, version) per --format: YAML-ish default is the caller's. */
export function formatObject(obj: object, format: string): string {
  if (format === 'json') return JSON.stringify(obj, null, 4) + '\n';
  const out = new GoTemplate(format).render(obj);
  return out.endsWith('\n') ? out : out + '\n';
}
