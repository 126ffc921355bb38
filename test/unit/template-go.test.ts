// The --format engine against Go text/template's behaviour, case by case as
// podman 4.3 printed it here (image inspect / ps side by side).
import { describe, expect, it } from 'vitest';
import { GoTemplate, sprintf } from '../../src/format/template.js';
import { formatInspect, formatList } from '../../src/format/output.js';

const img = {
  Id: 'abc',
  Os: 'linux',
  Size: 2134087,
  RepoTags: ['localhost/bb:latest', 'localhost/bb:1'],
  Config: {},
  Labels: { a: 'b', c: 'd' },
  RootFS: { Type: 'layers', Layers: ['sha256:93077e81f773', 'sha256:00aa'] },
  Mounts: [{ Destination: '/data' }, { Destination: '/logs' }],
};
const r = (src: string, data: unknown = img) => new GoTemplate(src).render(data);

describe('Go text/template subset', () => {
  it('chains a field onto a parenthesised pipeline and a variable', () => {
    expect(r('{{(index .Mounts 1).Destination}}')).toBe('/logs');
    expect(r('{{(index .RootFS.Layers 0) | printf "%.12s"}}')).toBe('sha256:93077');
    expect(r('{{$m := index .Mounts 0}}{{$m.Destination}}')).toBe('/data');
    // A space before the field makes it a separate argument, as in Go.
    expect(() => r('{{(index .Mounts 1) .Destination}}')).toThrow(/can't give argument to non-function/);
  });
  it('range with $i, $v and over maps in key order; else; break and continue', () => {
    expect(r('{{range $i, $t := .RepoTags}}{{$i}}={{$t}} {{end}}')).toBe('0=localhost/bb:latest 1=localhost/bb:1 ');
    expect(r('{{range $k, $v := .Labels}}{{$k}}:{{$v}},{{end}}')).toBe('a:b,c:d,');
    expect(r('{{range $v := .RepoTags}}[{{$v}}]{{end}}')).toBe('[localhost/bb:latest][localhost/bb:1]');
    expect(r('{{range .Config.Env}}x{{else}}empty{{end}}')).toBe('empty');
    expect(r('{{range $i, $t := .RepoTags}}{{if eq $i 1}}{{break}}{{end}}{{$t}}{{end}}')).toBe('localhost/bb:latest');
    expect(r('{{range $i, $t := .RepoTags}}{{if eq $i 0}}{{continue}}{{end}}{{$t}}{{end}}')).toBe('localhost/bb:1');
    expect(() => r('{{range .Os}}{{end}}')).toThrow(/range can't iterate over linux/);
    expect(() => r('{{break}}')).toThrow(/outside \{\{range\}\}/);
  });
  it('variables: := declares, = assigns, scoped to their block', () => {
    expect(r('{{$x := .Os}}{{$x = "z"}}{{$x}}')).toBe('z');
    expect(r('{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}')).toBe('2');
    expect(() => r('{{if true}}{{$y := 1}}{{end}}{{$y}}')).toThrow(/undefined variable/);
    expect(r('{{with $x := .Os}}{{$x}}{{end}}')).toBe('linux');
    expect(r('{{range .RepoTags}}{{$.Os}}{{end}}')).toBe('linuxlinux');
  });
  it("podman's typed zero values: nil slices print [], nil maps map[], json null", () => {
    expect(r('{{.Config.Cmd}}')).toBe('[]');
    expect(r('{{json .Config.Cmd}}')).toBe('null');
    expect(r('{{.Config.Labels}}')).toBe('map[]');
    expect(r('{{join .Config.Cmd ","}}|{{len .Config.Env}}')).toBe('|0');
    expect(r('{{with .Config}}{{.Cmd}}{{end}}')).toBe('[]');
    expect(r('{{if .Config.Cmd}}y{{else}}n{{end}}')).toBe('n');
  });
  it("only podman's and Go's functions exist", () => {
    expect(r('{{pad .Os 2 3}}|')).toBe('  linux   |');
    expect(r('{{pad "" 2 3}}|')).toBe('|');
    expect(r('{{slice .Os 1 3}} {{slice .RepoTags 1}}')).toBe('in [localhost/bb:1]');
    expect(r('{{html "<a href=\'x\'>&"}}')).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
    expect(r('{{js "a\\"b<"}}')).toBe('a\\"b\\u003C');
    expect(r('{{urlquery "a b&c"}}')).toBe('a+b%26c');
    expect(r('{{truncate .Os 2}} {{upper .Os}} {{title "hello world"}} {{split "a:b" ":"}}')).toBe('li LINUX Hello World [a b]');
    expect(r('{{json .Labels}} {{json "<a&b>"}}')).toBe('{"a":"b","c":"d"} "<a&b>"');
    for (const fn of ['contains', 'replace', 'hasPrefix']) expect(() => r(`{{${fn} .Os "l"}}`)).toThrow(`function "${fn}" not defined`);
  });
  it('print, println and printf as fmt does', () => {
    expect(r('{{print 1 2 "a" "b" 3}}')).toBe('1 2ab3');
    expect(r('{{println .Os 1}}')).toBe('linux 1\n');
    expect(r('{{printf "%v %5.2f %x %X %o %t %08d %+d %e" .Os 3.14159 255 255 8 true 42 5 1234.5}}')).toBe(
      'linux  3.14 ff FF 10 true 00000042 +5 1.234500e+03',
    );
    expect(sprintf('%d %s', 1)).toBe('1 %!s(MISSING)');
    expect(sprintf('%d', 1, 2)).toBe('1%!(EXTRA int=2)');
    expect(sprintf('%d', 'x')).toBe('%!d(string=x)');
    expect(sprintf('%v|%6.2v|%-5d|%5s|%x|%q', 1.5, 3.14159, 3, 'ab', 'hi', 'q')).toBe('1.5|   3.1|3    |   ab|6869|"q"');
  });
  it('index and comparisons fail as Go does', () => {
    expect(r('{{index .RepoTags 1}}')).toBe('localhost/bb:1');
    expect(() => r('{{index .RepoTags 5}}')).toThrow('error calling index: index out of range: 5');
    expect(r('{{index .Labels "nope"}}|')).toBe('|');
    expect(() => r('{{.RepoTags.x}}')).toThrow("can't evaluate field x in type []string");
    expect(r('{{eq .Os "linux" "x"}} {{ne .Size 1}} {{lt "a" "b"}}')).toBe('true true true');
    expect(() => r('{{eq .Os 1}}')).toThrow(/incompatible types for comparison/);
    expect(r('{{if and .Os (not .Size)}}a{{else if .Os}}b{{else}}c{{end}}')).toBe('b');
    expect(r('{{or .Nope.x "dflt"}}', { Nope: {} })).toBe('dflt');
  });
  it('literals, comments and quotes that hold braces', () => {
    expect(r("{{'a'}} {{0x10}} {{1e3}} {{`raw}}`}}")).toBe('97 16 1000 raw}}');
    expect(r('{{.Os}}{{/* a }} comment */}}!')).toBe('linux!');
    expect(r('x {{- /* c */ -}} y')).toBe('xy');
    expect(() => r('{{define "x"}}{{end}}')).toThrow(/not supported/);
    expect(() => r('{{.Os')).toThrow(/unclosed action/);
    expect(() => r('{{"abc}}')).toThrow(/unclosed action|unterminated/);
  });
});

describe('trailing newline as podman parses a format', () => {
  it('a closing -}} trims the newline podman appends', () => {
    expect(formatInspect([img, img], '{{- .Os -}}')).toBe('linuxlinux');
    expect(formatInspect([img], '{{.Os}}')).toBe('linux\n');
    expect(formatInspect([img], '{{.Os}}\\n')).toBe('linux\n');
    expect(formatList([{ Names: 'c1' }, { Names: 'c2' }], { columns: [], format: '{{.Names -}}' })).toBe('c1c2');
  });
});

describe('escapes typed in a shell argument (podman\'s report.Formatter.Parse)', () => {
  const d = { A: 'x', B: 'y' };
  it('\\t and \\n typed literally become tab and newline outside strings', () => {
    expect(r('{{.A}}\\t{{.B}}\\n', d)).toBe('x\ty\n');
  });
  it('when unescaping breaks a string literal ({{"\\n"}}, 610-format), the text is parsed as typed', () => {
    expect(r('{{"\\n"}}', d)).toBe('\n');
    expect(r('{{printf "%s\\n" .A}}', d)).toBe('x\n');
  });
  it('Go string literals: a raw tab, \\x, octal, \\a, and an escaped backslash', () => {
    expect(r('{{"a\tb"}}', d)).toBe('a\tb');
    expect(r('{{"\\x41\\101\\a"}}', d)).toBe('AA\u0007');
    expect(r('{{"\\\\a"}}', d)).toBe('\\a');
    expect(() => r('{{"\\q"}}', d)).toThrow(/invalid syntax/);
  });
});
