import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EVENTS_LOG_MAX_SIZE, eventsLogMaxSize, mergeEngineConfig } from '../../../src/host/engine-config.js';
import { imageEvent } from '../../../src/events/event.js';
import { appendEventTo } from '../../../src/events/event-log.js';

describe('events_logfile_max_size', () => {
  it('reads bytes or go-units sizes (decimal), podman 4.3 default 1 MB', () => {
    expect(eventsLogMaxSize(undefined)).toBe(DEFAULT_EVENTS_LOG_MAX_SIZE);
    expect(DEFAULT_EVENTS_LOG_MAX_SIZE).toBe(1_000_000);
    expect(eventsLogMaxSize(4750)).toBe(4750);
    expect(eventsLogMaxSize(0)).toBe(0);
    expect(eventsLogMaxSize('10k')).toBe(10_000);
    expect(eventsLogMaxSize('1.5MB')).toBe(1_500_000);
    expect(eventsLogMaxSize('2 g')).toBe(2e9);
    expect(() => eventsLogMaxSize('lots')).toThrow('containers.conf: invalid events_logfile_max_size "lots"');
    expect(() => eventsLogMaxSize(-1)).toThrow(/invalid/);
    expect(mergeEngineConfig({}, { events_logfile_max_size: '1k' }).eventsLogfileMaxSize).toBe(1000);
  });
});

describe('event log rotation', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-evrot-'));
    file = path.join(dir, 'events.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lines = () => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

  it('keeps the second half from the first whole line past the middle, then log-rotation and the event', () => {
    // 100 lines of 95 bytes (9500), as podman's bats populates the file.
    const old = Array.from({ length: 100 }, (_, i) => `{"Name":"n${String(i).padStart(6, '0')}","Status":"pull","Time":"2022-04-06T11:26:42.723667949+02:00","Type":"image"}`);
    expect(old[0]!.length + 1).toBe(95);
    fs.writeFileSync(file, old.map((l) => `${l}\n`).join(''));
    appendEventTo(file, imageEvent('tag', 'abc', 'x'), 0); // 0: never rotated
    expect(lines()).toHaveLength(101);
    fs.writeFileSync(file, old.map((l) => `${l}\n`).join(''));
    appendEventTo(file, imageEvent('tag', 'abc', 'x'), 4750);
    const after = lines();
    // The middle (4750) is the start of line 50: as podman's seek and ReadString, that line goes too.
    expect(after).toHaveLength(51);
    expect(after.slice(0, 49)).toEqual(old.slice(51));
    expect(JSON.parse(after[49]!)).toMatchObject({ Name: file, Status: 'log-rotation', Type: 'system', Attributes: null });
    expect(JSON.parse(after[50]!)).toMatchObject({ ID: 'abc', Status: 'tag', Type: 'image' });
    // Still past the limit: the next event rotates again.
    appendEventTo(file, imageEvent('untag', 'abc', 'x'), 4750);
    expect(lines().slice(-2).map((l) => (JSON.parse(l) as { Status: string }).Status)).toEqual(['log-rotation', 'untag']);
    expect(fs.statSync(file).size).toBeLessThan(4750);
    // Well below it: a plain append.
    appendEventTo(file, imageEvent('tag', 'abc', 'y'), 1_000_000);
    expect(lines().slice(-2).map((l) => (JSON.parse(l) as { Status: string }).Status)).toEqual(['untag', 'tag']);
  });

  it('an image event without an id has no ID key (podman omitempty)', () => {
    expect(Object.keys(imageEvent('pull', '', 'docker-archive:/x.tar'))).toEqual(['Name', 'Status', 'Time', 'Type', 'Attributes']);
  });
});
