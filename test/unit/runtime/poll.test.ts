// pollUntil: the deadline, and the inotify wake on a named entry (stop waits
// on the monitor's exit.json this way instead of a timer tick).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../src/runtime/container/poll.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-run-poll-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pollUntil', () => {
  it('returns the first truthy value, or undefined at the deadline', async () => {
    let n = 0;
    expect(await pollUntil(() => (++n === 3 ? 'x' : undefined), { timeoutMs: 5000, intervalMs: 1 })).toBe('x');
    const t0 = Date.now();
    expect(await pollUntil(() => false, { timeoutMs: 60, intervalMs: 10 })).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('looks again as soon as the watched name is renamed into the directory, long before the interval', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'w-'));
    const file = path.join(dir, 'exit.json');
    let checks = 0;
    setTimeout(() => {
      fs.writeFileSync(path.join(dir, 'other'), 'x'); // another name: no wake
      fs.writeFileSync(path.join(dir, '.exit.json.tmp'), '{}');
      fs.renameSync(path.join(dir, '.exit.json.tmp'), file);
    }, 50);
    const t0 = Date.now();
    const v = await pollUntil(
      () => {
        checks++;
        return fs.existsSync(file);
      },
      { timeoutMs: 60_000, intervalMs: 30_000, wakeOn: { dir, name: 'exit.json' } },
    );
    expect(v).toBe(true);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(checks).toBe(2);
  });

  it('polls on its interval when the directory does not exist', async () => {
    let n = 0;
    const v = await pollUntil(() => ++n === 2, { timeoutMs: 5000, intervalMs: 5, wakeOn: { dir: path.join(tmp, 'none'), name: 'exit.json' } });
    expect(v).toBe(true);
  });
});
