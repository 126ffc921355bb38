import { describe, expect, it } from 'vitest';
import { GoTime } from '../../../src/format/go-time.js';
import { LineSplitter, parseLogLine, renderEntry, selectEntries, tailEntries, type LogEntry } from '../../../src/runtime/monitor/log-entries.js';
import { parseInputTime } from '../../../src/format/time-input.js';

// The k8s-file log podman 4.3 wrote for: echo out1; echo err1 >&2; printf partial; sleep 1.2; echo out2
const K8S = [
  '2026-11-22T11:32:36.910357945+00:00 stdout F out1',
  '2026-11-22T11:32:36.910357945+00:00 stdout P partial',
  '2026-11-22T11:32:36.910470428+00:00 stderr F err1',
  '2026-11-22T11:32:38.113740615+00:00 stdout F out2',
];
const entries = K8S.map((l) => parseLogLine(l)!);

function show(es: readonly LogEntry[], timestamps = false): { out: string; err: string } {
  let out = '';
  let err = '';
  for (const e of es) {
    if (e.stream === 'stdout') out += renderEntry(e, { timestamps });
    else err += renderEntry(e, { timestamps });
  }
  return { out, err };
}

describe('parseLogLine', () => {
  it('k8s-file records, including empty and space-holding text', () => {
    expect(entries[1]).toMatchObject({ stream: 'stdout', partial: true, text: 'partial' });
    expect(entries[2]!.time.nanos).toBe(910470428);
    expect(parseLogLine('2026-11-22T11:32:36Z stdout F ')).toMatchObject({ text: '', partial: false });
    expect(parseLogLine('2026-11-22T11:32:36Z stdout F')).toMatchObject({ text: '', partial: false });
    expect(parseLogLine('2026-11-22T11:32:36Z stderr F  two  spaces ')).toMatchObject({ text: ' two  spaces ', stream: 'stderr' });
  });
  it('json-file records; a log without "\\n" is partial; UTF-8 kept byte for byte', () => {
    const e = parseLogLine('{"log":"héllo\\n","stream":"stderr","time":"2026-11-22T11:32:36.1Z"}'.replace('é', Buffer.from('é').toString('latin1')))!;
    expect(e).toMatchObject({ stream: 'stderr', partial: false });
    expect(Buffer.from(e.text, 'latin1').toString('utf8')).toBe('héllo');
    expect(parseLogLine('{"log":"abc","stream":"stdout","time":"2026-11-22T11:32:36Z"}')).toMatchObject({ partial: true, text: 'abc' });
  });
  it('ignores lines that are neither', () => {
    for (const bad of ['', 'garbage', 'notatime stdout F x', '2026-11-22T11:32:36Z stdin F x', '2026-11-22T11:32:36Z stdout X x', '{"log":1}', '{bad json']) {
      expect(parseLogLine(bad)).toBeUndefined();
    }
  });
});

describe('selection and rendering (as podman prints them)', () => {
  it('everything: partial records run into the next line; stderr separate', () => {
    expect(show(selectEntries(entries, {}))).toEqual({ out: 'out1\npartialout2\n', err: 'err1\n' });
  });
  it('-t puts the RFC3339Nano UTC time before every record, partial ones too', () => {
    expect(show(entries, true)).toEqual({
      out: '2026-11-22T11:32:36.910357945Z out1\n2026-11-22T11:32:36.910357945Z partial2026-11-22T11:32:38.113740615Z out2\n',
      err: '2026-11-22T11:32:36.910470428Z err1\n',
    });
  });
  it('--since/--until per record, nanosecond exact', () => {
    const since = (t: string) => show(selectEntries(entries, { since: parseInputTime(t, true) }));
    const until = (t: string) => show(selectEntries(entries, { until: parseInputTime(t, false) }));
    expect(since('2026-11-22T11:32:37Z')).toEqual({ out: 'out2\n', err: '' });
    expect(since('2026-11-22T11:32:36.910400Z')).toEqual({ out: 'out2\n', err: 'err1\n' });
    expect(since('2026-11-22T11:32:36.910357945Z').out).toBe('out1\npartialout2\n');
    expect(until('2026-11-22T11:32:37Z')).toEqual({ out: 'out1\npartial', err: 'err1\n' });
  });
  it('--tail counts whole lines and never cuts one in half', () => {
    expect(show(tailEntries(entries, 0))).toEqual({ out: '', err: '' });
    expect(show(tailEntries(entries, 1))).toEqual({ out: 'partialout2\n', err: '' });
    expect(show(tailEntries(entries, 2))).toEqual({ out: 'partialout2\n', err: 'err1\n' });
    expect(show(tailEntries(entries, 3))).toEqual({ out: 'out1\npartialout2\n', err: 'err1\n' });
    expect(show(tailEntries(entries, 99))).toEqual(show(entries));
    expect(tailEntries(entries, -1)).toEqual(entries);
  });
  it('a trailing partial line counts as a line', () => {
    const t = GoTime.fromRfc3339('2026-11-22T11:32:39Z')!;
    const es = [...entries, { time: t, stream: 'stdout' as const, partial: true, text: 'prompt> ' }];
    expect(show(tailEntries(es, 1)).out).toBe('prompt> ');
    expect(show(tailEntries(es, 2)).out).toBe('partialout2\nprompt> ');
  });
  it('--names prefixes the container name', () => {
    expect(renderEntry(entries[0]!, { timestamps: false, name: 'web' })).toBe('web out1\n');
  });
});

describe('LineSplitter', () => {
  it('hands out whole lines only, across chunks', () => {
    const s = new LineSplitter();
    expect(s.feed('a\nb')).toEqual(['a']);
    expect(s.pending()).toBe('b');
    expect(s.feed('c\n\nd')).toEqual(['bc', '']);
    expect(s.feed('\n')).toEqual(['d']);
  });
});
