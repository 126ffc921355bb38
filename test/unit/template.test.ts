import { describe, expect, it } from 'vitest';
import { GoTemplate } from '../../src/format/template.js';
import { alignColumns, formatInspect, formatList, headerFor } from '../../src/format/output.js';

const ctr = {
  Id: 'abc123',
  Names: ['web'],
  State: { Running: true, Status: 'running', ExitCode: 0 },
  Labels: { app: 'demo' },
  Mounts: [{ Destination: '/data' }, { Destination: '/logs' }],
};

describe('GoTemplate', () => {
  const r = (src: string, data: unknown = ctr) => new GoTemplate(src).render(data);

  it('prints fields and nested fields like Go', () => {
    expect(r('{{.State.Running}}')).toBe('true');
    expect(r('{{.Id}}:{{.State.ExitCode}}')).toBe('abc123:0');
    expect(r('{{.Names}}')).toBe('[web]');
    expect(r('{{.Labels}}')).toBe('map[app:demo]');
  });
  it('the Go field name of a JSON key spelt otherwise, as podman inspect takes both', () => {
    expect(r('{{.ID}} {{.Id}}')).toBe('abc123 abc123');
    expect(r('{{range .Mounts}}{{.Dst}} {{end}}')).toBe('/data /logs ');
    expect(r('{{.HealthCheck.Test}}', { Healthcheck: { Test: ['CMD', 'true'] } })).toBe('[CMD true]');
    // A record that has the field under its own name keeps it.
    expect(r('{{.ID}}', { ID: 'x', Id: 'y' })).toBe('x');
  });
  it('json of the whole record and of a field', () => {
    expect(JSON.parse(r('{{json .}}'))).toEqual(ctr);
    expect(r('{{json .Names}}')).toBe('["web"]');
  });
  it('missing map key is <no value>, unknown struct field is an error', () => {
    expect(r('{{.Labels.missing}}')).toBe('<no value>');
    expect(r('{{index .Labels "app"}}')).toBe('demo');
    expect(() => r('{{.Nope}}')).toThrow(/can't evaluate field Nope/);
  });
  it('if/else, range, with, pipelines and functions', () => {
    expect(r('{{if .State.Running}}up{{else}}down{{end}}')).toBe('up');
    expect(r('{{range .Mounts}}{{.Destination}} {{end}}')).toBe('/data /logs ');
    expect(r('{{with .State}}{{.Status}}{{end}}')).toBe('running');
    expect(r('{{.State.Status | upper}}')).toBe('RUNNING');
    expect(r('{{join .Names ","}}')).toBe('web');
    expect(r('{{printf "%s-%d" .Id 7}}')).toBe('abc123-7');
    expect(r('{{if eq .State.Status "running"}}y{{end}}')).toBe('y');
    expect(r('{{len .Mounts}}')).toBe('2');
    expect(r('{{$x := .Id}}{{$x}}')).toBe('abc123');
    expect(r('{{if not .State.Running}}a{{else if .Id}}b{{end}}')).toBe('b');
  });
  it('trims with {{- and -}} and unescapes \\t', () => {
    expect(r('a  {{- .Id -}}  b')).toBe('aabc123b');
    expect(r('{{.Id}}\\t{{.State.Status}}')).toBe('abc123\trunning');
  });
  it('rejects malformed templates', () => {
    expect(() => r('{{.Id')).toThrow(/unclosed action/);
    expect(() => r('{{if .Id}}x')).toThrow(/unexpected EOF/);
    expect(() => r('{{nosuch .Id}}')).toThrow(/not defined/);
  });
});

describe('formatList / formatInspect', () => {
  const rows = [
    { ID: 'aaa', Names: 'one', Status: 'Up' },
    { ID: 'bbbbbbbbbbbbbbbb', Names: 'two', Status: 'Exited (0)' },
  ];
  const columns = [{ field: 'ID', header: 'CONTAINER ID' }, { field: 'Names' }];
  it('default table has headers and aligned columns', () => {
    const out = formatList(rows, { columns });
    expect(out.split('\n')[0]).toBe('CONTAINER ID      NAMES');
    expect(out.split('\n')[2]).toBe('bbbbbbbbbbbbbbbb  two');
  });
  it('a table without rows and without its heading prints nothing (podman: not an empty line)', () => {
    expect(formatList([], { columns, noHeading: true })).toBe('');
    expect(formatList([], { columns, format: 'table {{.ID}}', noHeading: true })).toBe('');
    expect(formatList([], { columns })).toBe('CONTAINER ID  NAMES\n');
  });
  it('json is an array; a plain template prints one line per row', () => {
    expect(JSON.parse(formatList(rows, { columns, format: 'json' }))).toEqual(rows);
    expect(formatList(rows, { columns, format: '{{.ID}}' })).toBe('aaa\nbbbbbbbbbbbbbbbb\n');
    expect(formatList([], { columns, format: '{{.ID}}' })).toBe('');
  });
  it('table templates get headers from fields', () => {
    const out = formatList(rows, { columns, format: 'table {{.ID}}\t{{.Status}}' });
    expect(out.split('\n')[0]).toMatch(/^CONTAINER ID\s+STATUS$/);
  });
  it('inspect defaults to a JSON array', () => {
    expect(JSON.parse(formatInspect([ctr]))).toEqual([ctr]);
    expect(formatInspect([ctr, ctr], '{{.Id}}')).toBe('abc123\nabc123\n');
  });
  it('helpers', () => {
    expect(headerFor('CreatedAt')).toBe('CREATED AT');
    expect(headerFor('ID')).toBe('ID');
    expect(alignColumns('a\tb\nccc\td')).toBe('a           b\nccc         d');
  });
});
