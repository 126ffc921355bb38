import { describe, expect, it } from 'vitest';
import { GoTime } from '../../../src/format/go-time.js';
import { containerEvent, imageEvent, type EngineEvent } from '../../../src/events/event.js';
import { eventMatcher } from '../../../src/events/event-filter.js';
import { humanLine, jsonLine, templateView } from '../../../src/events/event-format.js';
import { parseEventLines } from '../../../src/events/event-log.js';
import { UsageError } from '../../../src/errors.js';

const ID = 'a'.repeat(64);
const ctr = { id: ID, name: 'web', imageName: 'docker.io/library/busybox:latest', config: { labels: { b: '2', a: '1' } } };
const at = (s: string) => GoTime.fromRfc3339(s)!;

describe('event objects', () => {
  it('a container event has podman\'s keys in podman\'s order; exit code only when not 0', () => {
    const e = containerEvent(ctr, 'start', { time: at('2026-11-22T11:58:22.123456789Z') });
    expect(jsonLine(e)).toBe(
      `{"ID":"${ID}","Image":"docker.io/library/busybox:latest","Name":"web","Status":"start","Time":"2026-11-22T11:58:22.123456789Z","Type":"container","Attributes":{"b":"2","a":"1"}}`,
    );
    expect(Object.keys(containerEvent(ctr, 'died', { exitCode: 0 }))).not.toContain('ContainerExitCode');
    expect(Object.keys(containerEvent(ctr, 'died', { exitCode: 3 }))[0]).toBe('ContainerExitCode');
    expect(containerEvent(ctr, 'exec', { attributes: { execID: 'x' } }).Attributes).toEqual({ b: '2', a: '1', execID: 'x' });
  });
  it('an image event has no Image key and null Attributes, as podman', () => {
    const e = imageEvent('pull', 'f'.repeat(64), 'docker.io/library/alpine:latest', at('2026-11-22T11:58:22Z'));
    expect(jsonLine(e)).toBe(`{"ID":"${'f'.repeat(64)}","Name":"docker.io/library/alpine:latest","Status":"pull","Time":"2026-11-22T11:58:22Z","Type":"image","Attributes":null}`);
  });
});

describe('human lines (podman 4.3 ToHumanReadable)', () => {
  const e = containerEvent(ctr, 'start', { time: at('2026-11-22T11:58:22.1234Z') });
  it('container: Go time, type, status, id, then image, name and the attributes sorted', () => {
    expect(humanLine(e, false)).toBe(`2026-11-22 11:58:22.1234 +0000 UTC container start ${ID} (image=docker.io/library/busybox:latest, name=web, a=1, b=2)`);
    expect(humanLine(e, true)).toContain(` container start ${ID.slice(0, 12)} (`);
  });
  it('image: time, type, status, id, name', () => {
    expect(humanLine(imageEvent('tag', 'ab', 'localhost/x:1', at('2026-11-22T11:58:22Z')), false)).toBe('2026-11-22 11:58:22 +0000 UTC image tag ab localhost/x:1');
  });
  it('a template sees Go fields, Time as a Go time', () => {
    const v = templateView(e);
    expect(String(v.Time)).toBe('2026-11-22 11:58:22.1234 +0000 UTC');
    expect(v).toMatchObject({ ID, Name: 'web', Status: 'start', Type: 'container', ContainerExitCode: 0 });
  });
});

describe('filters', () => {
  const ev = (status: string, time: string, o: Partial<EngineEvent> = {}): EngineEvent => ({ ...containerEvent(ctr, status, { time: at(time) }), ...o });
  const a = ev('create', '2026-11-22T10:00:00Z');
  const b = ev('start', '2026-11-22T10:00:01Z');
  const img = imageEvent('pull', 'c'.repeat(64), 'docker.io/library/alpine:latest', at('2026-11-22T10:00:02Z'));
  const all = [a, b, img];
  const pick = (sel: Parameters<typeof eventMatcher>[0]) => all.filter(eventMatcher(sel)).map((e) => e.Status);

  it('values of one key are alternatives, keys must all match', () => {
    expect(pick({ filters: ['event=create', 'event=pull'] })).toEqual(['create', 'pull']);
    expect(pick({ filters: ['event=create', 'event=pull', 'type=image'] })).toEqual(['pull']);
    expect(pick({ filters: ['status=start'] })).toEqual(['start']);
  });
  it('container= and image= match a name or an id prefix of their own type only', () => {
    expect(pick({ filters: ['container=web'] })).toEqual(['create', 'start']);
    expect(pick({ filters: ['container=aaaa'] })).toEqual(['create', 'start']);
    expect(pick({ filters: ['image=docker.io/library/alpine:latest'] })).toEqual(['pull']);
    expect(pick({ filters: ['image=ccc'] })).toEqual(['pull']);
    expect(pick({ filters: ['container=ccc'] })).toEqual([]);
  });
  it('label= matches an attribute', () => {
    expect(pick({ filters: ['label=a=1'] })).toEqual(['create', 'start']);
    expect(pick({ filters: ['label=a=2'] })).toEqual([]);
  });
  it('since and until are strict', () => {
    expect(pick({ filters: [], since: at('2026-11-22T10:00:00Z') })).toEqual(['start', 'pull']);
    expect(pick({ filters: [], until: at('2026-11-22T10:00:02Z') })).toEqual(['create', 'start']);
  });
  it('podman\'s message for an unknown key or a filter without =', () => {
    expect(() => eventMatcher({ filters: ['color=red'] })).toThrow(new UsageError('failed to parse event filters: color is an invalid filter'));
    expect(() => eventMatcher({ filters: ['nonsense'] })).toThrow(/nonsense is an invalid filter/);
  });
});

describe('reading the log', () => {
  it('complete lines only: a line still being written waits for the next read', () => {
    const l1 = jsonLine(imageEvent('tag', 'a', 'x', at('2026-11-22T10:00:00Z')));
    const buf = Buffer.from(`${l1}\n\n${l1}\n{"ID":"b","St`);
    const r = parseEventLines(buf, 100, 'events.log');
    expect(r.events).toHaveLength(2);
    expect(r.offset).toBe(100 + Buffer.byteLength(`${l1}\n\n${l1}\n`));
  });
  it('a damaged line is an error naming where it is', () => {
    expect(() => parseEventLines(Buffer.from('{"ID":1}\n'), 7, 'events.log')).toThrow(/events.log: malformed event at byte 7/);
  });
});
