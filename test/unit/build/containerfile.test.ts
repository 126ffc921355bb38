import { describe, expect, it } from 'vitest';
import { parseContainerfile } from '../../../src/build/containerfile/parse.js';
import { parseDuration } from '../../../src/build/containerfile/instructions.js';
import { processWord, processWords } from '../../../src/build/containerfile/words.js';

const parse = (t: string) => parseContainerfile(t, 'Containerfile');
const fails = (t: string) => {
  try {
    parse(t);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('parsed');
};

describe('Containerfile lines', () => {
  it('joins continuations, skips comments and blank lines inside them', () => {
    const f = parse('FROM busybox\nRUN echo a \\\n  # comment\n\n  b \\\n c\n');
    const run = f.stages[0]!.steps[0]!;
    expect(run).toMatchObject({ kind: 'RUN', line: 2, command: { shell: 'echo a b c' } });
  });
  it('honours # escape=` and ignores # syntax=', () => {
    const f = parse('# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN echo \\path `\n more\n');
    expect(f.directives).toMatchObject({ escape: '`', syntax: 'docker/dockerfile:1' });
    expect(f.stages[0]!.steps[0]).toMatchObject({ command: { shell: 'echo \\path more' } });
  });
  it('stops reading directives at the first ordinary comment', () => {
    const f = parse('# hello\n# escape=`\nFROM busybox\nRUN a \\\n b\n');
    expect(f.directives.escape).toBe('\\');
    expect(f.stages[0]!.steps[0]).toMatchObject({ command: { shell: 'a b' } });
  });
  it('rejects a bad escape and a repeated directive', () => {
    expect(fails('# escape=x\nFROM a\n')).toMatch(/^Containerfile:1: invalid escape token/);
    expect(fails('# escape=\\\n# escape=`\nFROM a\n')).toBe('Containerfile:2: only one escape parser directive can be used');
  });
  it('reads heredocs: several, <<- strips tabs, quoted names do not expand', () => {
    const f = parse('FROM a\nRUN <<EOF cat <<-"TWO"\necho 1\nEOF\n\tx $y\n\tTWO\nCOPY <<EOF /etc/x\nhello\nEOF\n');
    const [run, copy] = f.stages[0]!.steps;
    expect(run).toMatchObject({ kind: 'RUN', heredocs: [
      { name: 'EOF', content: 'echo 1\n', chomp: false, expand: true },
      { name: 'TWO', content: 'x $y\n', chomp: true, expand: false },
    ] });
    expect(copy).toMatchObject({ kind: 'COPY', args: ['<<EOF', '/etc/x'], heredocs: [{ content: 'hello\n' }] });
  });
  it('reports an unterminated heredoc at its instruction', () => {
    expect(fails('FROM a\n\nRUN <<EOF\necho\n')).toBe('Containerfile:3: unterminated heredoc: no line "EOF" after the instruction');
  });
});

describe('instructions', () => {
  it('parses FROM with --platform and AS', () => {
    const f = parse('ARG V=1\nFROM --platform=linux/amd64 busybox:$V AS Build\nFROM build\n');
    expect(f.globalArgs[0]).toMatchObject({ args: [{ name: 'V', value: '1' }] });
    expect(f.stages[0]).toMatchObject({ name: 'build', from: { image: 'busybox:$V', platform: 'linux/amd64' } });
    expect(f.stages[1]!.from.image).toBe('build');
  });
  it('tells exec form from shell form', () => {
    const f = parse('FROM a\nCMD ["a", "b"]\nENTRYPOINT echo hi\nRUN [not json\nSHELL ["/bin/sh", "-ec"]\n');
    const [cmd, ep, run, sh] = f.stages[0]!.steps;
    expect(cmd).toMatchObject({ command: { exec: ['a', 'b'] } });
    expect(ep).toMatchObject({ command: { shell: 'echo hi' } });
    expect(run).toMatchObject({ command: { shell: '[not json' } });
    expect(sh).toMatchObject({ shell: ['/bin/sh', '-ec'] });
  });
  it('reads ENV and LABEL pairs, and the old ENV form', () => {
    const f = parse('FROM a\nENV A=1 B="two words" C=x\\ y\nENV OLD value with spaces\nLABEL "a.b"=c d=\'e f\'\n');
    const [e1, e2, l] = f.stages[0]!.steps;
    expect(e1).toMatchObject({ pairs: [{ key: 'A', value: '1' }, { key: 'B', value: '"two words"' }, { key: 'C', value: 'x\\ y' }] });
    expect(e2).toMatchObject({ pairs: [{ key: 'OLD', value: 'value with spaces' }] });
    expect(l).toMatchObject({ pairs: [{ key: '"a.b"', value: 'c' }, { key: 'd', value: "'e f'" }] });
  });
  it('reads the old LABEL form `LABEL key value...` as buildah does (runlabel images use it)', () => {
    const [l] = parse('FROM a\nLABEL  INSTALL  /usr/bin/podman  run  -t  --rm x\n').stages[0]!.steps;
    expect(l).toMatchObject({ kind: 'LABEL', pairs: [{ key: 'INSTALL', value: '/usr/bin/podman  run  -t  --rm x' }] });
  });
  it('reads COPY/ADD flags and forms', () => {
    const f = parse('FROM a\nCOPY --from=build --chown=1:2 --chmod=0640 --link a b /d/\nADD ["x y", "/z"]\nADD --checksum=sha256:abcd http://h/f /f\n');
    const [c, a, b] = f.stages[0]!.steps;
    expect(c).toMatchObject({ kind: 'COPY', from: 'build', chown: '1:2', chmod: '0640', link: true, args: ['a', 'b', '/d/'] });
    expect(a).toMatchObject({ kind: 'ADD', json: true, args: ['x y', '/z'] });
    expect(b).toMatchObject({ checksum: 'sha256:abcd' });
  });
  it('reads HEALTHCHECK options and NONE', () => {
    const f = parse('FROM a\nHEALTHCHECK --interval=5s --retries=3 CMD ["true"]\nHEALTHCHECK NONE\n');
    expect(f.stages[0]!.steps[0]).toMatchObject({ none: false, interval: 5e9, retries: 3, command: { exec: ['true'] } });
    expect(f.stages[0]!.steps[1]).toMatchObject({ none: true });
  });
  it('parses ONBUILD triggers and refuses forbidden ones', () => {
    const f = parse('FROM a\nonbuild run echo hi\n');
    expect(f.stages[0]!.steps[0]).toMatchObject({ kind: 'ONBUILD', text: 'run echo hi', trigger: { kind: 'RUN' } });
    expect(fails('FROM a\nONBUILD ONBUILD RUN x\n')).toBe("Containerfile:2: ONBUILD isn't allowed as an ONBUILD trigger");
    expect(fails('FROM a\nONBUILD FROM b\n')).toBe("Containerfile:2: FROM isn't allowed as an ONBUILD trigger");
  });
  it('parses durations as Go does', () => {
    expect(parseDuration('1m30s')).toBe(90e9);
    expect(parseDuration('500ms')).toBe(5e8);
    expect(parseDuration('5')).toBeUndefined();
  });
});

describe('malformed files', () => {
  it.each([
    ['', 'building: no stages to build'],
    ['# only a comment\n', 'building: no stages to build'],
    ['RUN echo\n', 'Containerfile:1: RUN before the first FROM: only ARG may come before it'],
    ['FROM a\nFOO bar\n', 'Containerfile:2: unknown instruction: FOO'],
    ['FROM\n', 'Containerfile:1: FROM requires at least one argument'],
    ['FROM a b\n', 'Containerfile:1: FROM requires either one or three arguments (FROM IMAGE [AS NAME])'],
    ['FROM a AS x\nFROM b AS x\n', 'Containerfile:2: duplicate name of build stage: "x"'],
    ['FROM a\nCOPY onlyone\n', 'Containerfile:2: COPY requires at least two arguments, but only 1 provided'],
    ['FROM a\nCOPY --bogus=1 a b\n', 'Containerfile:2: unknown flag: bogus'],
    ['FROM a\nCOPY --from a b\n', 'Containerfile:2: missing a value on flag: from'],
    ['FROM a\nCOPY --chmod=abc a b\n', 'Containerfile:2: invalid chmod parameter "abc": it must be an octal mode such as 0755'],
    ['FROM a\nSHELL /bin/sh -c\n', 'Containerfile:2: SHELL requires the arguments to be in JSON form'],
    ['FROM a\nHEALTHCHECK --interval=5x CMD true\n', 'Containerfile:2: time: invalid duration "5x"'],
    ['FROM a\nHEALTHCHECK RUN true\n', 'Containerfile:2: unknown type "RUN" in HEALTHCHECK (try CMD)'],
    ['FROM a\nENV\n', 'Containerfile:2: ENV requires at least one argument'],
    ['FROM a\nENV =x\n', 'Containerfile:2: ENV names can not be blank'],
    ['FROM a\nLABEL novalue\n', 'Containerfile:2: LABEL must have two arguments'],
    ['FROM a\nARG 1bad\n', 'Containerfile:2: invalid ARG name "1bad"'],
    ['FROM a\nUSER a b\n', 'Containerfile:2: USER requires exactly one argument'],
    ['FROM a\nRUN --network=weird true\n', 'Containerfile:2: unsupported network mode "weird": want default, none or host'],
    ['FROM a\n\n\nWORKDIR\n', 'Containerfile:4: WORKDIR requires exactly one argument'],
  ])('%j', (text, message) => {
    expect(fails(text)).toBe(message);
  });
});

describe('substitution', () => {
  const env: Record<string, string> = { A: 'one', E: '', S: 'x y' };
  const look = (n: string) => env[n];
  it('expands $VAR, ${VAR} and the modifiers', () => {
    expect(processWord('$A-${A}', look)).toBe('one-one');
    expect(processWord('${E:-d} ${E-d} ${U-d}', look)).toBe('d  d');
    expect(processWord('${A:+set} ${E:+set} ${E+set}', look)).toBe('set  set');
    expect(() => processWord('${U:?must be set}', look)).toThrow('U: must be set');
  });
  it('keeps single-quoted text and escaped dollars literal', () => {
    expect(processWord("'$A' \"$A\" \\$A", look)).toBe('$A one $A');
  });
  it('splits unquoted values into words, not quoted ones', () => {
    expect(processWords('$S "$S" z', look)).toEqual(['x', 'y', 'x y', 'z']);
  });
});
