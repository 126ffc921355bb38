// The event log under concurrent writers at its rotation (events_logfile_max_size):
// every writer holds the log's lock, so no event is appended to a file that a
// rotation is replacing. Separate processes, as separate commands would be.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageEvent } from '../../../src/events/event.js';
import { appendEventTo } from '../../../src/events/event-log.js';
import { bootId } from '../../../src/storage/proc-stamp.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let tmp: string;
let worker: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-evlock-'));
  worker = path.join(tmp, 'event-writer.mjs');
  await build({ entryPoints: [path.join(here, 'fixtures', 'event-writer.ts')], outfile: worker, bundle: true, format: 'esm', platform: 'node', target: 'node24', logLevel: 'error' });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(file: string, limit: number, writer: string, count: number): Promise<number | null> {
  const child = spawn(process.execPath, [worker, file, String(limit), writer, String(count)], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const names = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { Name: string; Type: string });

describe('event log rotation with concurrent writers', () => {
  it('loses no event while one of them rotates the log', async () => {
    const file = path.join(tmp, 'events.log');
    const limit = 2_000_000;
    // A log just short of its limit: the first events rotate it, a 2 MB read and a
    // 1 MB write during which the other writers keep appending. The kept half and
    // every new event then fit, so nothing may be missing afterwards.
    const filler = `${JSON.stringify(imageEvent('tag', 'e'.repeat(64), 'filler'))}\n`;
    fs.writeFileSync(file, filler.repeat(Math.floor((limit - 500) / filler.length)));
    const writers = 6;
    const count = 300;
    const running = Array.from({ length: writers }, (_, w) => write(file, limit, `w${w}`, count));
    await new Promise((r) => setTimeout(r, 300));
    fs.writeFileSync(`${file}.go`, '');
    expect(await Promise.all(running)).toEqual(Array(writers).fill(0));
    fs.rmSync(`${file}.go`);
    const events = names(file);
    expect(events.filter((e) => e.Type === 'system')).toHaveLength(1);
    for (let w = 0; w < writers; w++) {
      const seq = events.filter((e) => e.Name.startsWith(`w${w}:`)).map((e) => Number(e.Name.split(':')[1]));
      expect(seq, `writer ${w}`).toEqual(Array.from({ length: count }, (_, i) => i));
    }
    expect(fs.statSync(file).size).toBeLessThan(limit);
    // Nothing of the lock is left: no lock file, no baton.
    expect(fs.readdirSync(tmp).filter((n) => n.includes('events.log')).sort()).toEqual(['events.log']);
  });

  it('a lock left by a writer killed while holding it is broken; a lock that cannot be had costs the event, not the command', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'stale-'));
    const file = path.join(dir, 'events.log');
    // As a holder SIGKILLed inside the lock (storage/lock.ts's record and baton).
    const dead = { pid: 999_999_999, startTime: 77, bootId: bootId() };
    const token = 'ab'.repeat(16);
    const baton = path.join(dir, `.events.log.lock.${token}~${dead.pid}-${dead.startTime}-${dead.bootId.replace(/-/g, '')}`);
    fs.writeFileSync(baton, JSON.stringify({ ...dead, token, createdAt: new Date().toISOString() }));
    fs.linkSync(baton, `${file}.lock`);
    appendEventTo(file, imageEvent('tag', 'abc', 'after-stale'), 0);
    expect(names(file).map((e) => e.Name)).toEqual(['after-stale']);
    expect(fs.readdirSync(dir)).toEqual(['events.log']);
    // A directory in the way of the log and its lock: nothing written, nothing thrown.
    const blocked = path.join(dir, 'file-not-dir');
    fs.writeFileSync(blocked, '');
    expect(() => appendEventTo(path.join(blocked, 'events.log'), imageEvent('tag', 'abc', 'x'), 0)).not.toThrow();
  });
});
